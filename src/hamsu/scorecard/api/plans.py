"""Reverse-funnel plans: measured rates, drafts, adjustments and sign-off."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.scorecard import selectors, services
from hamsu.scorecard.api.common import Money, PeriodKey, router
from hamsu.scorecard.models import FunnelPlan


class PlanRatesOut(Schema):
    """A plan's inputs, each the figure its glossary entry defines (null: not measured)."""

    win_rate: float | None = figure("scorecard.plan_win_rate", default=None)
    avg_deal_size: float | None = figure("scorecard.plan_deal_size", default=None)
    sales_cycle_days: float | None = figure("scorecard.plan_cycle", default=None)
    inquiry_to_mql: float | None = figure("scorecard.plan_lead_rate", default=None)
    mql_to_sal: float | None = figure("scorecard.plan_lead_rate", default=None)
    sal_to_sql: float | None = figure("scorecard.plan_lead_rate", default=None)
    sql_to_opportunity: float | None = figure("scorecard.plan_lead_rate", default=None)
    days_in_inquiry: float | None = figure("scorecard.plan_lead_days", default=None)
    days_in_mql: float | None = figure("scorecard.plan_lead_days", default=None)
    days_in_sal: float | None = figure("scorecard.plan_lead_days", default=None)
    days_in_sql: float | None = figure("scorecard.plan_lead_days", default=None)


class PlanMeasuredOut(PlanRatesOut):
    """The rates measured over the twelve fiscal months before the plan's period."""

    window: dict[str, str] | None = Field(None, description="The months measured: from, to (first days)")
    leads_measured: bool | None = Field(None, description="false: no lead-stage figure exists yet")


class PlanUsedOut(Schema):
    """What the plan computes with: the adjusted value where there is one, else the measured one."""

    win_rate: float | None = figure("scorecard.plan_used", default=None)
    avg_deal_size: float | None = figure("scorecard.plan_used", default=None)
    sales_cycle_days: float | None = figure("scorecard.plan_used", default=None)
    inquiry_to_mql: float | None = figure("scorecard.plan_used", default=None)
    mql_to_sal: float | None = figure("scorecard.plan_used", default=None)
    sal_to_sql: float | None = figure("scorecard.plan_used", default=None)
    sql_to_opportunity: float | None = figure("scorecard.plan_used", default=None)
    days_in_inquiry: float | None = figure("scorecard.plan_used", default=None)
    days_in_mql: float | None = figure("scorecard.plan_used", default=None)
    days_in_sal: float | None = figure("scorecard.plan_used", default=None)
    days_in_sql: float | None = figure("scorecard.plan_used", default=None)


class PlanInputsOut(Schema):
    measured: PlanMeasuredOut | None = None
    adjustments: dict[str, float] = stored(
        "The figures the plan's authors entered in place of measured ones", default={}
    )
    used: PlanUsedOut | None = None


class PlanRowOut(Schema):
    stage: str
    needed: int | None = figure("scorecard.plan_needed", default=None)
    conversion_to_next: float | None = figure("scorecard.plan_used", default=None)
    start_by: datetime.date | None = Field(None, description="glossary: scorecard.plan_start_by")
    owner: str = ""
    measured: bool = True


class FunnelPlanOut(Schema):
    id: int
    period_key: str
    version: int = Field(description="The plan's revision: 1, 2, 3 … of the period's plan (not its ETag).")
    edit_version: Annotated[int, Field(description=VERSION_DOC)]
    status: str
    target_amount: Decimal = stored()
    inputs: PlanInputsOut
    rows: list[PlanRowOut]
    note: str
    previous_id: int | None
    sales_signed_by_id: int | None
    sales_signed_at: datetime.datetime | None
    marketing_signed_by_id: int | None
    marketing_signed_at: datetime.datetime | None
    created_at: datetime.datetime


class Adjustments(Schema):
    inquiry_to_mql: float | None = None
    mql_to_sal: float | None = None
    sal_to_sql: float | None = None
    sql_to_opportunity: float | None = None
    win_rate: float | None = None
    avg_deal_size: float | None = None
    sales_cycle_days: float | None = None
    days_in_inquiry: float | None = None
    days_in_mql: float | None = None
    days_in_sal: float | None = None
    days_in_sql: float | None = None


class FunnelPlanIn(Schema):
    period: PeriodKey
    target_amount: Money | None = None
    adjustments: Adjustments = Adjustments()
    note: Annotated[str, Field(max_length=5000)] = ""


class FunnelPlanPatch(Patch):
    for_model = FunnelPlan

    target_amount: Money | None = None
    adjustments: Adjustments = Adjustments()
    note: Annotated[str, Field(max_length=5000)] | None = None


class SignIn(Schema):
    side: Literal["sales", "marketing"]


@router.get("/plans", response={200: list[FunnelPlanOut], **ERRORS})
def list_plans(request, period: PeriodKey | None = None):
    require_perm(request, "scorecard.view_funnelplan")
    return selectors.plan_list(period=services.period_from_key(period) if period else None)


@router.get("/plans/measured", response={200: PlanMeasuredOut, **ERRORS})
def measured_rates(request, period: PeriodKey | None = None):
    """The rates a new plan for the period would start from (null: not measured yet)."""
    require_perm(request, "scorecard.view_funnelplan")
    from hamsu.scorecard import plans

    return plans.measured_inputs(services.period_from_key(period) if period else selectors.current_period())


@router.post("/plans", response={201: FunnelPlanOut, **ERRORS})
def create_plan(request, payload: FunnelPlanIn):
    require_perm(request, "scorecard.add_funnelplan")
    plan = services.plan_create(
        actor=request.user,
        period=payload.period,
        target_amount=payload.target_amount,
        adjustments=payload.adjustments.dict(exclude_none=True),
        note=payload.note,
        via="api",
    )
    return 201, plan


@router.get("/plans/{plan_id}", response={200: FunnelPlanOut, **ERRORS})
def get_plan(request, response: HttpResponse, plan_id: Id):
    """The plan, with its ``edit_version`` as the ``ETag`` (its ``version`` is the revision)."""
    require_perm(request, "scorecard.view_funnelplan")
    return with_etag(response, get_object_or_404(FunnelPlan, pk=plan_id))


@router.patch("/plans/{plan_id}", response={200: FunnelPlanOut, **WRITE_ERRORS})
def adjust_plan(
    request, response: HttpResponse, plan_id: Id, payload: FunnelPlanPatch, if_match: IfMatch = None
):
    """Adjust a draft (withdraws signatures). A signed plan answers 409: create a new version.
    Changes only the rates, target and note sent."""
    require_perm(request, "scorecard.change_funnelplan")
    plan = services.plan_adjust(
        actor=request.user,
        plan=get_object_or_404(FunnelPlan, pk=plan_id),
        target_amount=payload.target_amount,
        adjustments=payload.adjustments.dict(exclude_none=True),
        note=payload.note,
        via="api",
        expected_version=expected_version(if_match),
    )
    return with_etag(response, plan)


@router.post("/plans/{plan_id}/sign", response={200: FunnelPlanOut, **WRITE_ERRORS})
def sign_plan(request, response: HttpResponse, plan_id: Id, payload: SignIn, if_match: IfMatch = None):
    """Sign the figures you read: with If-Match, a plan adjusted since answers 412."""
    require_perm(request, "scorecard.view_funnelplan")
    plan = services.plan_sign(
        actor=request.user,
        plan=get_object_or_404(FunnelPlan, pk=plan_id),
        side=payload.side,
        via="api",
        expected_version=expected_version(if_match),
    )
    return with_etag(response, plan)
