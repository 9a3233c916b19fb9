"""Baselines a sceptic would try first: run-rate and seasonal naive.

A forecast method earns its place only if it beats these on the same history. Both read
nothing but the revenue already won (the day each deal was won and its value) up to the
forecast date ``as_of``: no open pipeline, no probabilities. Both forecast the revenue won
in the days still to come of a period, ``max(period_start, as_of + 1)`` … ``period_end``.

- **Run-rate**: won revenue per day over the trailing look-back (13 weeks by default) ×
  the days still to come in the period.
- **Seasonal naive**: what was won in the same days of an earlier season that has
  ended (seasons are fiscal quarters): with a cycle of one quarter, the rest of this
  quarter is forecast by the same days of last quarter and next quarter by the whole of
  the last quarter that has ended; with a cycle of four, by the same days a year earlier.

``observed_from`` is the first day revenue was recorded at all (e.g. an imported history
that starts mid-way): a look-back or a season reaching before it would read "nothing was
won" where nothing was *recorded*, so the run-rate shortens its look-back and seasonal
naive gives no forecast (None) rather than a false zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from hamsu.analytics.forecasting.snapshots import quarter_end, quarter_start

#: The season containing a day, as (first day, last day): in practice a fiscal quarter.
Season = Callable[[dt.date], tuple[dt.date, dt.date]]

DAY = dt.timedelta(days=1)


def days_to_come(
    as_of: dt.date, period_start: dt.date, period_end: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The part of the period after ``as_of`` (None once the period has ended)."""
    lo = max(period_start, as_of + DAY)
    return (lo, period_end) if lo <= period_end else None


def won_between(won_on: pl.Series, won_value: pl.Series, lo: dt.date, hi: dt.date) -> float:
    """Σ value of the deals won on a day in [lo, hi]."""
    inside = (won_on >= lo) & (won_on <= hi)
    return float(won_value.filter(inside).sum())


def _known(won_on: pl.Series, won_value: pl.Series, as_of: dt.date) -> tuple[pl.Series, pl.Series]:
    # What was won after as_of is not known at as_of, whatever the caller passed in.
    seen = won_on <= as_of
    return won_on.filter(seen), won_value.filter(seen)


def run_rate_forecast(
    won_on: pl.Series,
    won_value: pl.Series,
    *,
    as_of: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    lookback_days: int = 91,
    observed_from: dt.date | None = None,
) -> float | None:
    """Trailing run-rate: won per day over ``(as_of − lookback_days, as_of]`` × days to come.

    The look-back is cut at ``observed_from``; None if nothing of it was observed.
    """
    if lookback_days <= 0:
        raise ValueError("lookback_days must be > 0")
    window = days_to_come(as_of, period_start, period_end)
    if window is None:
        return 0.0
    lo = as_of - dt.timedelta(days=lookback_days - 1)
    if observed_from is not None:
        lo = max(lo, observed_from)
    observed_days = (as_of - lo).days + 1
    if observed_days <= 0:
        return None
    on, value = _known(won_on, won_value, as_of)
    per_day = won_between(on, value, lo, as_of) / observed_days
    return per_day * ((window[1] - window[0]).days + 1)


def same_days_last_season(lo: dt.date, hi: dt.date, season: Season) -> tuple[dt.date, dt.date]:
    """The days of the previous season at the same offsets from its start as [lo, hi].

    A window reaching its season's last day maps to the previous season's last day, so a
    whole quarter maps to the whole previous quarter whatever their lengths.
    """
    start, end = season(lo)
    if season(hi) != (start, end):
        raise ValueError(f"{lo}…{hi} spans more than one season")
    prev_start, prev_end = season(start - DAY)
    new_lo = min(prev_start + (lo - start), prev_end)
    new_hi = prev_end if hi == end else min(prev_start + (hi - start), prev_end)
    return new_lo, new_hi


def seasonal_naive_forecast(
    won_on: pl.Series,
    won_value: pl.Series,
    *,
    as_of: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    season: Season,
    cycle: int = 1,
    observed_from: dt.date | None = None,
) -> float | None:
    """Won in the same days ``cycle`` seasons back, stepping back again until those had ended.

    With quarters as seasons, ``cycle=1`` reads the last quarter that has ended and
    ``cycle=4`` the same quarter a year earlier. None when those days start before
    ``observed_from`` (history too short).
    """
    if cycle < 1:
        raise ValueError("cycle must be >= 1")
    window = days_to_come(as_of, period_start, period_end)
    if window is None:
        return 0.0
    lo, hi = window
    while hi > as_of:
        for _step in range(cycle):
            lo, hi = same_days_last_season(lo, hi, season)
    if observed_from is not None and lo < observed_from:
        return None
    on, value = _known(won_on, won_value, as_of)
    return won_between(on, value, lo, hi)


def calendar_quarter(d: dt.date) -> tuple[dt.date, dt.date]:
    """The Gregorian calendar quarter containing ``d`` (a :data:`Season`)."""
    return quarter_start(d), quarter_end(d)


__all__ = [
    "Season",
    "calendar_quarter",
    "days_to_come",
    "run_rate_forecast",
    "same_days_last_season",
    "seasonal_naive_forecast",
    "won_between",
]
