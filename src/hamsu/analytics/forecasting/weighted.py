"""Weighted-pipeline forecasts: the CRM-default kind, and the learned, age-aware kind.

A weighted pipeline is Σ probability × value over open deals. CRMs apply a fixed
probability per stage and count a deal in the period its (rep-entered) close date falls
in. The learned forecast instead asks, per deal, "how likely is it to be *won inside this
period*, given its stage and how long it has already been there", which folds timing and
staleness into one number. Both work on a frame of open deals with at least
``stage``, ``entered_at`` (date the deal entered its stage), ``age_days`` and ``value``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import numpy as np
import polars as pl

from hamsu.analytics.forecasting.snapshots import WON
from hamsu.analytics.forecasting.survival import ExitTable

#: Either one exit table per stage, or a table per (stage, day the deal entered it) —
#: the latter for calendar-aware tables (see :mod:`.calendar`). A deal whose entry day is
#: unknown asks with ``None``.
TableSource = Mapping[str, ExitTable] | Callable[[str, dt.date | None], ExitTable | None]


def weighted_pipeline(open_deals: pl.DataFrame, probabilities: Mapping[str, float]) -> float:
    """Σ p(stage) × value over all open deals, whatever their timing (the CRM headline figure)."""
    p = open_deals["stage"].replace_strict(dict(probabilities), default=0.0, return_dtype=pl.Float64)
    return float((p * open_deals["value"]).sum())


def nominal_close_dates(
    open_deals: pl.DataFrame, *, start_col: str, cycle_days: int, as_of: dt.date
) -> pl.Series:
    """Stand-in for the rep-entered close date: ``start + cycle_days``, never in the past.

    CRMs forecast a deal in the period its close date falls in, and hygiene rules make
    reps push an overdue close date forward, so an overdue deal is re-dated to the day
    after the snapshot (it lands in the current period).
    """
    nominal = open_deals[start_col] + pl.duration(days=cycle_days)
    floor = as_of + dt.timedelta(days=1)
    return pl.select(
        pl.when(nominal < floor).then(pl.lit(floor)).otherwise(nominal).alias("expected_close")
    ).to_series()


def fixed_weighted_forecast(
    open_deals: pl.DataFrame,
    probabilities: Mapping[str, float],
    *,
    expected_close: pl.Series,
    period_start: dt.date,
    period_end: dt.date,
) -> float:
    """CRM default: Σ p(stage) × value over open deals whose expected close is in the period."""
    in_period = (expected_close >= period_start) & (expected_close <= period_end)
    p = open_deals["stage"].replace_strict(dict(probabilities), default=0.0, return_dtype=pl.Float64)
    return float((p * open_deals["value"]).filter(in_period).sum())


def _days_between(dates: pl.Series, d: dt.date) -> np.ndarray:
    return pl.select((pl.lit(d) - dates).dt.total_days()).to_series().to_numpy()


def deal_win_probabilities_in_period(
    open_deals: pl.DataFrame,
    tables: TableSource,
    *,
    period_start: dt.date,
    period_end: dt.date,
    fallback: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Per open deal, P(won on a day in [period_start, period_end] | stage, age in stage).

    ``tables`` are outcome tables (from stage entry to won/lost). A stage without history
    uses ``fallback`` (a timing-free probability) or 0.
    """
    n = open_deals.height
    out = np.zeros(n, dtype=np.float64)
    stages = open_deals["stage"].to_numpy()
    entered = open_deals["entered_at"].to_list()
    ages = open_deals["age_days"].to_numpy().astype(np.int64)
    lo_all = _days_between(open_deals["entered_at"], period_start)
    hi_all = _days_between(open_deals["entered_at"], period_end)
    per_entry = callable(tables)
    keys = [(str(s), e if per_entry else None) for s, e in zip(stages, entered, strict=True)]
    groups: dict[tuple[str, dt.date | None], list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    for (stage, entry), rows in groups.items():
        m = np.array(rows)
        table = tables(stage, entry) if callable(tables) else tables.get(stage)
        if table is None or WON not in table.destinations:
            out[m] = (fallback or {}).get(stage, 0.0)
            continue
        out[m] = table.probability_between(WON, ages[m], lo_all[m], hi_all[m])
    return out


def learned_weighted_forecast(
    open_deals: pl.DataFrame,
    tables: TableSource,
    *,
    period_start: dt.date,
    period_end: dt.date,
    fallback: Mapping[str, float] | None = None,
) -> float:
    """Σ value × P(won inside the period | stage, age): the learned weighted pipeline."""
    p = deal_win_probabilities_in_period(
        open_deals, tables, period_start=period_start, period_end=period_end, fallback=fallback
    )
    return float((p * open_deals["value"].to_numpy()).sum())


def arrival_rate(
    entered_at: pl.Series, values: pl.Series, *, as_of: dt.date, lookback_days: int
) -> tuple[float, float, np.ndarray]:
    """Recent rate of new deals entering the pipeline (per day) and their values.

    Uses the entries in ``(as_of - lookback_days, as_of]`` only. Returns
    (rate_per_day, mean_value, the values themselves for resampling).
    """
    if lookback_days <= 0:
        raise ValueError("lookback_days must be > 0")
    lo = as_of - dt.timedelta(days=lookback_days)
    m = ((entered_at > lo) & (entered_at <= as_of)).to_numpy()
    pool = values.to_numpy()[m].astype(np.float64)
    rate = float(m.sum()) / lookback_days
    return rate, (float(pool.mean()) if pool.size else 0.0), pool


def arrival_rate_log_sd(
    entered_at: pl.Series, *, as_of: dt.date, lookback_days: int, min_origins: int = 4
) -> float:
    """How wrong "the next window brings as many new deals as the last one" has been.

    For every weekly origin t with a full window of history before it and a full window
    after it, both on or before ``as_of``, takes log(entries in (t, t+L] / entries in
    (t−L, t]) and returns their standard deviation (0 with fewer than ``min_origins``
    origins or any empty window: no history, no claimed uncertainty).
    """
    dates = np.sort(entered_at.filter(entered_at <= as_of).cast(pl.Int32).to_numpy())
    if dates.size == 0:
        return 0.0
    end = pl.select(pl.lit(as_of).cast(pl.Int32)).item()
    first = int(dates[0])
    origins = np.arange(first - 1 + lookback_days, end - lookback_days + 1, 7)
    if origins.size < min_origins:
        return 0.0

    def count(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return np.searchsorted(dates, hi, side="right") - np.searchsorted(dates, lo, side="right")

    before = count(origins - lookback_days, origins)
    after = count(origins, origins + lookback_days)
    if (before == 0).any() or (after == 0).any():
        return 0.0
    return float(np.std(np.log(after / before), ddof=1))


def expected_new_pipeline(
    *,
    rate_per_day: float,
    mean_value: float,
    table: ExitTable | Callable[[dt.date], ExitTable | None],
    as_of: dt.date,
    period_start: dt.date,
    period_end: dt.date,
) -> float:
    """Expected won value in the period from deals that do not exist yet.

    Deals arrive at ``rate_per_day`` on each day after ``as_of`` up to the period end; a
    deal entering on day t is won inside the period with probability
    CIF_won(end − t) − CIF_won(start − 1 − t), from the same outcome table (or, when
    ``table`` is a function of the entry date, from that day's calendar-aware table).
    """
    n_days = (period_end - as_of).days
    if n_days <= 0 or rate_per_day <= 0:
        return 0.0
    t = np.arange(1, n_days + 1)  # arrival day offsets after as_of
    lo = (period_start - as_of).days - t
    hi = (period_end - as_of).days - t
    if callable(table):
        p = np.array(
            [
                _won_between(table(as_of + dt.timedelta(days=int(ti))), int(l_), int(h_))
                for ti, l_, h_ in zip(t, lo, hi, strict=True)
            ]
        )
    else:
        if WON not in table.destinations:
            return 0.0
        p = table.cif_at(WON, hi) - table.cif_at(WON, lo - 1)
    return float(rate_per_day * mean_value * np.clip(p, 0.0, 1.0).sum())


def _won_between(table: ExitTable | None, lo: int, hi: int) -> float:
    if table is None or WON not in table.destinations:
        return 0.0
    return float(table.cif_at(WON, hi) - table.cif_at(WON, lo - 1))


def fixed_new_pipeline(
    *,
    rate_per_day: float,
    mean_value: float,
    probability: float,
    cycle_days: int,
    as_of: dt.date,
    period_start: dt.date,
    period_end: dt.date,
) -> float:
    """The CRM-default counterpart: new deals at the fixed entry-stage probability, dated
    ``cycle_days`` after they arrive; counted if that date is inside the period."""
    n_days = (period_end - as_of).days
    if n_days <= 0 or rate_per_day <= 0:
        return 0.0
    close = np.arange(1, n_days + 1) + cycle_days
    lo, hi = (period_start - as_of).days, (period_end - as_of).days
    n_in = int(((close >= lo) & (close <= hi)).sum())
    return float(rate_per_day * mean_value * probability * n_in)
