"""Invariants over random sequences of lifecycle actions (hypothesis).

Whatever people do, in whatever order: every lead is in exactly one known state with an
owner or a queue; every state change has exactly one stage event, chained from the last
one; a returned lead always carries a reason; refused actions change nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.core.errors import DomainError
from hamsu.crm.models import StageEvent
from hamsu.funnel.models import Handoff, Lead, LeadState, ReturnReason
from hamsu.funnel.services import leads as lifecycle

ACTIONS = [
    "create",
    "mql",
    "accept",
    "return",
    "qualify",
    "follow_up",
    "convert",
    "recycle",
    "disqualify",
    "assign",
    "close",
]

step = st.tuples(
    st.sampled_from(ACTIONS),
    st.integers(min_value=0, max_value=5),
    st.sampled_from(ReturnReason.values + [""]),
    st.booleans(),
)


def check_invariants():
    for lead in Lead.objects.all():
        assert lead.state in LeadState.values
        assert lead.owner_id is not None or lead.queue, f"lead {lead.pk} orphaned in {lead.state}"
        if lead.returned_at is not None:
            assert lead.return_reason in ReturnReason.values
        chain = list(
            StageEvent.objects.filter(object_type="lead", object_id=lead.pk)
            .order_by("pk")
            .values_list("from_stage", "to_stage")
        )
        assert chain, "every lead has its creation event"
        assert chain[0][0] == ""
        for (_f1, to1), (f2, _t2) in zip(chain, chain[1:], strict=False):
            assert f2 == to1, "each event starts where the last one ended"
        assert chain[-1][1] == lead.state, "the log and the state agree"
        assert Handoff.objects.filter(lead=lead, status="open").count() == (
            1 if lead.state == LeadState.MQL else 0
        )


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_random_event_sequences_keep_every_invariant(
    steps, rep, other_rep, manager, round_robin, policy, make_account
):
    account = make_account(rep)
    leads: list[Lead] = []
    sellers = [rep, other_rep, manager]
    for n, (action, index, reason, flag) in enumerate(steps):
        if action == "create" or not leads:
            leads.append(
                lifecycle.lead_create(
                    actor=None,
                    email=f"h{n}-{len(leads)}@x{n}.example",
                    last_name="H",
                    account=account if flag else None,
                )
            )
            check_invariants()
            continue
        lead = Lead.objects.get(pk=leads[index % len(leads)].pk)
        actor = (
            (lead.owner.user if lead.owner and lead.owner.user else manager.user) if flag else other_rep.user
        )
        before_state = lead.state
        before_events = StageEvent.objects.filter(object_type="lead", object_id=lead.pk).count()
        try:
            if action == "mql":
                lifecycle.lead_mark_mql(lead=lead, actor=None)
            elif action == "accept":
                lifecycle.lead_accept(lead=lead, actor=actor)
            elif action == "return":
                lifecycle.lead_return(lead=lead, actor=actor, reason=reason)
            elif action == "qualify":
                lifecycle.lead_qualify(lead=lead, actor=actor)
            elif action == "follow_up":
                lifecycle.lead_log_follow_up(lead=lead, actor=actor)
            elif action == "convert":
                lifecycle.lead_convert(lead=lead, actor=actor, amount=Decimal("100"))
            elif action == "recycle":
                lifecycle.lead_recycle(lead=lead, actor=actor)
            elif action == "disqualify":
                lifecycle.lead_disqualify(lead=lead, actor=actor, reason=reason)
            elif action == "assign":
                lifecycle.lead_assign(lead=lead, person=sellers[index % 3], actor=manager.user)
            elif action == "close" and lead.opportunity_id:
                from hamsu.crm import services as crm
                from hamsu.funnel.services.engagement import evaluate_rules_for_opportunity

                opportunity = crm.opportunity_move_stage(
                    opportunity=lead.opportunity,
                    to_stage="won" if flag else "lost",
                    reason="price",
                    actor=None,
                )
                evaluate_rules_for_opportunity(opportunity, event="stage_changed")
        except DomainError:
            # A refused action leaves the lead and its log exactly as they were.
            after = Lead.objects.get(pk=lead.pk)
            assert after.state == before_state
            assert StageEvent.objects.filter(object_type="lead", object_id=lead.pk).count() == before_events
        check_invariants()
