"""Funnel math shared by dashboards and the reverse funnel plan (pure: no Django).

Inputs are Polars frames of stage events ``(object_id, from_stage, to_stage, at)`` — the
append-only stage-event log — and an ordered list of funnel stages (top first). An
object that skips a stage (e.g. inquiry straight to SQL) is counted as having passed
through the skipped ones: what matters for conversion is how far down it got.

The reverse funnel turns "the number" into the volume each team must produce and by
when, using the company's measured conversion rates and stage times rather than
benchmarks — the point of the study's shared funnel is that both sides plan from the
same measured figures.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import cast

import polars as pl


def _reach_index(events: pl.DataFrame, stage_order: Sequence[str]) -> pl.DataFrame:
    """Per object, the index of the deepest funnel stage it ever reached (object_id, depth)."""
    idx = {s: i for i, s in enumerate(stage_order)}
    return (
        events.with_columns(
            pl.col("to_stage").replace_strict(idx, default=None, return_dtype=pl.Int64).alias("_i")
        )
        .group_by("object_id")
        .agg(pl.col("_i").max().alias("depth"))
        .filter(pl.col("depth").is_not_null())
    )


def stage_reach(events: pl.DataFrame, stage_order: Sequence[str]) -> pl.DataFrame:
    """How many objects reached each stage (or a later one): stage, reached."""
    depth = _reach_index(events, stage_order)["depth"].to_numpy()
    return pl.DataFrame(
        {
            "stage": list(stage_order),
            "reached": [int((depth >= i).sum()) for i in range(len(stage_order))],
        }
    )


def stage_conversion(events: pl.DataFrame, stage_order: Sequence[str]) -> pl.DataFrame:
    """Conversion between every pair of adjacent stages.

    Columns: from_stage, to_stage, entered (objects that reached from_stage), converted
    (of those, reached to_stage or beyond), conversion (converted / entered; null when
    nobody entered). Objects still in from_stage count as not converted (yet): for cohort
    views filter the events to objects old enough first.
    """
    reach = stage_reach(events, stage_order)["reached"].to_list()
    rows = []
    for i in range(len(stage_order) - 1):
        entered, converted = reach[i], reach[i + 1]
        rows.append(
            {
                "from_stage": stage_order[i],
                "to_stage": stage_order[i + 1],
                "entered": entered,
                "converted": converted,
                "conversion": converted / entered if entered else None,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "from_stage": pl.String,
            "to_stage": pl.String,
            "entered": pl.Int64,
            "converted": pl.Int64,
            "conversion": pl.Float64,
        },
    )


def _spells(events: pl.DataFrame) -> pl.DataFrame:
    """Each stay in a stage: object_id, stage, entered_at, left_at (null while still there)."""
    return (
        events.with_row_index("_seq")
        .sort(["object_id", "at", "_seq"])
        .with_columns(pl.col("at").shift(-1).over("object_id").alias("left_at"))
        .select("object_id", pl.col("to_stage").alias("stage"), pl.col("at").alias("entered_at"), "left_at")
    )


def _days(expr: pl.Expr) -> pl.Expr:
    return expr.dt.total_seconds(fractional=True) / 86_400.0


def time_in_stage(events: pl.DataFrame, *, as_of: dt.datetime | dt.date | None = None) -> pl.DataFrame:
    """Stage velocity: median and mean days spent in each stage by stays that ended.

    Columns: stage, completed, median_days, mean_days, open, open_median_age_days. Stays
    still running are reported separately (``open``) rather than mixed in, because their
    true length is unknown (right-censored); with ``as_of`` their current age is given.
    """
    sp = _spells(events)
    done = sp.filter(pl.col("left_at").is_not_null()).with_columns(
        _days(pl.col("left_at") - pl.col("entered_at")).alias("d")
    )
    agg = done.group_by("stage").agg(
        pl.len().alias("completed"),
        pl.col("d").median().alias("median_days"),
        pl.col("d").mean().alias("mean_days"),
    )
    open_ = sp.filter(pl.col("left_at").is_null())
    if as_of is not None:
        age = _days(pl.lit(as_of).cast(events.schema["at"]) - pl.col("entered_at"))
        open_agg = open_.group_by("stage").agg(
            pl.len().alias("open"), age.median().alias("open_median_age_days")
        )
    else:
        open_agg = open_.group_by("stage").agg(
            pl.len().alias("open"), pl.lit(None, dtype=pl.Float64).alias("open_median_age_days")
        )
    return (
        agg.join(open_agg, on="stage", how="full", coalesce=True)
        .with_columns(pl.col("completed").fill_null(0), pl.col("open").fill_null(0))
        .sort("stage")
    )


def leakage(events: pl.DataFrame, stage_order: Sequence[str], exit_stages: Sequence[str]) -> pl.DataFrame:
    """Share of objects leaving the funnel at each stage.

    An object leaks from stage s when its latest event moves it to an exit stage (lost,
    disqualified, recycled to nurture…) and the stage it left was s. Columns: stage,
    reached, leaked, leakage (leaked / reached).
    """
    sp = _spells(events)
    prev = sp.with_columns(pl.col("stage").shift(1).over("object_id").alias("_prev"))
    last = (
        events.with_row_index("_seq")
        .sort(["object_id", "at", "_seq"])
        .group_by("object_id")
        .agg(pl.col("to_stage").last().alias("last_to"), pl.col("from_stage").last().alias("last_from"))
    )
    prev_last = prev.group_by("object_id").agg(pl.col("_prev").last())
    exits = (
        last.filter(pl.col("last_to").is_in(list(exit_stages)))
        .join(prev_last, on="object_id", how="left")
        .with_columns(pl.coalesce("last_from", "_prev").alias("left_from"))
    )
    counts = dict(exits.group_by("left_from").len().iter_rows())
    reach = stage_reach(events, stage_order)
    leaked = [int(counts.get(s, 0)) for s in stage_order]
    return reach.with_columns(pl.Series("leaked", leaked, dtype=pl.Int64)).with_columns(
        pl.when(pl.col("reached") > 0)
        .then(pl.col("leaked") / pl.col("reached"))
        .otherwise(None)
        .alias("leakage")
    )


def pipeline_coverage(open_pipeline_value: float, target: float, closed_to_date: float = 0.0) -> float:
    """Open pipeline divided by what is still missing to the target (3.0 = "3× coverage").

    ``math.inf`` once the target is already met: no pipeline is needed.
    """
    remaining = target - closed_to_date
    if remaining <= 0:
        return math.inf
    return open_pipeline_value / remaining


def win_rate_and_deal_size(
    opportunities: pl.DataFrame, *, outcome_col: str = "outcome", value_col: str = "value", won: str = "won"
) -> tuple[float, float]:
    """(win rate among closed opportunities, mean value of won ones) — the plan's last step.

    Open opportunities (null outcome) are ignored: they have no outcome yet.
    """
    closed = opportunities.filter(pl.col(outcome_col).is_not_null())
    if closed.height == 0:
        raise ValueError("no closed opportunities to measure a win rate from")
    won_rows = closed.filter(pl.col(outcome_col) == won)
    rate = won_rows.height / closed.height
    # Polars types a mean as any literal; a numeric column's is a float (None, and so a
    # TypeError here, only when every value is missing).
    size = float(cast(float, won_rows[value_col].mean())) if won_rows.height else 0.0
    return rate, size


def reverse_funnel_plan(
    *,
    target_revenue: float,
    avg_deal_size: float,
    stages: Sequence[str],
    conversion: Sequence[float],
    days_in_stage: Mapping[str, float] | None = None,
    period_end: dt.date | None = None,
    closed_to_date: float = 0.0,
) -> pl.DataFrame:
    """From the revenue still needed back to how many of each stage are needed, and by when.

    ``stages`` is the funnel top first and ends with the won stage, e.g.
    ``("inquiry", "mql", "sql", "opportunity", "won")``; ``conversion[i]`` is the measured
    rate from ``stages[i]`` to ``stages[i+1]`` (the last is the win rate). Needed counts are
    computed exactly and rounded up once per stage (rounding at each step would compound).
    ``days_in_stage`` (e.g. median time in stage) gives how many days before ``period_end``
    an object must enter each stage to close in time: ``start_by``.

    Columns: stage, needed, conversion_to_next, days_to_close, start_by.
    """
    if len(conversion) != len(stages) - 1:
        raise ValueError("need one conversion rate per adjacent pair of stages")
    if avg_deal_size <= 0:
        raise ValueError("avg_deal_size must be > 0")
    if any(not (0 < c <= 1) for c in conversion):
        raise ValueError("conversion rates must be in (0, 1]")
    remaining = max(target_revenue - closed_to_date, 0.0)
    exact = [0.0] * len(stages)
    exact[-1] = remaining / avg_deal_size
    for i in range(len(stages) - 2, -1, -1):
        exact[i] = exact[i + 1] / conversion[i]
    days = days_in_stage or {}
    to_close = [0.0] * len(stages)
    for i in range(len(stages) - 2, -1, -1):
        to_close[i] = to_close[i + 1] + float(days.get(stages[i], 0.0))
    rows = []
    for i, s in enumerate(stages):
        start_by = (
            period_end - dt.timedelta(days=math.ceil(to_close[i]))
            if period_end is not None and days_in_stage is not None
            else None
        )
        rows.append(
            {
                "stage": s,
                "needed": math.ceil(exact[i] - 1e-9),
                "conversion_to_next": conversion[i] if i < len(conversion) else None,
                "days_to_close": to_close[i],
                "start_by": start_by,
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "stage": pl.String,
            "needed": pl.Int64,
            "conversion_to_next": pl.Float64,
            "days_to_close": pl.Float64,
            "start_by": pl.Date,
        },
    )


def reverse_funnel_plan_from_events(
    events: pl.DataFrame,
    *,
    stages: Sequence[str],
    target_revenue: float,
    avg_deal_size: float,
    period_end: dt.date | None = None,
    closed_to_date: float = 0.0,
) -> pl.DataFrame:
    """The reverse funnel with the company's own measured rates and median stage times.

    Conversions come from :func:`stage_conversion` and stage times from
    :func:`time_in_stage` (median of completed stays) on the same ``events``; ``stages``
    ends with the won stage. Raises when a measured conversion is 0 or missing: the plan
    would need infinitely many leads, which is a finding to show, not a number.
    """
    conv = stage_conversion(events, stages)["conversion"].to_list()
    if any(c is None or c <= 0 for c in conv):
        raise ValueError(f"a measured conversion is zero or undefined: {conv}")
    tis = time_in_stage(events)
    medians = {
        str(r["stage"]): float(r["median_days"])
        for r in tis.iter_rows(named=True)
        if r["median_days"] is not None
    }
    return reverse_funnel_plan(
        target_revenue=target_revenue,
        avg_deal_size=avg_deal_size,
        stages=stages,
        conversion=[float(c) for c in conv],
        days_in_stage={s: medians.get(s, 0.0) for s in stages[:-1]},
        period_end=period_end,
        closed_to_date=closed_to_date,
    )
