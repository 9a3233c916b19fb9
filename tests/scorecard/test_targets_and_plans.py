"""Targets, quotas and the signed reverse-funnel plan, through the services and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hamsu.core import roles
from hamsu.core.errors import Conflict, PermissionDenied, ValidationFailed
from hamsu.core.models import AuditEntry
from hamsu.directory.models import Function, RoleTitle
from hamsu.scorecard import aggregates, selectors, services
from hamsu.scorecard.models import FunnelPlan, PlanStatus, Target
from hamsu.scorecard.periods import parse_period


@pytest.fixture
def head_of_marketing(make_person):
    return make_person(
        "Maryam Head",
        role=roles.HEAD_OF_MARKETING,
        function=Function.DOWNSTREAM_MARKETING,
        title=RoleTitle.HEAD_OF_MARKETING,
    )


@pytest.mark.django_db
def test_it_sets_the_number_and_quotas_and_sums_quarters_into_the_year(head_of_sales, rep):
    user = head_of_sales.user
    for q, amount in (("2026-Q1", "100"), ("2026-Q2", "200"), ("2026-Q3", "300"), ("2026-Q4", "400")):
        services.target_set(actor=user, period=q, scope="company", amount=amount)
    services.target_set(actor=user, period="2026-Q1", scope="seller", person=rep, amount="40")
    services.target_set(
        actor=user, period="2026-Q1", scope="company", amount="150"
    )  # replaces, not duplicates
    assert Target.objects.filter(scope="company").count() == 4
    year = selectors.target_for(selectors.Filters(period=parse_period("2026", "gregorian")))
    assert year == Decimal("1050.00")
    quota = selectors.target_for(selectors.Filters(period=parse_period("2026-Q1", "gregorian"), owner=rep.pk))
    assert quota == Decimal("40.00")
    assert AuditEntry.objects.filter(object_type="scorecard.target").count() == 6


@pytest.mark.django_db
def test_bad_targets_are_refused_field_by_field_and_nothing_is_written(head_of_sales):
    with pytest.raises(ValidationFailed) as error:
        services.target_set(actor=head_of_sales.user, period="2026-Q5", scope="seller", amount="-3")
    assert {"period"} <= set(error.value.errors)
    with pytest.raises(ValidationFailed) as error:
        services.target_set(actor=head_of_sales.user, period="2026-Q1", scope="seller", amount="-3")
    assert set(error.value.errors) == {"amount", "person"}
    assert not Target.objects.exists()


@pytest.mark.django_db
def test_signing_and_versions(history, head_of_sales, head_of_marketing, rep):
    aggregates.fill()
    plan = services.plan_create(actor=head_of_sales.user, period="2027-Q1", target_amount="65000")
    used = plan.inputs["used"]
    assert used["win_rate"] == pytest.approx(2 / 3)
    assert used["avg_deal_size"] == pytest.approx(6500.0)
    # No lead stage events yet: the marketing rows say "not measured yet" instead of guessing.
    assert [r["measured"] for r in plan.rows[:4]] == [False] * 4
    won_row = next(r for r in plan.rows if r["stage"] == "won")
    opp_row = next(r for r in plan.rows if r["stage"] == "opportunity")
    assert won_row["needed"] == 10
    assert opp_row["needed"] == 15

    # Adjusting a draft withdraws a signature already given.
    services.plan_sign(actor=head_of_sales.user, plan=plan, side="sales")
    plan = services.plan_adjust(actor=head_of_marketing.user, plan=plan, adjustments={"win_rate": "0.5"})
    assert plan.sales_signed_at is None
    assert plan.inputs["measured"]["win_rate"] == pytest.approx(2 / 3)
    assert next(r for r in plan.rows if r["stage"] == "opportunity")["needed"] == 20

    with pytest.raises(PermissionDenied):
        services.plan_sign(actor=rep.user, plan=plan, side="sales")
    with pytest.raises(PermissionDenied):
        services.plan_sign(actor=head_of_sales.user, plan=plan, side="marketing")
    services.plan_sign(actor=head_of_sales.user, plan=plan, side="sales")
    plan = services.plan_sign(actor=head_of_marketing.user, plan=plan, side="marketing")
    assert plan.status == PlanStatus.SIGNED
    assert plan.sales_signed_by == head_of_sales.user

    with pytest.raises(Conflict):
        services.plan_adjust(actor=head_of_sales.user, plan=plan, target_amount="1")
    v2 = services.plan_create(actor=head_of_sales.user, period="2027-Q1", target_amount="80000")
    assert v2.version == 2
    assert v2.previous == plan
    assert v2.status == PlanStatus.DRAFT
    services.plan_sign(actor=head_of_sales.user, plan=v2, side="sales")
    services.plan_sign(actor=head_of_marketing.user, plan=v2, side="marketing")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED
    assert plan.target_amount == Decimal("65000.00")


@pytest.mark.django_db
def test_a_plan_without_history_asks_for_the_missing_rates(head_of_sales):
    with pytest.raises(ValidationFailed) as error:
        services.plan_create(actor=head_of_sales.user, period="2027-Q1", target_amount="1000")
    assert set(error.value.errors) == {"win_rate", "avg_deal_size"}
    with pytest.raises(ValidationFailed) as error:
        services.plan_create(
            actor=head_of_sales.user, period="2027-Q1", target_amount="1000", adjustments={"win_rate": "1.5"}
        )
    assert "win_rate" in error.value.errors
    plan = services.plan_create(
        actor=head_of_sales.user,
        period="2027-Q1",
        target_amount="1000",
        adjustments={
            "win_rate": "0.25",
            "avg_deal_size": "100",
            "inquiry_to_mql": "0.5",
            "mql_to_sal": "0.5",
            "sal_to_sql": "0.5",
            "sql_to_opportunity": "0.5",
        },
    )
    assert [r["needed"] for r in plan.rows] == [640, 320, 160, 80, 40, 10]
    assert FunnelPlan.objects.count() == 1


@pytest.mark.django_db
def test_api_twins_of_targets_and_plans(client, history, head_of_sales, head_of_marketing, rep):
    aggregates.fill()
    client.force_login(head_of_sales.user)
    response = client.put(
        "/api/v1/scorecard/targets",
        {"period": "2027-Q1", "scope": "company", "amount": "65000"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    bad = client.put(
        "/api/v1/scorecard/targets",
        {"period": "2027-Q1", "scope": "seller", "amount": "5"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "person"
    plan = client.post("/api/v1/scorecard/plans", {"period": "2027-Q1"}, content_type="application/json")
    assert plan.status_code == 201, plan.content
    plan_id = plan.json()["id"]
    signed = client.post(
        f"/api/v1/scorecard/plans/{plan_id}/sign", {"side": "sales"}, content_type="application/json"
    )
    assert signed.json()["sales_signed_by_id"] == head_of_sales.user.pk
    client.force_login(head_of_marketing.user)
    signed = client.post(
        f"/api/v1/scorecard/plans/{plan_id}/sign", {"side": "marketing"}, content_type="application/json"
    )
    assert signed.json()["status"] == "signed"
    frozen = client.patch(
        f"/api/v1/scorecard/plans/{plan_id}", {"target_amount": "1"}, content_type="application/json"
    )
    assert frozen.status_code == 409
    client.force_login(rep.user)
    refused = client.put(
        "/api/v1/scorecard/targets",
        {"period": "2027-Q1", "scope": "company", "amount": "1"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert Target.objects.get(scope="company").amount == Decimal("65000.00")
