"""API v1 for the scorecard: targets, metrics (with their definitions), plans, costs,
forecasts, calls and forecast accuracy — the same selectors and services as the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, Id, Int, get_or_404, require_perm
from hamsu.core.api_patch import Patch
from hamsu.crm.models import Product, Segment, Source
from hamsu.directory.models import Person, Team
from hamsu.scorecard import dashboards, forecast_selection, metrics, selectors, services
from hamsu.scorecard.glossary import metric_key
from hamsu.scorecard.glossary_forecast import METHOD_TERMS
from hamsu.scorecard.models import CostCategory, CostEntry, CostFunction, FunnelPlan, Target, TargetScope

router = Router(tags=["scorecard"])
PREFIX = "scorecard"

Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=16, decimal_places=2)]
PeriodKey = Annotated[
    str, Field(max_length=8, description="YYYY, YYYY-Qn or YYYY-MM in the company's fiscal calendar")
]
Note = Annotated[str, Field(max_length=300)]


class FilterQuery(Schema):
    """The filters every scorecard page offers (an unknown source is a field error)."""

    period: PeriodKey | None = None
    team: Int | None = None
    segment: Int | None = None
    product: Int | None = None
    owner: Int | None = None
    source: Source | None = None


def _filters(request, query: FilterQuery) -> selectors.Filters:
    period = services.period_from_key(query.period) if query.period else selectors.current_period()
    filters = selectors.Filters(
        period=period,
        team=query.team,
        segment=query.segment,
        product=query.product,
        owner=query.owner,
        source=query.source or "",
    )
    return selectors.restrict_filters(request.user, filters)


# ---------------------------------------------------------------- targets


class TargetOut(Schema):
    id: int
    period_key: str
    period_kind: str
    calendar: str
    period_start: datetime.date
    period_end: datetime.date
    scope: str
    team_id: int | None
    segment_id: int | None
    product_id: int | None
    person_id: int | None
    amount: Decimal = stored()
    note: str


class TargetIn(Schema):
    period: PeriodKey
    scope: TargetScope
    amount: Money
    team_id: Id | None = None
    segment_id: Id | None = None
    product_id: Id | None = None
    person_id: Id | None = None
    note: Note = ""


@router.get("/targets", response={200: list[TargetOut], **ERRORS})
def list_targets(request, period: PeriodKey | None = None, scope: TargetScope | None = None):
    require_perm(request, "scorecard.view_target")
    parsed = services.period_from_key(period) if period else None
    return selectors.target_list(period=parsed, scope=scope or "")


@router.put("/targets", response={200: TargetOut, **ERRORS})
def set_target(request, payload: TargetIn):
    """Create or replace the target of one scope item (company, team, segment, product, seller) for a period."""
    require_perm(request, "scorecard.change_target")
    return services.target_set(
        actor=request.user,
        via="api",
        period=payload.period,
        scope=payload.scope,
        amount=payload.amount,
        team=get_or_404(Team, payload.team_id, "team_id"),
        segment=get_or_404(Segment, payload.segment_id, "segment_id"),
        product=get_or_404(Product, payload.product_id, "product_id"),
        person=get_or_404(Person, payload.person_id, "person_id"),
        note=payload.note,
    )


@router.delete("/targets/{target_id}", response={204: None, **ERRORS})
def delete_target(request, target_id: Id):
    require_perm(request, "scorecard.delete_target")
    services.target_delete(actor=request.user, target=get_object_or_404(Target, pk=target_id), via="api")
    return 204, None


# ---------------------------------------------------------------- metrics


class MetricDefinition(Schema):
    code: str
    label: str
    group: str
    owner: str
    direction: Literal["up", "down"]
    unit: str
    period: str
    definition: str = Field(description="What the metric means, in words")
    formula: str = Field(description="How it is computed, in words (its glossary entry's formula)")
    glossary: str = Field(description="Key of its glossary entry (GET /api/v1/glossary)")


class MetricValue(MetricDefinition):
    value: Decimal | None = figure(keyed_by="glossary")
    status: Literal["measured", "not_measured"]
    note: str
    drill: str | None


def _definition(m: metrics.Metric) -> dict:
    return {
        "code": m.code,
        "label": str(m.label),
        "group": m.group,
        "owner": m.owner,
        "direction": m.direction,
        "unit": m.unit,
        "period": m.period,
        "definition": str(m.definition),
        "formula": str(m.formula),
        "glossary": metric_key(m.code),
    }


@router.get("/metrics/definitions", response={200: list[MetricDefinition], **ERRORS})
def metric_definitions(request):
    """The metric catalogue: definition and formula in words, owner, direction, period."""
    require_perm(request, "scorecard.view_target")
    return [_definition(m) for m in metrics.catalogue()]


class MetricsOut(Schema):
    period: str
    period_start: datetime.date
    period_end: datetime.date
    items: list[MetricValue]


@router.get("/metrics", response={200: MetricsOut, **ERRORS})
def metric_values(request, query: Query[FilterQuery], group: str | None = None):
    """Every metric's value for the period and filters, with its definition (or "not measured yet")."""
    require_perm(request, "scorecard.view_target")
    filters = _filters(request, query)
    items = [
        {
            **_definition(v["metric"]),
            "value": v["value"],
            "status": v["status"],
            "note": v["note"],
            "drill": v["drill"],
        }
        for v in metrics.evaluate(filters)
        if group is None or v["metric"].group == group
    ]
    p = filters.period
    return {"period": p.key, "period_start": p.start, "period_end": p.end, "items": items}


class FunnelRow(Schema):
    stage: str
    reached: int = figure("scorecard.stage_reached")
    conversion_to_next: float | None = figure("scorecard.stage_conversion")
    leaked: int = figure("scorecard.stage_lost")
    mean_days_in_stage: float | None = figure("scorecard.stage_days")
    open_deals: int = figure("scorecard.stage_open")
    open_value: Decimal = figure("scorecard.stage_open_value")


@router.get("/funnel", response={200: list[FunnelRow], **ERRORS})
def funnel(request, query: Query[FilterQuery]):
    require_perm(request, "scorecard.view_target")
    data = dashboards.funnel(_filters(request, query))
    out = []
    for chart_row, row in zip(data["chart"], data["tables"]["funnel"].rows, strict=True):
        out.append(
            {
                "stage": chart_row["stage"],
                "reached": row[1],
                "conversion_to_next": None if row[2] is None else float(row[2]),
                "leaked": row[4],
                "mean_days_in_stage": None if row[5] is None else float(row[5]),
                "open_deals": row[6],
                "open_value": row[7],
            }
        )
    return out


# ---------------------------------------------------------------- plans


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
    version: int
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
def get_plan(request, plan_id: Id):
    require_perm(request, "scorecard.view_funnelplan")
    return get_object_or_404(FunnelPlan, pk=plan_id)


@router.patch("/plans/{plan_id}", response={200: FunnelPlanOut, **ERRORS})
def adjust_plan(request, plan_id: Id, payload: FunnelPlanPatch):
    """Adjust a draft (withdraws signatures). A signed plan answers 409: create a new version."""
    require_perm(request, "scorecard.change_funnelplan")
    return services.plan_adjust(
        actor=request.user,
        plan=get_object_or_404(FunnelPlan, pk=plan_id),
        target_amount=payload.target_amount,
        adjustments=payload.adjustments.dict(exclude_none=True),
        note=payload.note,
        via="api",
    )


@router.post("/plans/{plan_id}/sign", response={200: FunnelPlanOut, **ERRORS})
def sign_plan(request, plan_id: Id, payload: SignIn):
    require_perm(request, "scorecard.view_funnelplan")
    return services.plan_sign(
        actor=request.user, plan=get_object_or_404(FunnelPlan, pk=plan_id), side=payload.side, via="api"
    )


# ---------------------------------------------------------------- costs


class CostOut(Schema):
    id: int
    month: datetime.date
    function: str
    category: str
    amount: Decimal = stored()
    currency: str
    amount_base: Decimal = figure("scorecard.cost")
    segment_id: int | None
    note: str


class CostIn(Schema):
    month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM in the fiscal calendar")]
    function: CostFunction
    category: CostCategory
    amount: Money
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    segment_id: Id | None = None
    note: Note = ""


@router.get("/costs", response={200: list[CostOut], **ERRORS})
def list_costs(request, period: PeriodKey | None = None):
    require_perm(request, "scorecard.view_costentry")
    p = services.period_from_key(period) if period else selectors.current_period()
    return list(CostEntry.objects.filter(month__gte=p.start, month__lte=p.end).order_by("month", "id")[:2000])


@router.post("/costs", response={201: CostOut, **ERRORS})
def create_cost(request, payload: CostIn):
    require_perm(request, "scorecard.add_costentry")
    entry = services.cost_entry_create(
        actor=request.user,
        via="api",
        month=payload.month,
        function=payload.function,
        category=payload.category,
        amount=payload.amount,
        currency=payload.currency,
        segment=get_or_404(Segment, payload.segment_id, "segment_id"),
        note=payload.note,
    )
    return 201, entry


@router.delete("/costs/{cost_id}", response={204: None, **ERRORS})
def delete_cost(request, cost_id: Id):
    require_perm(request, "scorecard.delete_costentry")
    services.cost_entry_delete(actor=request.user, entry=get_object_or_404(CostEntry, pk=cost_id), via="api")
    return 204, None


# ---------------------------------------------------------------- forecasts and calls


SNAPSHOT_TERMS = {
    **METHOD_TERMS,
    "call_commit": "scorecard.call_commit",
    "call_best_case": "scorecard.call_best_case",
}


class SnapshotOut(Schema):
    method: str
    glossary: str = Field(description="Key of the method's glossary entry (GET /api/v1/glossary)")
    taken_on: datetime.date
    forecast: Decimal = figure(keyed_by="glossary")
    p10: Decimal | None = figure(keyed_by="glossary")
    p90: Decimal | None = figure(keyed_by="glossary")
    won_to_date: Decimal = figure("scorecard.won")
    open_pipeline: Decimal = figure("scorecard.open_pipeline")

    @staticmethod
    def resolve_glossary(obj) -> str:
        return SNAPSHOT_TERMS[obj.method]


class CallOut(Schema):
    id: int
    period_key: str
    person_id: int
    team_id: int | None
    commit: Decimal = stored()
    best_case: Decimal = stored()
    note: str
    override_commit: Decimal | None = stored()
    override_best_case: Decimal | None = stored()
    override_note: str
    override_by_id: int | None
    override_at: datetime.datetime | None
    effective_commit: Decimal = figure("scorecard.call_commit")
    effective_best_case: Decimal = figure("scorecard.call_best_case")


class LearnedForecastOut(Schema):
    """The learned forecast for the filters: one model, its mean and its range."""

    taken_on: datetime.date
    whole_company: bool
    median: float = figure("scorecard.forecast", "P50: the headline forecast")
    p10: float = figure("scorecard.forecast_range")
    p90: float = figure("scorecard.forecast_range")
    expected: float = figure(
        "scorecard.forecast_expected", "The learned weighted forecast: the mean of the same distribution"
    )
    won_to_date: float = figure("scorecard.won")
    open_expected: float = figure("scorecard.forecast_expected")
    new_expected: float = figure("scorecard.forecast_expected")
    open_pipeline: float = figure("scorecard.open_pipeline")
    weighted_default: float = figure("scorecard.forecast_default")


class TrackRecordOut(Schema):
    """One method's record on snapshots of ended quarters (glossary: forecast_methods.*)."""

    method: str
    label: str
    glossary_key: str = Field(description="The method's entry in /api/v1/glossary")
    n: int = figure("forecast_methods.horizon", "Snapshots scored")
    wape: float | None = figure(
        "forecast_methods.wape", "Σ|forecast − actual| ÷ Σ actual, of the rest of each quarter"
    )
    bias: float | None = figure(
        "forecast_methods.bias", "Σ(forecast − actual) ÷ Σ actual; positive = too high"
    )
    mape: float | None = figure("forecast_methods.mape")
    horizon_min_weeks: int = figure("forecast_methods.horizon")
    horizon_max_weeks: int = figure("forecast_methods.horizon")
    compared: bool = Field(description="Compared with the others on the same snapshots")
    selected: bool = Field(description="The method shown by default for this kind of forecast")
    periods: str


class DefaultForecastOut(Schema):
    """The forecast shown by default and the track record that earned it the place."""

    method: str
    method_label: str
    target: Literal["current_rest", "next_quarter"] = Field(description="What the snapshot forecasts")
    target_label: str
    taken_on: datetime.date
    forecast: Decimal = figure(
        "forecast_methods.default", "Won so far in the period + the method's forecast of the rest"
    )
    p10: Decimal | None = figure("forecast_methods.default")
    p90: Decimal | None = figure("forecast_methods.default")
    won_to_date: Decimal = figure("scorecard.won")
    track_record: TrackRecordOut | None = Field(
        description="None until a method has a record (meanwhile the run-rate, or with no close yet the learned median)"
    )


class ForecastOut(Schema):
    period: str
    period_start: datetime.date
    period_end: datetime.date
    target: Decimal | None = figure("scorecard.target")
    won_to_date: Decimal = figure("scorecard.won")
    default: DefaultForecastOut | None = Field(
        description="The whole company's forecast shown by default; None when filtered or without a snapshot"
    )
    learned: LearnedForecastOut | None
    snapshots: list[SnapshotOut]
    calls_split: bool
    calls_commit: Decimal = figure("scorecard.call_commit")
    calls_best_case: Decimal = figure("scorecard.call_best_case")
    calls_sellers: int = figure("scorecard.call_count")
    calls_overridden: int = figure("scorecard.call_count")


@router.get("/forecast", response={200: ForecastOut, **ERRORS})
def forecast(request, query: Query[FilterQuery]):
    """The learned forecast for the period and filters, the company's latest snapshot of
    every method (unfiltered only), the calls' roll-up and the target."""
    require_perm(request, "scorecard.view_forecastsnapshot")
    filters = _filters(request, query)
    p = filters.period
    calls = selectors.calls_for(selectors.call_list(user=request.user, period=p), filters)
    totals = selectors.call_totals(calls or [])
    view = selectors.forecast_view(filters)
    learned = None
    if view is not None:
        f = view.figures
        learned = {
            "taken_on": view.taken_on,
            "whole_company": view.whole_company,
            "median": f.p50,
            "p10": f.p10,
            "p90": f.p90,
            "expected": f.expected,
            "won_to_date": f.won_to_date,
            "open_expected": f.open_expected,
            "new_expected": f.new_expected,
            "open_pipeline": f.open_pipeline,
            "weighted_default": f.weighted_default,
        }
    return {
        "period": p.key,
        "period_start": p.start,
        "period_end": p.end,
        "target": selectors.target_for(filters),
        "won_to_date": selectors.stage_totals(filters)["won"]["reached_amount"],
        "default": None if filters.narrowed else _default_out(forecast_selection.default_forecast(p)),
        "learned": learned,
        "snapshots": [] if filters.narrowed else list(selectors.latest_snapshots(p).values()),
        "calls_split": calls is not None,
        "calls_commit": totals.commit,
        "calls_best_case": totals.best_case,
        "calls_sellers": totals.sellers,
        "calls_overridden": totals.overridden,
    }


def _default_out(d: forecast_selection.DefaultForecast | None) -> dict | None:
    if d is None:
        return None
    return {
        "method": d.method,
        "method_label": d.method_label,
        "target": d.target,
        "target_label": d.target_label,
        "taken_on": d.taken_on,
        "forecast": d.forecast,
        "p10": d.p10,
        "p90": d.p90,
        "won_to_date": d.won_to_date,
        "track_record": forecast_selection.record_dict(d.record) if d.record else None,
    }


class TrackRecordTargetOut(Schema):
    target: Literal["current_rest", "next_quarter"]
    label: str
    selected: str | None = Field(description="The method with the best record; None without one")
    shown: str = Field(description="The method shown by default (the fallback while none is selected)")
    records: list[TrackRecordOut]


class TrackRecordsOut(Schema):
    computed_at: datetime.datetime | None
    min_forecasts: int = stored("Snapshots of ended quarters needed before a method is selected")
    fallbacks: list[str] = Field(description="Shown while none is selected: the first with a figure")
    targets: list[TrackRecordTargetOut]


@router.get("/forecast/track-record", response={200: TrackRecordsOut, **ERRORS})
def forecast_track_record(request):
    """Every forecast method's record on the company's ended quarters, and which one is shown."""
    require_perm(request, "scorecard.view_forecastsnapshot")
    return forecast_selection.track_record()


@router.get("/forecast/snapshots", response={200: list[SnapshotOut], **ERRORS})
def forecast_snapshots(request, period: PeriodKey | None = None):
    require_perm(request, "scorecard.view_forecastsnapshot")
    p = services.period_from_key(period) if period else selectors.current_period()
    return selectors.snapshot_history(p)


class AccuracyHeadlineOut(Schema):
    method: str
    wape: float | None = figure("scorecard.accuracy_wape")
    bias: float | None = figure("scorecard.accuracy_bias")
    within_10pct: float | None = figure("scorecard.accuracy_within")
    n: int = figure("scorecard.accuracy_snapshots")


class AccuracyHorizonOut(Schema):
    horizon_weeks: int = stored("Whole weeks from the snapshot to the period's end")
    n: int = figure("scorecard.accuracy_snapshots")
    mape: float | None = figure("scorecard.accuracy_mape")
    wape: float | None = figure("scorecard.accuracy_wape")
    bias: float | None = figure("scorecard.accuracy_bias")


class AccuracyMethodOut(Schema):
    label: str
    n: int = figure("scorecard.accuracy_snapshots")
    mape: float | None = figure("scorecard.accuracy_mape")
    wape: float | None = figure("scorecard.accuracy_wape")
    bias: float | None = figure("scorecard.accuracy_bias")
    within_10pct: float | None = figure("scorecard.accuracy_within")
    by_horizon: list[AccuracyHorizonOut]


class AccuracyPeriodOut(Schema):
    period: str
    period_end: datetime.date
    actual: float | None = figure("scorecard.won")
    last_forecast: float | None = figure("scorecard.forecast_expected")
    n: int = figure("scorecard.accuracy_snapshots")
    wape: float | None = figure("scorecard.accuracy_wape")
    bias: float | None = figure("scorecard.accuracy_bias")


class AccuracyOut(Schema):
    """Every weekly snapshot of ended periods scored against what was won (docs/scorecard.md)."""

    measured: bool
    period: str | None
    headline: AccuracyHeadlineOut | None
    methods: dict[str, AccuracyMethodOut]
    periods: list[AccuracyPeriodOut]
    product_forecasts: AccuracyHeadlineOut | None
    reason: str


@router.get("/forecast/accuracy", response={200: AccuracyOut, **ERRORS})
def forecast_accuracy(request, period: PeriodKey | None = None):
    """Error and bias per method and horizon against actuals (shape in docs/scorecard.md)."""
    require_perm(request, "scorecard.view_forecastsnapshot")
    return selectors.forecast_accuracy(services.period_from_key(period) if period else None)


class CallIn(Schema):
    period: PeriodKey
    commit: Money
    best_case: Money
    note: Note = ""


class OverrideIn(Schema):
    commit: Money | None = None
    best_case: Money | None = None
    note: Note = ""


@router.get("/calls", response={200: list[CallOut], **ERRORS})
def list_calls(request, period: PeriodKey | None = None):
    require_perm(request, "scorecard.view_forecastcall")
    p = services.period_from_key(period) if period else selectors.current_period()
    return selectors.call_list(user=request.user, period=p)


@router.put("/calls", response={200: CallOut, **ERRORS})
def submit_call(request, payload: CallIn):
    """The signed-in seller's own commit and best case for a period."""
    require_perm(request, "scorecard.add_forecastcall")
    return services.call_submit(
        actor=request.user,
        period=payload.period,
        commit=payload.commit,
        best_case=payload.best_case,
        note=payload.note,
        via="api",
    )


@router.post("/calls/{call_id}/override", response={200: CallOut, **ERRORS})
def override_call(request, call_id: Id, payload: OverrideIn):
    require_perm(request, "scorecard.override_forecastcall")
    return services.call_override(
        actor=request.user,
        call=services.call_for(pk=call_id),
        commit=payload.commit,
        best_case=payload.best_case,
        note=payload.note,
        via="api",
    )
