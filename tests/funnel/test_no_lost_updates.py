"""Quick actions on a lead act on the state they were shown (issue 18): accepting, assigning
or moving a lead someone changed meanwhile writes nothing and says so."""

from __future__ import annotations

import json

import pytest

from hamsu.api import services as tokens
from hamsu.core.models import AuditEntry
from hamsu.crm.models import StageEvent
from hamsu.funnel.models import Lead, LeadState
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db


def test_assigning_a_lead_someone_assigned_meanwhile_keeps_their_choice(client, manager, rep, other_rep, mql):
    shown = mql.version
    lifecycle.lead_assign(lead=mql, person=other_rep, actor=None, via="test")
    client.force_login(manager.user)
    client.post(f"/funnel/leads/{mql.pk}/assign/", {"person": rep.pk, "version": shown})
    assert Lead.objects.get(pk=mql.pk).owner == other_rep


def test_a_stale_assign_says_the_lead_changed(client, manager, rep, other_rep, mql):
    shown = mql.version
    lifecycle.lead_assign(lead=mql, person=other_rep, actor=None, via="test")
    client.force_login(manager.user)
    page = client.post(f"/funnel/leads/{mql.pk}/assign/", {"person": rep.pk, "version": shown}, follow=True)
    assert "changed by" in page.content.decode()


def test_accepting_a_lead_returned_meanwhile_writes_no_stage_event(client, rep, mql, follow_up):
    shown = follow_up(mql, rep.user).version
    lifecycle.lead_return(lead=mql, actor=rep.user, reason="not_now")
    events = StageEvent.objects.filter(object_id=mql.pk).count()
    client.force_login(rep.user)
    client.post(f"/funnel/leads/{mql.pk}/accept/", {"version": shown})
    assert StageEvent.objects.filter(object_id=mql.pk).count() == events


def test_accepting_on_the_version_shown_goes_through(client, rep, mql):
    client.force_login(rep.user)
    client.post(f"/funnel/leads/{mql.pk}/accept/", {"version": mql.version})
    assert Lead.objects.get(pk=mql.pk).state == LeadState.SAL


def test_a_refused_quick_action_is_in_the_leads_audit_trail(client, manager, rep, other_rep, mql):
    shown = mql.version
    lifecycle.lead_assign(lead=mql, person=other_rep, actor=None, via="test")
    client.force_login(manager.user)
    client.post(f"/funnel/leads/{mql.pk}/assign/", {"person": rep.pk, "version": shown})
    assert (
        AuditEntry.objects.filter(object_type="funnel.lead", object_id=str(mql.pk), action="conflict").count()
        == 1
    )


def test_every_state_change_bumps_the_version(rep, mql):
    before = mql.version
    lead = lifecycle.lead_accept(lead=mql, actor=rep.user)
    assert lead.version == before + 1


@pytest.fixture
def manager_api(manager):
    _token, raw = tokens.token_create(user=manager.user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_accept_with_a_stale_if_match_is_412(client, manager_api, rep, other_rep, mql):
    etag = client.get(f"/api/v1/funnel/leads/{mql.pk}", **manager_api)["ETag"]
    lifecycle.lead_assign(lead=mql, person=other_rep, actor=None, via="test")
    response = client.post(
        f"/api/v1/funnel/leads/{mql.pk}/assign",
        json.dumps({"person_id": rep.pk}),
        content_type="application/json",
        HTTP_IF_MATCH=etag,
        **manager_api,
    )
    assert response.status_code == 412


RULES_A = '{"field": "score", "op": "gte", "value": 60}'
RULES_B = '{"field": "score", "op": "gte", "value": 80}'


def _propose(client, rules: str, seen: str):
    return client.post("/funnel/definitions/", {"kind": "mql", "rules": rules, "summary": "", "seen": seen})


def test_a_proposal_made_on_a_page_that_missed_a_newer_one_is_not_proposed(
    client, head_of_sales, head_of_marketing
):
    client.force_login(head_of_marketing.user)
    _propose(client, RULES_A, "mql:0,sql:0")
    client.force_login(head_of_sales.user)
    response = _propose(client, RULES_B, "mql:0,sql:0")
    assert response.status_code == 409


def test_the_refused_proposal_shows_theirs_beside_yours(client, head_of_sales, head_of_marketing):
    from hamsu.funnel.models import LeadDefinition

    client.force_login(head_of_marketing.user)
    _propose(client, RULES_A, "mql:0,sql:0")
    client.force_login(head_of_sales.user)
    conflict = _propose(client, RULES_B, "mql:0,sql:0").context["conflict"].conflicts[0]
    assert (conflict.yours_text, conflict.theirs_text, LeadDefinition.objects.count()) == (
        "score ≥ 80",
        "score ≥ 60",
        1,
    )


def test_proposing_again_on_top_of_theirs_goes_through(client, head_of_sales, head_of_marketing):
    from hamsu.funnel.models import LeadDefinition

    client.force_login(head_of_marketing.user)
    _propose(client, RULES_A, "mql:0,sql:0")
    client.force_login(head_of_sales.user)
    _propose(client, RULES_B, "mql:1,sql:0")
    assert list(LeadDefinition.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
