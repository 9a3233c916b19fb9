"""Forecast accuracy: the weekly snapshots scored against what was actually won.

Actuals come from the aggregate tables (won revenue per fiscal month). Only periods that
have ended are scored: a period still running has nothing to be wrong against yet. The
maths (APE, MAPE, WAPE, signed bias, per horizon) is
``hamsu.analytics.forecasting.forecast_accuracy``. The return shape of
``forecast_accuracy`` is documented in docs/scorecard.md; the alignment diagnostic's
statement 1 ("actual sales land close to the forecast") reads it.
"""

from __future__ import annotations

import datetime
import math

import polars as pl
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from hamsu.analytics.forecasting import forecast_errors, summarise_errors
from hamsu.scorecard.models import ForecastMethod, ForecastSnapshot, FunnelMonthRollup, FunnelMonthStat
from hamsu.scorecard.periods import Period, parse_period

HEADLINE_METHOD = ForecastMethod.WEIGHTED_LEARNED.value
WITHIN = 0.10  # "close to the forecast": within ±10% of the actual


def _num(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else round(value, 4)


def won_by_month(months: list[datetime.date]) -> dict[datetime.date, float]:
    rows = (
        FunnelMonthRollup.objects.filter(stage="won", month__in=months)
        .values("month")
        .annotate(total=Sum("reached_amount"))
    )
    return {row["month"]: float(row["total"] or 0) for row in rows}


NO_HEADLINE = gettext_lazy("No snapshot of the learned weighted forecast of a period that has ended yet.")


def _empty(period_key: str | None) -> dict:
    return {
        "measured": False,
        "period": period_key,
        "headline": None,
        "methods": {},
        "periods": [],
        "product_forecasts": None,
        # Shown by the API in the asker's language, like every other message.
        "reason": gettext("No forecast snapshots of a period that has ended yet."),
    }


def forecast_accuracy(
    period: str | Period | None = None, *, scope: str = "company", today: datetime.date | None = None
) -> dict:
    """Error and bias of the snapshotted forecasts against actuals, per method and horizon.

    ``period``: a key ("2026-Q3") or Period to score just that period; None scores every
    ended period with snapshots.
    """
    today = today or timezone.localdate()
    qs = ForecastSnapshot.objects.filter(period_end__lt=today)
    qs = qs.filter(scope__startswith="product:") if scope == "product" else qs.filter(scope=scope)
    period_key = None
    if period is not None:
        if isinstance(period, str):
            from hamsu.core.company import company_settings

            period = parse_period(period, company_settings().fiscal_calendar)
        period_key = period.key
        qs = qs.filter(calendar=period.calendar, period_key=period.key)
    rows = list(
        qs.values_list(
            "taken_on", "period_key", "calendar", "period_kind", "period_end", "scope", "method", "forecast"
        )
    )
    if not rows:
        return _empty(period_key)
    # Actual won revenue per (period, scope). Product scopes need the product split.
    periods = {(r[1], r[2]) for r in rows}
    actual_rows = []
    for key, calendar in periods:
        p = parse_period(key, calendar)
        if scope == "product":
            by_product = dict(
                FunnelMonthStat.objects.filter(stage="won", month__in=p.months())
                .values("product_id")
                .annotate(total=Sum("reached_amount"))
                .values_list("product_id", "total")
            )
            # Every product forecast of the period is scored, a product that won nothing
            # included (actual 0): leaving it out would hide its whole forecast as error.
            for product_scope in {r[5] for r in rows if r[1] == key and r[2] == calendar}:
                product_id = int(product_scope.split(":", 1)[1])
                actual_rows.append((key, product_scope, p.end, float(by_product.get(product_id) or 0)))
        else:
            actual_rows.append((key, scope, p.end, sum(won_by_month(p.months()).values())))
    forecasts = pl.DataFrame(
        {
            "snapshot_date": [r[0] for r in rows],
            "period": [r[1] for r in rows],
            "scope": [r[5] for r in rows],
            "method": [r[6] for r in rows],
            "forecast": [float(r[7]) for r in rows],
        },
        schema={
            "snapshot_date": pl.Date,
            "period": pl.String,
            "scope": pl.String,
            "method": pl.String,
            "forecast": pl.Float64,
        },
    )
    actuals = pl.DataFrame(
        {
            "period": [a[0] for a in actual_rows],
            "scope": [a[1] for a in actual_rows],
            "period_end": [a[2] for a in actual_rows],
            "actual": [a[3] for a in actual_rows],
        },
        schema={"period": pl.String, "scope": pl.String, "period_end": pl.Date, "actual": pl.Float64},
    )
    errors = forecast_errors(forecasts, actuals, on=("period", "scope"))
    if errors.is_empty():
        return _empty(period_key)
    by_horizon = summarise_errors(errors, ("method", "horizon_weeks"))
    overall = summarise_errors(errors, ("method",))
    within = (
        errors.with_columns((pl.col("ape") <= WITHIN).alias("_ok"))
        .group_by("method")
        .agg(pl.col("_ok").mean().alias("within"))
    )
    within_map = dict(within.iter_rows())
    methods: dict[str, dict] = {}
    for row in overall.iter_rows(named=True):
        methods[row["method"]] = {
            "label": str(ForecastMethod(row["method"]).label)
            if row["method"] in ForecastMethod.values
            else row["method"],
            "n": row["n"],
            "mape": _num(row["mape"]),
            "wape": _num(row["wape"]),
            "bias": _num(row["bias"]),
            "within_10pct": _num(within_map.get(row["method"])),
            "by_horizon": [],
        }
    for row in by_horizon.iter_rows(named=True):
        methods[row["method"]]["by_horizon"].append(
            {
                "horizon_weeks": row["horizon_weeks"],
                "n": row["n"],
                "mape": _num(row["mape"]),
                "wape": _num(row["wape"]),
                "bias": _num(row["bias"]),
            }
        )
    per_period = (
        errors.filter(pl.col("method") == HEADLINE_METHOD)
        .group_by("period")
        .agg(
            pl.col("actual").first(),
            pl.col("period_end").first(),
            pl.len().alias("n"),
            (pl.col("abs_error").sum() / pl.col("actual").sum()).alias("wape"),
            (pl.col("error").sum() / pl.col("actual").sum()).alias("bias"),
            pl.col("forecast").sort_by("snapshot_date").last().alias("last_forecast"),
        )
        .sort("period_end")
    )
    # The headline is the learned weighted forecast's, as the glossary defines forecast
    # accuracy: without its snapshots there is no headline, never another method's figure.
    head = methods.get(HEADLINE_METHOD)
    return {
        "measured": True,
        "period": period_key,
        "headline": None
        if head is None
        else {
            "method": HEADLINE_METHOD,
            "wape": head["wape"],
            "bias": head["bias"],
            "within_10pct": head["within_10pct"],
            "n": head["n"],
        },
        "methods": methods,
        "periods": [
            {
                "period": r["period"],
                "period_end": r["period_end"].isoformat(),
                "actual": _num(r["actual"]),
                "last_forecast": _num(r["last_forecast"]),
                "n": r["n"],
                "wape": _num(r["wape"]),
                "bias": _num(r["bias"]),
            }
            for r in per_period.iter_rows(named=True)
        ],
        "product_forecasts": None,
        "reason": "" if head is not None else str(NO_HEADLINE),
    }
