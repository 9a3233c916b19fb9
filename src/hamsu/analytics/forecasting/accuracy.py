"""Forecast accuracy as a first-class metric: error and bias per method and horizon.

Forecasts are snapshotted weekly, so the same period is forecast many times at different
distances from its end. Accuracy is only meaningful per horizon (a forecast one week
before quarter end is easy; thirteen weeks before is not), and bias matters as much as
size: a forecast that is always 20% high erodes trust differently from one that is noisy.
The alignment diagnostic's "actual sales land close to the forecast" reads these figures.

Definitions (per group of forecasts ``f`` against actuals ``a``):
- APE = |f − a| / a per forecast (undefined when a = 0);
- MAPE = mean APE (each snapshot weighs the same);
- WAPE = Σ|f − a| / Σa (large periods weigh more; robust to small actuals);
- bias = Σ(f − a) / Σa, signed: positive means over-forecasting.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

FORECAST_COLUMNS = ("snapshot_date", "period", "method", "forecast")
ACTUAL_COLUMNS = ("period", "period_end", "actual")


def _require(frame: pl.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing columns {missing}")


def horizon_weeks(snapshot_date: pl.Expr, period_end: pl.Expr) -> pl.Expr:
    """Whole weeks from the snapshot to the period's last day (0 in the final week)."""
    return ((period_end - snapshot_date).dt.total_days() // 7).cast(pl.Int64)


def forecast_errors(
    forecasts: pl.DataFrame, actuals: pl.DataFrame, *, on: Sequence[str] = ("period",)
) -> pl.DataFrame:
    """Join forecasts to actuals and add horizon_weeks, error, abs_error and ape.

    ``forecasts``: (snapshot_date, period, method, forecast, …); ``actuals``: (period,
    period_end, actual). ``on`` are the join keys: normally just the period; add
    ``snapshot_date`` when the actual depends on the snapshot (e.g. "revenue from deals
    open at the snapshot"). Forecasts for periods without an actual are dropped: a period
    still in progress has nothing to be wrong against yet. Snapshots taken after the
    period ended are dropped too (negative horizon).
    """
    keys = list(on)
    _require(forecasts, [*FORECAST_COLUMNS, *keys], "forecasts")
    _require(actuals, [*ACTUAL_COLUMNS, *keys], "actuals")
    cols = list(dict.fromkeys([*keys, "period_end", "actual"]))
    return (
        forecasts.join(actuals.select(cols), on=keys, how="inner")
        .with_columns(horizon_weeks(pl.col("snapshot_date"), pl.col("period_end")).alias("horizon_weeks"))
        .filter(pl.col("horizon_weeks") >= 0)
        .with_columns((pl.col("forecast") - pl.col("actual")).alias("error"))
        .with_columns(
            pl.col("error").abs().alias("abs_error"),
            pl.when(pl.col("actual") != 0)
            .then(pl.col("error").abs() / pl.col("actual"))
            .otherwise(None)
            .alias("ape"),
        )
    )


def summarise_errors(errors: pl.DataFrame, by: Sequence[str] = ("method", "horizon_weeks")) -> pl.DataFrame:
    """MAPE, WAPE and signed bias per group; n counts the snapshots in the group."""
    return (
        errors.group_by(list(by))
        .agg(
            pl.len().alias("n"),
            pl.col("ape").mean().alias("mape"),
            (pl.col("abs_error").sum() / pl.col("actual").sum()).alias("wape"),
            (pl.col("error").sum() / pl.col("actual").sum()).alias("bias"),
        )
        .sort(list(by))
    )


def forecast_accuracy(
    forecasts: pl.DataFrame,
    actuals: pl.DataFrame,
    by: Sequence[str] = ("method", "horizon_weeks"),
    *,
    on: Sequence[str] = ("period",),
) -> pl.DataFrame:
    """One call: errors per forecast, then MAPE/WAPE/bias per ``by`` group."""
    return summarise_errors(forecast_errors(forecasts, actuals, on=on), by)
