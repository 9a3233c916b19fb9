"""Time-to-exit tables for one pipeline stage, learned with censoring (Aalen–Johansen).

Why not just average the durations of closed deals? At any snapshot the deals that are
still open are exactly the slow ones, so "durations of deals closed so far" is biased
towards fast exits, and "share of closed deals that were won" is biased towards whichever
outcome happens faster (in the Maven data losses come much sooner than wins). The
Aalen–Johansen estimator uses every deal: a closed deal contributes its exit day and
destination, an open deal contributes "still here at age a" (right-censoring). Deals that
entered the stage before the history was recorded can be given a delayed entry
(left-truncation) so the empty pre-history is not read as "nobody ever closed".

Durations are whole days. ``cif[k, t]`` is the probability, from entering the stage, of
having left it to destination ``k`` on or before day ``t``; whatever mass is left after the
last observed day never leaves within what history can tell (stale deals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class ExitTable:
    """Cumulative incidence of each exit destination by day spent in a stage."""

    destinations: tuple[str, ...]
    cif: NDArray[np.float64]  # shape (K, T + 1), non-decreasing in t
    n_spells: int
    n_exits: int

    @property
    def max_day(self) -> int:
        return int(self.cif.shape[1] - 1)

    @property
    def survival(self) -> NDArray[np.float64]:
        """P(still in the stage after day t), for t = 0..T."""
        exited: NDArray[np.float64] = self.cif.sum(axis=0)
        return np.clip(1.0 - exited, 0.0, 1.0)

    def index(self, destination: str) -> int:
        return self.destinations.index(destination)

    def cif_at(self, destination: str, days: ArrayLike) -> NDArray[np.float64]:
        """CIF of ``destination`` at integer ``days``: 0 before day 0, flat after the last day."""
        row = self.cif[self.index(destination)]
        d = np.asarray(days, dtype=np.int64)
        out = row[np.clip(d, 0, self.max_day)]
        return np.where(d < 0, 0.0, out)

    def survival_at(self, days: ArrayLike) -> NDArray[np.float64]:
        """Survival at integer ``days`` (1 before day 0, flat after the last day)."""
        s = self.survival
        d = np.asarray(days, dtype=np.int64)
        return np.where(d < 0, 1.0, s[np.clip(d, 0, self.max_day)])

    def eventual_share(self, destination: str) -> float:
        """P(ever leaving to ``destination``) within observed history."""
        return float(self.cif[self.index(destination), -1])

    def probability_between(
        self, destination: str, age: ArrayLike, lo: ArrayLike, hi: ArrayLike
    ) -> NDArray[np.float64]:
        """P(leave to ``destination`` on a day in [lo, hi] | still in the stage after day ``age``).

        ``lo``/``hi`` are days since entering the stage; ``lo`` is raised to ``age + 1``
        because a deal known open at ``age`` cannot exit earlier. Zero where the deal is
        older than anything history can speak for (survival 0 is guarded against too).
        """
        a = np.asarray(age, dtype=np.int64)
        lo_ = np.maximum(np.asarray(lo, dtype=np.int64), a + 1)
        hi_ = np.asarray(hi, dtype=np.int64)
        num = self.cif_at(destination, hi_) - self.cif_at(destination, lo_ - 1)
        den = self.survival_at(a)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where((den > 0) & (hi_ >= lo_), num / den, 0.0)
        return np.clip(p, 0.0, 1.0)


#: Destination name per spell, ``None`` while it is still open (an array of objects or
#: a sequence; NumPy's ``ArrayLike`` has no place for the ``None``).
Destinations = Sequence[str | None] | NDArray[Any]


def fit_hazards(
    durations: ArrayLike,
    destinations: Destinations,
    *,
    destination_names: tuple[str, ...] | None = None,
    entry: ArrayLike | None = None,
) -> tuple[tuple[str, ...], NDArray[np.float64], int, int]:
    """Discrete cause-specific hazards ``h[k, t] = exits to k on day t / at risk on day t``.

    ``durations``: whole days in the stage (exit day, or age at the snapshot if still open).
    ``destinations``: destination name per spell, ``None`` when the spell is still open
    (censored). ``entry``: optional delayed-entry day per spell (left-truncation): the spell
    only counts as "at risk" from that day on. Returns (names, hazard, n_spells, n_exits).
    """
    dur = np.asarray(durations, dtype=np.int64)
    dest_list = list(np.asarray(destinations, dtype=object))
    if dur.ndim != 1 or len(dest_list) != dur.shape[0]:
        raise ValueError("durations and destinations must be 1-D and of equal length")
    if (dur < 0).any():
        raise ValueError("durations must be >= 0")
    names = destination_names or tuple(sorted({d for d in dest_list if d is not None}))
    if not names:
        names = ("won",)
    code = {n: i for i, n in enumerate(names)}
    unknown = {d for d in dest_list if d is not None and d not in code}
    if unknown:
        raise ValueError(f"destinations not in destination_names: {sorted(unknown)}")
    k_of = np.array([code[d] if d is not None else -1 for d in dest_list], dtype=np.int64)
    ent = np.zeros_like(dur) if entry is None else np.minimum(np.asarray(entry, dtype=np.int64), dur)
    ent = np.maximum(ent, 0)

    t_max = int(dur.max()) if dur.size else 0
    size = t_max + 1
    entries = np.bincount(ent, minlength=size)[:size]
    leaves = np.bincount(dur, minlength=size)[:size]  # every spell leaves the risk set after its day
    at_risk = np.cumsum(entries) - np.concatenate(([0], np.cumsum(leaves)[:-1]))
    events = np.zeros((len(names), size), dtype=np.float64)
    for k in range(len(names)):
        events[k] = np.bincount(dur[k_of == k], minlength=size)[:size]
    hazard = np.where(at_risk > 0, events / np.maximum(at_risk, 1), 0.0)
    return tuple(names), hazard, int(dur.size), int((k_of >= 0).sum())


def cif_from_hazard(hazard: NDArray[np.float64]) -> NDArray[np.float64]:
    """Aalen–Johansen product-limit: CIF_k(t) = Σ_{u≤t} S(u−1)·h_k(u)."""
    total = np.clip(hazard.sum(axis=0), 0.0, 1.0)
    surv = np.cumprod(1.0 - total)
    surv_before = np.concatenate(([1.0], surv[:-1]))
    return np.cumsum(surv_before * hazard, axis=1)


def fit_exit_table(
    durations: ArrayLike,
    destinations: Destinations,
    *,
    destination_names: tuple[str, ...] | None = None,
    entry: ArrayLike | None = None,
) -> ExitTable:
    """Aalen–Johansen estimate from spells (arguments as in :func:`fit_hazards`)."""
    names, hazard, n_spells, n_exits = fit_hazards(
        durations, destinations, destination_names=destination_names, entry=entry
    )
    return ExitTable(destinations=names, cif=cif_from_hazard(hazard), n_spells=n_spells, n_exits=n_exits)
