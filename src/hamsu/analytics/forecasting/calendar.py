"""Calendar-aware exit tables: the hazard also depends on how many quarter ends a deal has crossed.

B2B selling runs on the fiscal calendar: deals are pushed to close by quarter end, and a
deal that slips past the *next* quarter end is usually dead. A duration-only exit table
cannot see this (a deal engaged on 30 March and one engaged on 2 January look the same at
day 90), so it keeps giving old, slipped deals a future. Here each stage spell is split at
quarter boundaries into "quarter-lag" strata (0 = the quarter the deal entered the stage,
1 = the next quarter, …, ``max_lag`` = that or later), a hazard is learned per stratum
with delayed entry (each segment is at risk only from the day its stratum starts), and the
exit table of a deal is stitched from the strata along its own calendar.

Still censoring-aware and still learned only from history known at the snapshot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from numpy.typing import NDArray

from hamsu.analytics.forecasting.survival import ExitTable, cif_from_hazard, fit_hazards


def _quarter_start_after(d: dt.date, k: int) -> dt.date:
    """First day of the k-th quarter after the one containing ``d`` (k = 0: its own start)."""
    q = d.year * 4 + (d.month - 1) // 3 + k
    return dt.date(q // 4, 3 * (q % 4) + 1, 1)


def lag_starts(entered: dt.date, max_lag: int) -> NDArray[np.int64]:
    """Day (since entering) on which each quarter-lag stratum 0..max_lag begins."""
    return np.array(
        [0] + [(_quarter_start_after(entered, k) - entered).days for k in range(1, max_lag + 1)],
        dtype=np.int64,
    )


@dataclass
class CalendarHazards:
    """Cause-specific hazards per quarter-lag stratum: ``hazard[lag, k, t]``."""

    destinations: tuple[str, ...]
    hazard: NDArray[np.float64]
    max_lag: int
    _cache: dict[dt.date, ExitTable] = field(default_factory=dict, repr=False)

    def table_for(self, entered: dt.date) -> ExitTable:
        """The exit table of a deal that entered the stage on ``entered``."""
        hit = self._cache.get(entered)
        if hit is not None:
            return hit
        n_days = self.hazard.shape[2]
        starts = lag_starts(entered, self.max_lag)
        lag = np.searchsorted(starts, np.arange(n_days), side="right") - 1
        path = self.hazard[lag, :, np.arange(n_days)].T  # (K, T+1)
        table = ExitTable(destinations=self.destinations, cif=cif_from_hazard(path), n_spells=0, n_exits=0)
        self._cache[entered] = table
        return table


def fit_calendar_hazards(
    spells: pl.DataFrame,
    *,
    destination_col: str,
    destination_names: tuple[str, ...],
    max_lag: int = 2,
    observed_from: dt.date | None = None,
) -> CalendarHazards:
    """Learn per-stratum hazards from spells (entered_at, days, ``destination_col``).

    Each spell contributes one segment per stratum it reached: at risk from the stratum's
    first day (or from ``observed_from``, whichever is later) to its exit or censoring day,
    or to the stratum's last day if it lived on into the next one.
    """
    entered = spells["entered_at"].to_list()
    days = spells["days"].to_numpy().astype(np.int64)
    dest = spells[destination_col].to_list()
    starts = (
        np.stack([lag_starts(e, max_lag) for e in entered]) if entered else np.zeros((0, max_lag + 1), int)
    )
    trunc = (
        np.array([max((observed_from - e).days, 0) for e in entered], dtype=np.int64)
        if observed_from is not None
        else np.zeros(len(entered), dtype=np.int64)
    )
    t_len = int(days.max()) + 1 if days.size else 1
    hazard = np.zeros((max_lag + 1, len(destination_names), t_len))
    for lag in range(max_lag + 1):
        s = starts[:, lag] if len(entered) else np.zeros(0, int)
        e = (
            starts[:, lag + 1] - 1
            if lag < max_lag and len(entered)
            else np.full(len(entered), np.iinfo(np.int64).max)
        )
        entry = np.maximum(s, trunc)
        m = (days >= s) & (entry <= np.minimum(days, e))
        if not m.any():
            continue
        seg_dur = np.minimum(days[m], e[m])
        seg_dest = [
            d if dd <= ee else None
            for d, dd, ee in zip(np.asarray(dest, dtype=object)[m], days[m], e[m], strict=True)
        ]
        _, h, _, _ = fit_hazards(seg_dur, seg_dest, destination_names=destination_names, entry=entry[m])
        hazard[lag, :, : h.shape[1]] = h[:, :t_len]
    return CalendarHazards(destinations=destination_names, hazard=hazard, max_lag=max_lag)


def fit_calendar_tables(
    spells: pl.DataFrame,
    *,
    destination_col: str,
    destination_names: tuple[str, ...] | None = None,
    max_lag: int = 2,
    observed_from: dt.date | None = None,
) -> dict[str, CalendarHazards]:
    """:func:`fit_calendar_hazards` per stage (``spells`` has a ``stage`` column)."""
    out: dict[str, CalendarHazards] = {}
    for (stage,), part in spells.group_by(["stage"], maintain_order=True):
        names = destination_names or tuple(
            sorted({d for d in part[destination_col].to_list() if d is not None})
        )
        out[str(stage)] = fit_calendar_hazards(
            part,
            destination_col=destination_col,
            destination_names=names or ("won", "lost"),
            max_lag=max_lag,
            observed_from=observed_from,
        )
    return out
