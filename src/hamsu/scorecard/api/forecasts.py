"""Forecasts (the default, the learned one, snapshots, track records, accuracy) and
sellers' calls with their overrides."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema

from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, Id, base_currency_field, require_perm
from hamsu.scorecard import forecast_selection, selectors, services
from hamsu.scorecard.api.common import FilterQuery, Money, Note, PeriodKey, filters_of, router
from hamsu.scorecard.glossary_forecast import METHOD_TERMS

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
    base_currency: str = base_currency_field()


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
    base_currency: str = base_currency_field()


@router.get("/forecast", response={200: ForecastOut, **ERRORS})
def forecast(request, query: Query[FilterQuery]):
    """The learned forecast for the period and filters, the company's latest snapshot of
    every method (unfiltered only), the calls' roll-up and the target."""
    require_perm(request, "scorecard.view_forecastsnapshot")
    filters = filters_of(request, query)
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
