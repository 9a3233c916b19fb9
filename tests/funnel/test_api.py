"""API twins of the lead actions, queues, definitions and the funnel page."""

from __future__ import annotations

import pytest

from hamsu.funnel.models import Lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user, method, path, data=None):
        client.force_login(user)
        kwargs = {"content_type": "application/json"} if data is not None else {}
        return (
            getattr(client, method)(f"/api/v1/funnel{path}", data=data, **kwargs)
            if data is not None
            else getattr(client, method)(f"/api/v1/funnel{path}")
        )

    return call


def test_marketing_creates_a_lead_and_sees_its_stage_events(api, marketer):
    response = api(
        marketer.user, "post", "/leads", {"email": "ana@pars.example", "last_name": "Ana", "country": "ir"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "inquiry"
    assert body["queue"] == "marketing"
    assert body["country"] == "IR"
    events = api(marketer.user, "get", f"/leads/{body['id']}/events").json()
    assert [e["to_stage"] for e in events] == ["inquiry"]


def test_bad_input_gets_field_errors(api, marketer):
    response = api(marketer.user, "post", "/leads", {"country": "Iran"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "country"
    response = api(marketer.user, "post", "/leads", {"first_name": "Only"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"email"}
    assert not Lead.objects.exists()


def test_a_rep_cannot_create_leads(api, rep):
    assert api(rep.user, "post", "/leads", {"email": "x@y.example"}).status_code == 403


def test_accept_and_return_through_the_api(api, mql, rep, other_rep, follow_up):
    assert api(other_rep.user, "post", f"/leads/{mql.pk}/accept").status_code == 403  # not theirs
    response = api(rep.user, "post", f"/leads/{mql.pk}/return", {"reason": "because"})
    assert response.status_code == 422
    response = api(rep.user, "post", f"/leads/{mql.pk}/accept")
    assert response.status_code == 200
    assert response.json()["state"] == "sal"
    follow_up(mql, rep.user)
    response = api(rep.user, "post", f"/leads/{mql.pk}/return", {"reason": "no_budget", "note": "Q3"})
    assert response.json()["state"] == "nurture"
    assert response.json()["return_reason"] == "no_budget"


def test_inbox_shows_my_leads_with_their_deadline(api, mql, rep):
    items = api(rep.user, "get", "/inbox").json()
    assert [i["id"] for i in items] == [mql.pk]
    assert items[0]["due_at"]


def test_manager_assigns_from_the_handoff_queue(api, make_lead, policy, manager, rep):
    from hamsu.funnel.services import leads as lifecycle

    lead = lifecycle.lead_mark_mql(lead=make_lead(), actor=None)
    queue = api(manager.user, "get", "/handoff-queue").json()
    assert [q["id"] for q in queue] == [lead.pk]
    assert api(rep.user, "get", "/handoff-queue").status_code == 403
    response = api(manager.user, "post", f"/leads/{lead.pk}/assign", {"person_id": rep.pk})
    assert response.status_code == 200
    assert response.json()["owner_id"] == rep.pk
    assignments = api(manager.user, "get", f"/leads/{lead.pk}/assignments").json()
    assert len(assignments) == 2


def test_the_funnel_shows_live_counts_and_conversion(api, mql, make_lead, rep):
    make_lead()
    body = api(rep.user, "get", "/stages").json()
    lifecycle = {s["code"]: s for s in body["stages"] if s["funnel"] == "lifecycle"}
    assert lifecycle["inquiry"]["count"] == 1
    assert lifecycle["mql"]["count"] == 1
    assert lifecycle["inquiry"]["reached"] == 2
    assert lifecycle["inquiry"]["conversion"] == 0.5
    sales = [s for s in body["stages"] if s["funnel"] == "sales"]
    assert sales[3]["marketing_contribution"].startswith("Solution collateral")
    assert {s["funnel"] for s in body["stages"]} == {"buying", "lifecycle", "sales"}
