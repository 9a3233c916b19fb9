"""The lead lifecycle as sales and marketing live it: create, qualify, hand off, accept,
return with a reason, recycle — every step with its stage event."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.crm.models import StageEvent
from hamsu.funnel.models import Handoff, Lead, LeadQueue, LeadState
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db


def events(lead):
    return list(
        StageEvent.objects.filter(object_type="lead", object_id=lead.pk)
        .order_by("pk")
        .values_list("from_stage", "to_stage")
    )


def test_it_creates_an_inquiry_in_the_marketing_pool_with_its_event(make_lead):
    lead = make_lead()
    assert lead.state == LeadState.INQUIRY
    assert lead.owner is None
    assert lead.queue == LeadQueue.MARKETING
    assert events(lead) == [("", "inquiry")]


def test_it_refuses_a_lead_without_any_way_to_reach_it():
    with pytest.raises(ValidationFailed) as error:
        lifecycle.lead_create(actor=None, first_name="Nobody")
    assert "email" in error.value.errors
    assert not Lead.objects.exists()


def test_mql_is_routed_round_robin_and_opens_a_handoff(mql, rep):
    assert mql.state == LeadState.MQL
    assert mql.owner == rep
    assert mql.queue == ""
    handoff = Handoff.objects.get(lead=mql)
    assert handoff.status == "open"
    assert handoff.due_at > handoff.opened_at
    assert "round robin" in mql.assignments.first().explanation.lower()
    assert events(mql) == [("", "inquiry"), ("inquiry", "mql")]


def test_the_owner_accepts_and_the_handoff_closes(mql, rep):
    lead = lifecycle.lead_accept(lead=mql, actor=rep.user, via="test")
    assert lead.state == LeadState.SAL
    assert lead.accepted_at
    assert Handoff.objects.get(lead=lead).status == "accepted"


def test_someone_else_cannot_accept_my_lead(mql, other_rep):
    with pytest.raises(PermissionDenied):
        lifecycle.lead_accept(lead=mql, actor=other_rep.user)
    assert Lead.objects.get(pk=mql.pk).state == LeadState.MQL


def test_a_return_needs_a_reason_and_goes_to_the_recycle_pool(mql, rep, follow_up):
    with pytest.raises(ValidationFailed) as error:
        lifecycle.lead_return(lead=mql, actor=rep.user, reason="")
    assert "reason" in error.value.errors
    follow_up(mql, rep.user)
    lead = lifecycle.lead_return(lead=mql, actor=rep.user, reason="not_now", note="Budget next year")
    assert lead.state == LeadState.NURTURE
    assert lead.queue == LeadQueue.RECYCLE
    assert lead.owner is None
    assert lead.return_reason == "not_now"
    assert lead.returned_at
    assert Handoff.objects.get(lead=lead).status == "returned"
    assert StageEvent.objects.filter(
        object_id=lead.pk, to_stage="nurture", reason__icontains="Budget"
    ).exists()


def test_bad_fit_is_disqualified(mql, rep, follow_up):
    follow_up(mql, rep.user)
    lead = lifecycle.lead_return(lead=mql, actor=rep.user, reason="bad_fit")
    assert lead.state == LeadState.DISQUALIFIED


def test_full_path_to_a_won_deal(mql, rep, make_account):
    lead = lifecycle.lead_accept(lead=mql, actor=rep.user)
    lead = lifecycle.lead_qualify(lead=lead, actor=rep.user)
    Lead.objects.filter(pk=lead.pk).update(account=make_account(rep))
    lead = lifecycle.lead_convert(
        lead=Lead.objects.get(pk=lead.pk), actor=rep.user, amount=Decimal("5000"), currency="USD"
    )
    assert lead.state == LeadState.OPPORTUNITY
    assert lead.opportunity.source == "marketing"
    from hamsu.crm import services as crm
    from hamsu.funnel.services.engagement import evaluate_rules_for_opportunity

    opportunity = crm.opportunity_move_stage(opportunity=lead.opportunity, to_stage="won", actor=rep.user)
    evaluate_rules_for_opportunity(opportunity, actor=rep.user, event="stage_changed")
    lead.refresh_from_db()
    assert lead.state == LeadState.WON
    assert [to for _f, to in events(lead)] == ["inquiry", "mql", "sal", "sql", "opportunity", "won"]


def test_a_disallowed_move_is_refused_and_nothing_changes(make_lead, rep):
    lead = make_lead()
    with pytest.raises(ValidationFailed):
        lifecycle.lead_accept(lead=lead, actor=None)
    assert Lead.objects.get(pk=lead.pk).state == LeadState.INQUIRY
    assert len(events(lead)) == 1


def test_without_an_available_seller_the_lead_waits_in_the_handoff_queue(make_lead, policy, manager):
    lead = lifecycle.lead_mark_mql(lead=make_lead(), actor=None)
    assert lead.owner is None
    assert lead.queue == LeadQueue.HANDOFF
    assert "handoff queue" in lead.assignments.first().explanation
    assigned = lifecycle.lead_assign(lead=lead, person=manager, actor=manager.user)
    assert assigned.owner == manager
    assert assigned.queue == ""
    assert Handoff.objects.get(lead=lead).owner == manager


def test_only_a_lead_marketing_holds_becomes_an_mql_whoever_asks(mql, rep):
    """The rule lives in lead_mark_mql, not in the page and the API: a service call on an
    accepted lead gets the same answer they give."""
    accepted = lifecycle.lead_accept(lead=mql, actor=rep.user)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.lead_mark_mql(lead=accepted, actor=None, via="test")
    assert refused.value.errors == {"state": ["Only an inquiry or a nurtured lead becomes an MQL."]}


def test_an_mql_refused_for_its_state_leaves_the_lead_as_it_was(mql, rep):
    accepted = lifecycle.lead_accept(lead=mql, actor=rep.user)
    with pytest.raises(ValidationFailed):
        lifecycle.lead_mark_mql(lead=accepted, actor=None, via="test")
    assert Lead.objects.get(pk=mql.pk).state == LeadState.SAL
