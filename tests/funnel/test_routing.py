"""Routing rules in order, each assignment explained: account owner, segment/territory,
round robin skipping inactive and absent sellers, capacity caps."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import RoutingRule, RoutingRuleKind
from hamsu.funnel.services import leads as lifecycle
from hamsu.funnel.services.routing import routing_rule_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def sellers(make_person, teams):
    return [make_person(f"Seller {i}", team=teams["smb"]) for i in range(3)]


def mql_for(make_lead, **data):
    return lifecycle.lead_mark_mql(lead=make_lead(**data), actor=None)


def test_the_account_owner_gets_the_lead(make_lead, make_account, other_rep, round_robin, policy):
    RoutingRule.objects.create(position=1, name="Owner first", kind=RoutingRuleKind.ACCOUNT_OWNER)
    lead = mql_for(make_lead, account=make_account(other_rep, name="Kavir Steel"))
    assert lead.owner == other_rep
    assert "owns the account Kavir Steel" in lead.assignments.get().explanation


def test_an_absent_account_owner_falls_through_to_round_robin(
    make_lead, make_account, other_rep, rep, round_robin, policy
):
    RoutingRule.objects.create(position=1, name="Owner first", kind=RoutingRuleKind.ACCOUNT_OWNER)
    other_rep.absent_until = timezone.localdate() + datetime.timedelta(days=3)
    other_rep.save()
    lead = mql_for(make_lead, account=make_account(other_rep))
    assert lead.owner == rep
    assert "round robin" in lead.assignments.get().explanation


def test_round_robin_rotates_and_skips_unavailable_people(make_lead, sellers, teams, policy):
    RoutingRule.objects.create(position=1, name="SMB", kind=RoutingRuleKind.ROUND_ROBIN, team=teams["smb"])
    sellers[1].is_active = False
    sellers[1].save()
    owners = [mql_for(make_lead).owner for _ in range(4)]
    assert owners == [sellers[0], sellers[2], sellers[0], sellers[2]]
    last = owners[-1]
    assert last is not None


def test_capacity_caps_send_the_lead_to_the_queue_with_a_reason(make_lead, sellers, teams, policy):
    RoutingRule.objects.create(
        position=1, name="SMB", kind=RoutingRuleKind.ROUND_ROBIN, team=teams["smb"], capacity=1
    )
    owners = [mql_for(make_lead).owner for _ in range(4)]
    assert owners[:3] == sellers
    assert owners[3] is None
    lead = mql_for(make_lead)
    explanation = lead.assignments.get().explanation
    assert "handoff queue" in explanation
    assert "at capacity" in explanation
    assert lead.team == teams["smb"]


def test_territory_and_segment_rules(make_lead, sellers, teams, rep, catalogue, policy):
    RoutingRule.objects.create(
        position=1, name="Gulf", kind=RoutingRuleKind.TERRITORY, team=teams["smb"], countries=["AE"]
    )
    RoutingRule.objects.create(
        position=2,
        name="Manufacturing",
        kind=RoutingRuleKind.SEGMENT,
        team=teams["enterprise"],
        segment=catalogue["segment"],
    )
    assert mql_for(make_lead, country="AE").owner in sellers
    lead = mql_for(make_lead, country="IR", segment=catalogue["segment"])
    assert lead.owner == rep
    assert "Manufacturing" in lead.assignments.get().explanation


def test_rules_are_validated(teams):
    with pytest.raises(ValidationFailed) as error:
        routing_rule_create(
            actor=None, name="Bad", kind=RoutingRuleKind.TERRITORY, team=teams["smb"], countries=["Iran"]
        )
    assert "countries" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        routing_rule_create(actor=None, name="Bad", kind=RoutingRuleKind.ROUND_ROBIN)
    assert "team" in error.value.errors
