"""The one inbox through the API: /api/v1/notifications, and the funnel's and
collaboration's old paths, which answer as they did and are marked deprecated."""

from __future__ import annotations

import json

import pytest

from hamsu.core.models import Notification
from hamsu.core.notify import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(rep, other_rep):
    """Two notices for the rep from two apps, one for someone else."""
    breach = notify(
        recipients=[rep], kind="sla_breach", title="SLA breached", url="/funnel/leads/1/", email=False
    )
    meeting = notify(
        recipients=[rep], kind="meeting", title="Invitation", url="/together/meetings/2/", email=False
    )
    theirs = notify(recipients=[other_rep], kind="meeting", title="Invitation", email=False)
    return {"breach": breach[0], "meeting": meeting[0], "theirs": theirs[0]}


def read(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def test_my_notifications_come_from_every_app(client, rep, inbox):
    client.force_login(rep.user)
    kinds = {n["kind"] for n in client.get("/api/v1/notifications").json()}
    assert kinds == {"sla_breach", "meeting"}


def test_a_notification_carries_its_url(client, rep, inbox):
    client.force_login(rep.user)
    rows = {n["kind"]: n for n in client.get("/api/v1/notifications").json()}
    assert rows["sla_breach"]["url"] == "/funnel/leads/1/"


def test_unread_lists_only_what_is_unread(client, rep, inbox):
    client.force_login(rep.user)
    read(client, "/api/v1/notifications/read", {"ids": [inbox["breach"].pk]})
    unread = client.get("/api/v1/notifications", {"unread": "true"}).json()
    assert [n["kind"] for n in unread] == ["meeting"]


def test_marking_read_ignores_someone_elses_ids(client, rep, inbox):
    client.force_login(rep.user)
    marked = read(client, "/api/v1/notifications/read", {"ids": [inbox["meeting"].pk, inbox["theirs"].pk]})
    assert marked.json() == {"marked": 1}
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_marking_all_read_clears_my_inbox(client, rep, inbox):
    client.force_login(rep.user)
    assert read(client, "/api/v1/notifications/read", {}).json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=rep, read_at__isnull=True).exists()


def test_the_collaboration_path_answers_the_same(client, rep, inbox):
    client.force_login(rep.user)
    old = client.get("/api/v1/together/notifications").json()
    assert old == client.get("/api/v1/notifications").json()


def test_the_funnel_path_still_calls_the_url_link(client, rep, inbox):
    client.force_login(rep.user)
    rows = {n["kind"]: n for n in client.get("/api/v1/funnel/notifications").json()}
    assert set(rows["sla_breach"]) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}
    assert rows["sla_breach"]["link"] == "/funnel/leads/1/"


def test_reading_on_an_old_path_is_read_on_the_new_one(client, rep, inbox):
    client.force_login(rep.user)
    assert read(client, "/api/v1/funnel/notifications/read", {"ids": [inbox["breach"].pk]}).json() == {
        "marked": 1
    }
    assert read(client, "/api/v1/together/notifications/read", {}).json() == {"marked": 1}
    assert client.get("/api/v1/notifications", {"unread": "true"}).json() == []


@pytest.mark.parametrize(
    ("path", "method", "operation_id"),
    [
        ("/api/v1/funnel/notifications", "get", "hamsu_funnel_api_my_notifications"),
        ("/api/v1/funnel/notifications/read", "post", "hamsu_funnel_api_read_notifications"),
        ("/api/v1/together/notifications", "get", "hamsu_collaboration_api_list_notifications"),
        ("/api/v1/together/notifications/read", "post", "hamsu_collaboration_api_read_notifications"),
    ],
)
def test_the_old_paths_are_deprecated_and_keep_their_operation_ids(client, path, method, operation_id):
    operation = client.get("/api/v1/openapi.json").json()["paths"][path][method]
    assert operation["deprecated"] is True
    assert operation["operationId"] == operation_id


def test_the_new_paths_are_not_deprecated(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/notifications"]["get"]
    assert not operation.get("deprecated")
