"""The forecast shown by default: whichever method has the best track record here.

No forecast method wins on every company's history (docs/benchmarks/forecasting.md): a
trailing run-rate beats the learned pipeline model on one, the opposite holds on
another. So each weekly snapshot records every candidate — the pipeline models and the
baselines a sceptic would try (run-rate, seasonal naive, CRM default + new deals) — and
after each snapshot :func:`track_record_refresh` scores the snapshots of the last ended
quarters against what was won and stores every method's record. The method with the
lowest WAPE among those compared on the same forecasts is the default, per kind of
forecast (rest of the current quarter, or next quarter), and the forecast page and API
show its record next to the number.

Errors are measured on the part of the quarter still to come when the snapshot was
taken: revenue already won is known, and counting it would flatter every method alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hamsu.analytics import forecasting as fc
from hamsu.analytics.forecasting.baselines import run_rate_forecast, seasonal_naive_forecast
from hamsu.analytics.forecasting.selection import select_method
from hamsu.scorecard import selectors
from hamsu.scorecard.glossary_forecast import METHOD_TERMS
from hamsu.scorecard.models import ForecastMethod, ForecastSnapshot, ForecastTarget, ForecastTrackRecord
from hamsu.scorecard.periods import QUARTER, Period, period_containing

M = ForecastMethod
# Simplest first: a tie goes to the method that assumes less.
CANDIDATES = [
    M.RUN_RATE.value,
    M.SEASONAL_NAIVE.value,
    M.SEASONAL_NAIVE_YEAR.value,
    M.WEIGHTED_DEFAULT.value,
    M.WEIGHTED_DEFAULT_NEW.value,
    M.WEIGHTED_LEARNED.value,
    M.MONTE_CARLO.value,
]
BASELINES = [
    M.RUN_RATE.value,
    M.SEASONAL_NAIVE.value,
    M.SEASONAL_NAIVE_YEAR.value,
    M.WEIGHTED_DEFAULT_NEW.value,
]
# Shown until a track record exists (fewer than MIN_FORECASTS scored forecasts): the
# simplest method, or the learned model's median before any deal has closed (no
# run-rate yet). Chosen on the back-tests of docs/benchmarks/forecasting.md.
FALLBACKS = (M.RUN_RATE.value, M.MONTE_CARLO.value)
MIN_FORECASTS = 4  # about a month of weekly snapshots of ended quarters
RECORD_QUARTERS = 4  # the track record covers the last four ended quarters with snapshots
RUN_RATE_LOOKBACK_DAYS = 91  # 13 weeks, as the learned forecast's arrival rate


# ---------------------------------------------------------------- the baselines, per snapshot


def _won(history) -> tuple[pl.Series, pl.Series]:
    won = history.events.filter(pl.col("to_stage") == fc.WON).join(history.deals, on="object_id", how="inner")
    return won["at"], won["value"]


def baseline_forecasts(history, period: Period, as_of: datetime.date) -> dict[str, float | None]:
    """Revenue still to be won in ``period`` after ``as_of``, by each baseline (None: no history).

    They read only deals won on or before ``as_of``; seasons are the company's fiscal
    quarters. Revenue counts as recorded from the first deal closed (won or lost) on
    record, as the back-test's outcomes do: an imported history often starts with deals
    created months before any close was kept, and those months are not "nothing won".
    """
    won_on, won_value = _won(history)
    closes = history.events.filter(pl.col("to_stage").is_in([fc.WON, fc.LOST]) & (pl.col("at") <= as_of))
    observed_from = closes["at"].min() if closes.height else None

    def quarter(day: datetime.date) -> tuple[datetime.date, datetime.date]:
        q = period_containing(day, QUARTER, period.calendar)
        return q.start, q.end

    kw = {
        "as_of": as_of,
        "period_start": period.start,
        "period_end": period.end,
        "observed_from": observed_from,
    }
    if observed_from is None:
        return dict.fromkeys((M.RUN_RATE.value, M.SEASONAL_NAIVE.value, M.SEASONAL_NAIVE_YEAR.value))
    return {
        M.RUN_RATE.value: run_rate_forecast(won_on, won_value, lookback_days=RUN_RATE_LOOKBACK_DAYS, **kw),
        M.SEASONAL_NAIVE.value: seasonal_naive_forecast(won_on, won_value, season=quarter, **kw),
        M.SEASONAL_NAIVE_YEAR.value: seasonal_naive_forecast(
            won_on, won_value, season=quarter, cycle=4, **kw
        ),
    }


def target_of(period_start: datetime.date, taken_on: datetime.date) -> str:
    """A snapshot taken before its quarter forecasts the next quarter; inside it, the rest."""
    return ForecastTarget.NEXT_QUARTER.value if taken_on < period_start else ForecastTarget.CURRENT_REST.value


# ---------------------------------------------------------------- scoring and storing


def _actuals(won: pl.DataFrame, windows: pl.DataFrame) -> list[float]:
    """Won after each snapshot (or from the quarter's start, if later) up to the quarter's end."""
    out = []
    for w in windows.iter_rows(named=True):
        after = max(w["snapshot_date"], w["period_start"] - datetime.timedelta(days=1))
        inside = (pl.col("at") > after) & (pl.col("at") <= w["period_end"])
        out.append(float(won.filter(inside)["value"].sum()))
    return out


def scored_snapshots(
    history, *, today: datetime.date, quarters: int | None = RECORD_QUARTERS
) -> pl.DataFrame:
    """Every candidate's company snapshots of the last ended quarters, scored.

    One row per (snapshot_date, period, method) with ``target``, ``forecast`` and
    ``actual`` of the days after the snapshot up to the quarter's end, and the error
    columns of :func:`hamsu.analytics.forecasting.forecast_errors`. A quarter has ended
    when its last day is before ``today``; only the last ``quarters`` of them are kept
    (None: all).
    """
    rows = list(
        ForecastSnapshot.objects.filter(
            scope="company",
            period_kind=QUARTER,
            method__in=CANDIDATES,
            period_end__lt=today,
            taken_on__lt=F("period_end"),
        ).values_list(
            "taken_on", "period_key", "period_start", "period_end", "method", "forecast", "won_to_date"
        )
    )
    snaps = pl.DataFrame(
        [(*r[:5], float(r[5]), float(r[6])) for r in rows],
        schema={
            "snapshot_date": pl.Date,
            "period": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "method": pl.String,
            "forecast": pl.Float64,
            "won_to_date": pl.Float64,
        },
        orient="row",
    )
    if quarters is not None:
        keep = snaps.select("period", "period_end").unique().sort("period_end").tail(quarters)
        snaps = snaps.join(keep.select("period"), on="period", how="semi")
    won_on, won_value = _won(history)
    windows = snaps.select("snapshot_date", "period", "period_start", "period_end").unique(
        maintain_order=True
    )
    windows = windows.with_columns(
        pl.Series(
            "actual", _actuals(pl.DataFrame({"at": won_on, "value": won_value}), windows), dtype=pl.Float64
        )
    )
    forecasts = snaps.select(
        "snapshot_date",
        "period",
        "method",
        # The snapshot's figure includes what was already won in the quarter; score the rest.
        (pl.col("forecast") - pl.col("won_to_date")).alias("forecast"),
        pl.when(pl.col("snapshot_date") < pl.col("period_start"))
        .then(pl.lit(ForecastTarget.NEXT_QUARTER.value))
        .otherwise(pl.lit(ForecastTarget.CURRENT_REST.value))
        .alias("target"),
    )
    actuals = windows.select("snapshot_date", "period", "period_end", "actual")
    return fc.forecast_errors(forecasts, actuals, on=("snapshot_date", "period"))


def _finite(value) -> float | None:
    return None if value is None or value != value or value in (float("inf"), float("-inf")) else float(value)


@transaction.atomic
def track_record_refresh(*, history=None, today: datetime.date | None = None) -> list[ForecastTrackRecord]:
    """Re-score every candidate on the last ended quarters and store who is selected.

    Runs after each weekly snapshot (and after a back-fill). Replaces the stored records.
    """
    from hamsu.scorecard import forecasts

    history = history if history is not None else forecasts.load_history()
    errors = scored_snapshots(history, today=today or timezone.localdate())
    computed_at = timezone.now()
    records = []
    for target in ForecastTarget.values:
        part = errors.filter(pl.col("target") == target)
        if part.is_empty():
            continue
        selection = select_method(part, candidates=CANDIDATES, min_n=MIN_FORECASTS)
        periods = ", ".join(
            part.select("period", "period_end").unique().sort("period_end")["period"].to_list()
        )
        for r in selection.records.iter_rows(named=True):
            records.append(
                ForecastTrackRecord(
                    target=target,
                    method=r["method"],
                    n=r["n"],
                    wape=_finite(r["wape"]),
                    bias=_finite(r["bias"]),
                    mape=_finite(r["mape"]),
                    horizon_min_weeks=r["horizon_min"],
                    horizon_max_weeks=r["horizon_max"],
                    compared=r["compared"],
                    selected=r["selected"],
                    periods=periods[:200],
                    computed_at=computed_at,
                )
            )
    ForecastTrackRecord.objects.all().delete()
    return ForecastTrackRecord.objects.bulk_create(records)


# ---------------------------------------------------------------- reading it back


@dataclass(frozen=True)
class DefaultForecast:
    """The forecast shown by default for a period, and the record that earned it the place."""

    period: str
    target: str
    method: str
    taken_on: datetime.date
    forecast: object  # Decimal, as stored
    p10: object
    p90: object
    won_to_date: object
    record: ForecastTrackRecord | None  # None: no track record yet, the fallback is shown

    @property
    def target_label(self) -> str:
        return str(ForecastTarget(self.target).label)

    @property
    def method_label(self) -> str:
        return str(ForecastMethod(self.method).label)

    @property
    def glossary_key(self) -> str:
        return METHOD_TERMS[self.method]


def selected_records() -> dict[str, ForecastTrackRecord]:
    """The selected method's record per target."""
    return {r.target: r for r in ForecastTrackRecord.objects.filter(selected=True)}


def track_record() -> dict:
    """Every candidate's stored record per target, and which one is shown by default."""
    rows = list(ForecastTrackRecord.objects.all())
    by_target: dict[str, list[ForecastTrackRecord]] = {}
    for r in rows:
        by_target.setdefault(r.target, []).append(r)
    order = {m: i for i, m in enumerate(CANDIDATES)}
    targets = []
    for target in ForecastTarget:
        records = sorted(by_target.get(target.value, []), key=lambda r: order.get(r.method, len(order)))
        chosen = next((r.method for r in records if r.selected), None)
        targets.append(
            {
                "target": target.value,
                "label": str(target.label),
                "selected": chosen,
                "shown": chosen or FALLBACKS[0],
                "records": [record_dict(r) for r in records],
            }
        )
    return {
        "computed_at": max((r.computed_at for r in rows), default=None),
        "min_forecasts": MIN_FORECASTS,
        "fallbacks": list(FALLBACKS),
        "targets": targets,
    }


def record_dict(r: ForecastTrackRecord) -> dict:
    return {
        "method": r.method,
        "label": str(ForecastMethod(r.method).label),
        "glossary_key": METHOD_TERMS[r.method],
        "n": r.n,
        "wape": r.wape,
        "bias": r.bias,
        "mape": r.mape,
        "horizon_min_weeks": r.horizon_min_weeks,
        "horizon_max_weeks": r.horizon_max_weeks,
        "compared": r.compared,
        "selected": r.selected,
        "periods": r.periods,
    }


def default_method(target: str, records: dict[str, ForecastTrackRecord] | None = None) -> str:
    record = (records if records is not None else selected_records()).get(target)
    return record.method if record else FALLBACKS[0]


def default_forecast(
    period: Period, *, records: dict[str, ForecastTrackRecord] | None = None
) -> DefaultForecast | None:
    """The latest snapshot of the period by the method selected for its kind of forecast.

    None when the period has no snapshot. Without a selected method, or if it has no
    figure in that snapshot (too little history for it then), the first fallback with a
    figure is shown, without a track record.
    """
    snaps = selectors.latest_snapshots(period)
    if not snaps:
        return None
    taken_on = next(iter(snaps.values())).taken_on
    target = target_of(period.start, taken_on)
    records = records if records is not None else selected_records()
    record = records.get(target)
    if record is None or record.method not in snaps:
        record = None
        method = next((m for m in FALLBACKS if m in snaps), None)
        if method is None:
            return None
    else:
        method = record.method
    snap = snaps[method]
    return DefaultForecast(
        period=period.key,
        target=target,
        method=method,
        taken_on=taken_on,
        forecast=snap.forecast,
        p10=snap.p10,
        p90=snap.p90,
        won_to_date=snap.won_to_date,
        record=record,
    )
