"""The CRM services: every write validated, audited and, for stage changes, logged."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from hamsu.core.errors import NotFound, ValidationFailed
from hamsu.core.models import AuditEntry, CompanySettings, Visibility
from hamsu.crm import services
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.crm.stages import Stage

pytestmark = pytest.mark.django_db


def test_it_creates_an_opportunity_with_its_first_stage_event_and_audit(rep, make_opportunity):
    opp = make_opportunity(rep, amount="2500", actor=rep.user)
    events = list(StageEvent.objects.filter(opportunity=opp))
    assert [(e.from_stage, e.to_stage) for e in events] == [("", Stage.PROSPECTING)]
    assert events[0].actor == rep.user
    assert AuditEntry.objects.filter(
        object_type="crm.opportunity", object_id=str(opp.pk), action="create"
    ).exists()
    assert opp.team == rep.team  # denormalised for visibility


def test_it_computes_gross_profit_from_product_cost_and_base_amount(rep, make_opportunity, catalogue):
    opp = make_opportunity(rep, amount="3000", currency="EUR", quantity=2)
    # 3000 EUR at 1.10 = 3300 USD; cost 2 × 300 USD.
    assert opp.amount_base == Decimal("3300.00")
    assert opp.gross_profit == Decimal("2700.00")


def test_moving_a_deal_writes_one_stage_event_in_the_same_transaction(rep, make_opportunity):
    opp = make_opportunity(rep)
    services.opportunity_move_stage(
        opportunity=opp, to_stage=Stage.QUALIFYING, actor=rep.user, reason="budget confirmed"
    )
    services.opportunity_move_stage(opportunity=opp, to_stage=Stage.WON, actor=rep.user)
    opp.refresh_from_db()
    assert opp.stage == Stage.WON
    assert opp.closed_at is not None
    assert opp.probability == 100
    moves = list(
        StageEvent.objects.filter(opportunity=opp)
        .order_by("at", "id")
        .values_list("from_stage", "to_stage", "reason")
    )
    assert moves == [
        ("", "prospecting", "created"),
        ("prospecting", "qualifying", "budget confirmed"),
        ("qualifying", "won", ""),
    ]


def test_a_lost_deal_needs_a_reason_and_nothing_is_written_without_it(rep, make_opportunity):
    opp = make_opportunity(rep)
    before = StageEvent.objects.count()
    with pytest.raises(ValidationFailed) as error:
        services.opportunity_move_stage(opportunity=opp, to_stage=Stage.LOST, actor=rep.user)
    assert "reason" in error.value.errors
    opp.refresh_from_db()
    assert opp.stage == Stage.PROSPECTING
    assert StageEvent.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message_part"),
    [
        ("amount", Decimal("-1"), "negative"),
        ("amount", Decimal("1e15"), "too large"),
        ("currency", "XYZ", "Unknown currency"),
        ("expected_close", datetime.date(1900, 1, 1), "between"),
    ],
)
def test_bad_input_is_refused_with_a_field_error_and_no_partial_write(
    rep, make_account, field, value, message_part
):
    account = make_account(rep)
    data = {
        "name": "Bad",
        "account": account,
        "owner": rep,
        "amount": Decimal("10"),
        "currency": "USD",
        "expected_close": datetime.date(2027, 1, 1),
    }
    data[field] = value
    with pytest.raises(ValidationFailed) as error:
        services.opportunity_create(actor=rep.user, **data)
    assert message_part in " ".join(error.value.errors[field])
    assert not Opportunity.objects.filter(name="Bad").exists()
    assert not StageEvent.objects.exists()


def test_a_currency_without_a_rate_is_refused_not_guessed(rep, make_account):
    with pytest.raises(ValidationFailed) as error:
        services.opportunity_create(
            actor=rep.user,
            name="x",
            account=make_account(rep),
            owner=rep,
            amount=Decimal("1"),
            currency="JPY",
            expected_close=datetime.date(2027, 1, 1),
        )
    assert "No exchange rate" in error.value.errors["currency"][0]


def test_under_own_records_visibility_a_rep_cannot_touch_someone_elses_deal(rep, other_rep, make_opportunity):
    CompanySettings.objects.create(visibility=Visibility.OWN)
    theirs = make_opportunity(other_rep)
    with pytest.raises(NotFound):
        services.opportunity_move_stage(opportunity=theirs, to_stage=Stage.QUALIFYING, actor=rep.user)
    theirs.refresh_from_db()
    assert theirs.stage == Stage.PROSPECTING


def test_stage_events_and_audit_entries_are_append_only(rep, make_opportunity):
    opp = make_opportunity(rep)
    event = StageEvent.objects.get(opportunity=opp)
    event.reason = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        StageEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(via="x")


def test_updating_an_opportunity_records_what_changed(rep, make_opportunity):
    opp = make_opportunity(rep, amount="100")
    services.opportunity_update(opportunity=opp, actor=rep.user, amount=Decimal("150"))
    entry = AuditEntry.objects.filter(object_id=str(opp.pk), action="update").latest("id")
    assert entry.changes["amount"] == ["100.00", "150.00"]


def test_an_activity_on_a_deal_lands_on_its_account_timeline_with_functions(rep, marketer, make_opportunity):
    from hamsu.crm.selectors import account_timeline

    opp = make_opportunity(rep)
    activity = services.activity_create(
        actor=rep.user, owner=rep, kind="meeting", subject="Demo", opportunity=opp, participants=[marketer]
    )
    assert activity.account == opp.account
    assert set(activity.participations.values_list("function", flat=True)) == {
        "sales",
        "downstream_marketing",
    }
    assert any(row["kind"] == "activity" for row in account_timeline(opp.account))
