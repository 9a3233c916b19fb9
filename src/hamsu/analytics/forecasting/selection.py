"""Model selection: the default forecast is the method with the best track record.

No single method wins everywhere: on one history a trailing run-rate beats a learned
pipeline model, on another the opposite holds. So the forecast shown by default is the
candidate whose past forecasts of the same kind of period (rest of the quarter, or next
quarter) erred least, measured as WAPE = Σ|forecast − actual| / Σ actual.

Methods are compared on the *same* forecasts only: a method that could not forecast at
some dates (seasonal naive needs a season of history first) would otherwise be judged on
an easier or harder sample. Those common forecasts must be at least ``min_n`` and at
least ``min_share`` of all the forecasts scored; otherwise the candidate with the
shortest record is left out of the comparison (it is still reported, marked as not
compared) until they are. Without the share, one method with a short record would
shrink the comparison of all the others to a few weeks that need not be typical.

Input is the output of :func:`~hamsu.analytics.forecasting.accuracy.forecast_errors`
for one target: one row per (snapshot_date, period, method) with forecast, actual,
error, abs_error, ape and horizon_weeks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

KEYS = ("snapshot_date", "period")
RECORD_SCHEMA = pl.Schema(
    {
        "method": pl.String,
        "n": pl.Int64,
        "wape": pl.Float64,
        "bias": pl.Float64,
        "mape": pl.Float64,
        "horizon_min": pl.Int64,
        "horizon_max": pl.Int64,
        "compared": pl.Boolean,
        "selected": pl.Boolean,
    }
)


@dataclass(frozen=True)
class Selection:
    """The chosen method (None without a usable track record) and every method's record."""

    method: str | None
    records: pl.DataFrame  # RECORD_SCHEMA, one row per candidate with at least one scored forecast
    n_compared: int  # forecasts every compared method was scored on


def _summary(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.group_by("method").agg(
        pl.len().cast(pl.Int64).alias("n"),
        (pl.col("abs_error").sum() / pl.col("actual").sum()).alias("wape"),
        (pl.col("error").sum() / pl.col("actual").sum()).alias("bias"),
        pl.col("ape").mean().alias("mape"),
        pl.col("horizon_weeks").min().cast(pl.Int64).alias("horizon_min"),
        pl.col("horizon_weeks").max().cast(pl.Int64).alias("horizon_max"),
    )


def _common_keys(errors: pl.DataFrame, methods: Sequence[str]) -> pl.DataFrame:
    per_method = errors.filter(pl.col("method").is_in(list(methods))).group_by(KEYS).agg(pl.len().alias("_k"))
    return per_method.filter(pl.col("_k") == len(methods)).select(KEYS)


def select_method(
    errors: pl.DataFrame, *, candidates: Sequence[str], min_n: int = 4, min_share: float = 0.5
) -> Selection:
    """Pick the candidate with the lowest WAPE on the forecasts all compared candidates made.

    ``candidates`` are in order of preference: a tie goes to the earlier one (list the
    simpler methods first). A comparison whose actuals sum to zero selects nothing.
    """
    present = [m for m in candidates if errors.filter(pl.col("method") == m).height]
    if not present:
        return Selection(None, pl.DataFrame(schema=RECORD_SCHEMA), 0)
    compared = list(present)
    scored = errors.filter(pl.col("method").is_in(present)).select(KEYS).unique().height
    needed = max(min_n, math.ceil(min_share * scored))
    common = _common_keys(errors, compared)
    while compared and common.height < needed:
        counts = {m: errors.filter(pl.col("method") == m).height for m in compared}
        shortest = min(counts.values())
        # Leave out the method with the shortest record (the last listed among equals).
        drop = [m for m in compared if counts[m] == shortest][-1]
        compared.remove(drop)
        common = _common_keys(errors, compared) if compared else common.clear()
    on_common = (
        _summary(errors.filter(pl.col("method").is_in(compared)).join(common, on=list(KEYS), how="semi"))
        if compared
        else None
    )
    left_out = [m for m in present if m not in compared]
    own = _summary(errors.filter(pl.col("method").is_in(left_out))) if left_out else None
    parts = []
    if on_common is not None and on_common.height:
        parts.append(on_common.with_columns(pl.lit(True).alias("compared")))
    if own is not None and own.height:
        parts.append(own.with_columns(pl.lit(False).alias("compared")))
    order = {m: i for i, m in enumerate(candidates)}
    records = pl.concat(parts, how="vertical_relaxed").sort(
        pl.col("method").replace_strict(order, return_dtype=pl.Int64)
    )
    chosen = None
    best = None
    for row in records.filter(pl.col("compared")).iter_rows(named=True):
        wape = row["wape"]
        if wape is None or wape != wape or wape == float("inf"):
            continue  # actuals summing to zero: nothing to rank on
        if best is None or wape < best:
            chosen, best = row["method"], wape
    records = records.with_columns((pl.col("method") == pl.lit(chosen)).fill_null(False).alias("selected"))
    return Selection(chosen, records.select(list(RECORD_SCHEMA)).cast(RECORD_SCHEMA), common.height)


def walk_forward_selection(
    errors: pl.DataFrame,
    *,
    candidates: Sequence[str],
    fallback: str | Sequence[str],
    min_n: int = 4,
    by: str = "target",
    last_periods: int | None = None,
) -> pl.DataFrame:
    """What the selected method would have forecast at each snapshot, choosing only from the past.

    At snapshot d, each method's record holds only forecasts whose period had ended by d
    (their actual was known); the candidates are the methods that forecast at d. Before
    any record exists the first ``fallback`` method that forecast then is used. ``last_periods`` keeps
    only the most recent ended periods in the record, as the product does. Returns the rows of the
    chosen methods with ``method`` replaced by "selected" and the choice in ``chosen``.
    """
    fallbacks = [fallback] if isinstance(fallback, str) else list(fallback)
    out = []
    for _group, part in errors.group_by([by], maintain_order=True):
        for d in sorted(part["snapshot_date"].unique().to_list()):
            now = part.filter(pl.col("snapshot_date") == d)
            available = [m for m in candidates if m in set(now["method"].to_list())]
            past = part.filter(pl.col("period_end") <= d)
            if last_periods is not None:
                recent = past.select("period", "period_end").unique().sort("period_end").tail(last_periods)
                past = past.join(recent.select("period"), on="period", how="semi")
            chosen = select_method(past, candidates=available, min_n=min_n).method if past.height else None
            if chosen is None:
                chosen = next((m for m in fallbacks if m in available), None)
            if chosen is None:
                continue
            out.append(
                now.filter(pl.col("method") == chosen).with_columns(
                    pl.lit(chosen).alias("chosen"), pl.lit("selected").alias("method")
                )
            )
    if not out:
        return errors.clear().with_columns(pl.lit(None, dtype=pl.String).alias("chosen"))
    return pl.concat(out, how="vertical_relaxed")


def summarise_selection(selected: pl.DataFrame, by: str = "target") -> pl.DataFrame:
    """Per group of :func:`walk_forward_selection`'s rows: n, WAPE, bias and the methods used."""
    return (
        selected.group_by(by)
        .agg(
            pl.len().alias("n"),
            (pl.col("abs_error").sum() / pl.col("actual").sum()).alias("wape"),
            (pl.col("error").sum() / pl.col("actual").sum()).alias("bias"),
            pl.col("chosen").value_counts(sort=True).alias("used"),
        )
        .sort(by)
    )


__all__ = ["RECORD_SCHEMA", "Selection", "select_method", "summarise_selection", "walk_forward_selection"]
