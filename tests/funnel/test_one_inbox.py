"""One inbox: the funnel's SLA escalations and rule alerts land in the same bell as the
collaboration pages' notifications, and reading them anywhere reads them everywhere."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.collaboration import services as together
from hamsu.core.models import Notification
from hamsu.core.navigation import items_for
from hamsu.funnel.models import Handoff
from hamsu.funnel.services import handoff as handoffs

pytestmark = pytest.mark.django_db

BREACH = "SLA breached"


@pytest.fixture
def breach_and_invitation(mql, manager, liaison, head_of_sales):
    """The manager gets an SLA escalation (funnel; the liaison too) and a meeting invitation
    (collaboration)."""
    handoff = Handoff.objects.get(lead=mql)
    assert handoffs.sla_check(now=handoff.due_at + datetime.timedelta(minutes=1)) == 1
    together.meeting_create(
        actor=head_of_sales.user,
        title="Pipeline review",
        starts_at=timezone.now() + datetime.timedelta(days=1),
        attendees=[manager],
    )
    return handoff


def test_an_sla_escalation_rings_the_same_bell_as_a_meeting_invitation(
    client, breach_and_invitation, manager, mql
):
    client.force_login(manager.user)
    page = client.get("/together/notifications/")
    assert page.status_code == 200
    html = page.content.decode()
    assert BREACH in html
    assert "Invitation: Pipeline review" in html
    assert page.context["unread"] == 2
    assert f'href="/funnel/leads/{mql.pk}/"' in html  # the escalation still links to the lead

    together_api = client.get("/api/v1/together/notifications", {"unread": "true"}).json()
    funnel_api = client.get("/api/v1/funnel/notifications").json()
    assert {n["kind"] for n in together_api} == {"sla_breach", "meeting"}
    # The funnel's older API reads the same rows and keeps calling the link "link".
    assert {n["id"] for n in funnel_api} == {n["id"] for n in together_api}
    breach = next(n for n in funnel_api if n["kind"] == "sla_breach")
    assert breach["link"] == f"/funnel/leads/{mql.pk}/"
    assert breach["read_at"] is None
    assert set(breach) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}


def test_read_in_one_place_is_read_everywhere(client, breach_and_invitation, manager, liaison):
    client.force_login(manager.user)
    mine = {n.kind: n.pk for n in Notification.objects.filter(recipient=manager)}
    theirs = Notification.objects.get(recipient=liaison, kind="sla_breach")

    # The funnel API marks the collaboration invitation read (and ignores someone else's id) …
    marked = client.post(
        "/api/v1/funnel/notifications/read",
        {"ids": [mine["meeting"], theirs.pk]},
        content_type="application/json",
    )
    assert marked.json() == {"marked": 1}
    # … and the bell page's button marks the funnel escalation read.
    assert client.post("/together/notifications/read/", {"id": [mine["sla_breach"]]}).status_code == 302

    assert client.get("/api/v1/together/notifications", {"unread": "true"}).json() == []
    assert all(n["read_at"] for n in client.get("/api/v1/funnel/notifications").json())
    assert client.get("/together/notifications/").context["unread"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_from_the_funnel_api_clears_the_bell(client, breach_and_invitation, manager):
    client.force_login(manager.user)
    assert client.post("/api/v1/funnel/notifications/read", {}, content_type="application/json").json() == {
        "marked": 2
    }
    assert client.get("/together/notifications/").context["unread"] == 0


def test_the_old_funnel_page_leads_to_the_bell_and_the_menu_has_one(client, manager):
    client.force_login(manager.user)
    response = client.get("/funnel/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/together/notifications/"
    entries = [e for e in items_for(manager.user) if e["icon"] == "bell"]
    assert [e["url_name"] for e in entries] == ["collaboration:notifications"]


def test_an_escalation_email_goes_out_only_after_commit(
    mql, manager, liaison, mailoutbox, django_capture_on_commit_callbacks
):
    handoff = Handoff.objects.get(lead=mql)
    with django_capture_on_commit_callbacks() as callbacks:
        handoffs.sla_check(now=handoff.due_at + datetime.timedelta(minutes=1))
        assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, liaison.email])
    assert all(f"/funnel/leads/{mql.pk}/" in m.body for m in mailoutbox)
    assert set(Notification.objects.filter(kind="sla_breach").values_list("emailed", flat=True)) == {True}
