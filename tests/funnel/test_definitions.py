"""Lead definitions both heads sign: versions, dual approval, history, immutability and
the bulk re-evaluation that follows an approval."""

from __future__ import annotations

import pytest

from hamsu.core.errors import Conflict, PermissionDenied, ValidationFailed
from hamsu.funnel.models import DefinitionApproval, LeadDefinition, LeadState, LeadTouch
from hamsu.funnel.services import approvals
from hamsu.funnel.services import definitions as defs

pytestmark = pytest.mark.django_db

WEBINAR_MQL = {
    "all": [
        {"field": "country", "op": "in", "value": ["IR", "AE"]},
        {"touches": {"kind": "webinar", "within_days": 30}, "op": "gte", "value": 2},
    ]
}


def test_a_version_takes_effect_only_when_both_heads_approve(head_of_sales, head_of_marketing, marketer):
    definition = defs.lead_definition_propose(kind="mql", rules=WEBINAR_MQL, actor=marketer.user)
    assert definition.number == 1
    assert definition.status == "proposed"
    assert "webinar" in definition.summary
    approvals.lead_definition_decide(
        definition=definition, actor=head_of_sales.user, approve=True, comment="OK for Q3"
    )
    assert defs.lead_definition_in_effect(kind="mql") is None
    approvals.lead_definition_decide(definition=definition, actor=head_of_marketing.user, approve=True)
    assert defs.lead_definition_in_effect(kind="mql") == definition
    history = list(definition.approvals.values_list("side", "decision", "user_id", "comment"))
    assert history == [
        ("sales", "approve", head_of_sales.user.pk, "OK for Q3"),
        ("marketing", "approve", head_of_marketing.user.pk, ""),
    ]


def test_a_new_approved_version_supersedes_the_old(head_of_sales, head_of_marketing):
    first = defs.lead_definition_propose(
        kind="mql", rules={"field": "score", "op": "gte", "value": 40}, actor=head_of_sales.user
    )
    for head in (head_of_sales, head_of_marketing):
        approvals.lead_definition_decide(definition=first, actor=head.user, approve=True)
    second = defs.lead_definition_propose(
        kind="mql", rules={"field": "score", "op": "gte", "value": 60}, actor=head_of_sales.user
    )
    for head in (head_of_sales, head_of_marketing):
        approvals.lead_definition_decide(definition=second, actor=head.user, approve=True)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert first.superseded_at
    assert first.rules == {"field": "score", "op": "gte", "value": 40}


def test_one_rejection_ends_the_version(head_of_sales, head_of_marketing):
    definition = defs.lead_definition_propose(
        kind="sql", rules={"field": "title", "op": "contains", "value": "director"}, actor=head_of_sales.user
    )
    approvals.lead_definition_decide(
        definition=definition, actor=head_of_marketing.user, approve=False, comment="Too narrow"
    )
    assert LeadDefinition.objects.get(pk=definition.pk).status == "rejected"
    with pytest.raises(Conflict):
        approvals.lead_definition_decide(definition=definition, actor=head_of_sales.user, approve=True)


def test_only_heads_decide_and_only_once(head_of_sales, rep, head_of_marketing):
    definition = defs.lead_definition_propose(
        kind="mql", rules={"field": "score", "op": "gte", "value": 40}, actor=head_of_sales.user
    )
    with pytest.raises(PermissionDenied):
        approvals.lead_definition_decide(definition=definition, actor=rep.user, approve=True)
    with pytest.raises(PermissionDenied):
        approvals.lead_definition_decide(
            definition=definition, actor=head_of_sales.user, approve=True, side="marketing"
        )
    approvals.lead_definition_decide(definition=definition, actor=head_of_sales.user, approve=True)
    with pytest.raises(Conflict):
        approvals.lead_definition_decide(definition=definition, actor=head_of_sales.user, approve=True)
    assert DefinitionApproval.objects.count() == 1


def test_an_approved_version_never_changes(head_of_sales, head_of_marketing):
    definition = defs.lead_definition_propose(
        kind="mql", rules={"field": "score", "op": "gte", "value": 40}, actor=head_of_sales.user
    )
    for head in (head_of_sales, head_of_marketing):
        approvals.lead_definition_decide(definition=definition, actor=head.user, approve=True)
    with pytest.raises(Conflict):
        defs.lead_definition_update(definition=definition, rules={})
    with pytest.raises(TypeError):
        definition.approvals.first().delete()
    with pytest.raises(TypeError):
        DefinitionApproval.objects.filter(definition=definition).update(comment="rewritten")
    assert LeadDefinition.objects.get(pk=definition.pk).rules == {"field": "score", "op": "gte", "value": 40}


@pytest.mark.parametrize(
    "rules, field",
    [
        ({"field": "salary", "op": "gt", "value": 1}, "rules"),
        ({"field": "score", "op": "between", "value": 1}, "rules"),
        ({"all": []}, "rules"),
        ({"touches": {"kind": "webinar", "within_days": -3}, "op": "gte", "value": 1}, "rules"),
        ("__import__('os').system('rm -rf /')", "rules"),
    ],
)
def test_unsafe_or_broken_rules_are_refused(head_of_sales, rules, field):
    with pytest.raises(ValidationFailed) as error:
        defs.lead_definition_propose(kind="mql", rules=rules, actor=head_of_sales.user)
    assert field in error.value.errors
    assert not LeadDefinition.objects.exists()


def test_approval_re_evaluates_every_lead_in_bulk(
    head_of_sales, head_of_marketing, make_lead, round_robin, policy, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    hot = make_lead(country="IR")
    cold = make_lead(country="DE")
    for lead in (hot, cold):
        LeadTouch.objects.bulk_create(
            [LeadTouch(lead=lead, kind="webinar", at=timezone.now()) for _ in range(2)]
        )
    definition = defs.lead_definition_propose(kind="mql", rules=WEBINAR_MQL, actor=head_of_sales.user)
    approvals.lead_definition_decide(definition=definition, actor=head_of_sales.user, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        approvals.lead_definition_decide(definition=definition, actor=head_of_marketing.user, approve=True)
    hot.refresh_from_db()
    cold.refresh_from_db()
    assert hot.state == LeadState.MQL
    assert hot.mql_definition == definition
    assert cold.state == LeadState.INQUIRY
    run = definition.runs.get()
    assert run.evaluated == 2
    assert run.changed == 1
    assert run.finished_at


def test_sql_definition_gates_qualification(head_of_sales, head_of_marketing, mql, rep):
    from hamsu.funnel.services import leads as lifecycle

    definition = defs.lead_definition_propose(
        kind="sql", rules={"field": "title", "op": "contains", "value": "director"}, actor=head_of_sales.user
    )
    for head in (head_of_sales, head_of_marketing):
        approvals.lead_definition_decide(definition=definition, actor=head.user, approve=True)
    lead = lifecycle.lead_accept(lead=mql, actor=rep.user)
    with pytest.raises(ValidationFailed) as error:
        lifecycle.lead_qualify(lead=lead, actor=rep.user)
    assert "director" in error.value.errors["state"][0]
    lifecycle.lead_update(lead=lead, actor=rep.user, title="Operations Director")
    assert lifecycle.lead_qualify(lead=lead, actor=rep.user).state == LeadState.SQL
