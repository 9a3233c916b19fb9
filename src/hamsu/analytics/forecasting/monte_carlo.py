"""Monte Carlo forecast: simulate every open deal (and not-yet-created deals) through stages.

Each deal in stage s, known to have been there ``age`` days, draws its exit day and
destination jointly from the stage's empirical exit table conditioned on "still there
after ``age`` days" (so stale deals rarely move), moves to the next stage with age 0 and
repeats, until it is won, lost, never leaves within observed history, or passes the last
window. A win inside a window adds the deal's value to that draw. The draws give the
P10/P50/P90 of won revenue per window. All draws of a chunk are simulated together as flat
NumPy arrays; the generator is seeded, so a forecast is reproducible.

Day offsets are relative to the snapshot date: offset 1 is the day after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hamsu.analytics.forecasting.snapshots import WON
from hamsu.analytics.forecasting.survival import ExitTable

_WON_CODE = -1
_OTHER_TERMINAL = -2


@dataclass(frozen=True)
class Window:
    """Inclusive day offsets after the snapshot: [lo, hi]."""

    lo: int
    hi: int


@dataclass(frozen=True)
class Arrivals:
    """New deals entering ``stage`` as a Poisson process, values resampled from ``values``."""

    rate_per_day: float
    stage: str
    values: NDArray[np.float64]


@dataclass(frozen=True)
class MonteCarloForecast:
    """Simulated won value: ``draws[w, i]`` for window w, draw i."""

    draws: NDArray[np.float64]

    def quantiles(self, q: Sequence[float] = (0.1, 0.5, 0.9)) -> NDArray[np.float64]:
        """Shape (len(q), n_windows)."""
        return np.quantile(self.draws, q, axis=1)

    @property
    def mean(self) -> NDArray[np.float64]:
        return self.draws.mean(axis=1)


@dataclass(frozen=True)
class _Compiled:
    cum: list[NDArray[np.float64]]  # per stage: flattened cumulative mass over (day, dest)
    n_dest: list[int]
    dest_code: list[NDArray[np.int64]]  # per stage: destination → stage index / _WON_CODE / _OTHER_TERMINAL
    has_table: NDArray[np.bool_]


def _compile(tables: Mapping[str, ExitTable], stage_names: list[str]) -> _Compiled:
    index = {s: i for i, s in enumerate(stage_names)}
    cum, n_dest, codes, has = [], [], [], []
    for s in stage_names:
        t = tables.get(s)
        if t is None:
            cum.append(np.zeros(1))
            n_dest.append(1)
            codes.append(np.array([_OTHER_TERMINAL]))
            has.append(False)
            continue
        mass = np.diff(t.cif, axis=1, prepend=0.0)  # (K, T+1)
        cum.append(np.cumsum(np.clip(mass, 0.0, None).T.ravel()))
        n_dest.append(len(t.destinations))
        codes.append(
            np.array(
                [_WON_CODE if d == WON else index.get(d, _OTHER_TERMINAL) for d in t.destinations],
                dtype=np.int64,
            )
        )
        has.append(True)
    return _Compiled(cum, n_dest, codes, np.array(has, dtype=bool))


def _sample_exit(
    rng: np.random.Generator, cum: NDArray[np.float64], n_dest: int, known: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """Draw (exit day, destination index, exits?) conditioned on no exit on days ≤ known."""
    n_days = cum.size // n_dest
    base_idx = (np.clip(known, -1, n_days - 1) + 1) * n_dest - 1
    base = np.where(known < 0, 0.0, cum[np.maximum(base_idx, 0)])
    target = base + rng.random(known.size) * (1.0 - base)
    idx = np.searchsorted(cum, target, side="right")
    exits = idx < cum.size
    idx = np.minimum(idx, cum.size - 1)
    return idx // n_dest, idx % n_dest, exits


def simulate_won_value(
    stages: ArrayLike,
    ages: ArrayLike,
    values: ArrayLike,
    tables: Mapping[str, ExitTable],
    windows: Sequence[Window],
    *,
    n_draws: int = 10_000,
    seed: int = 0,
    arrivals: Arrivals | None = None,
    chunk_elements: int = 2_000_000,
    max_steps: int = 64,
) -> MonteCarloForecast:
    """Simulate won value per window for open deals (stage, days already in stage, value).

    ``tables`` are stage exit tables (destinations: other stages, ``won`` or any other
    terminal); a stage without a table cannot move (its deals contribute nothing), which
    is the honest answer when there is no history for it.
    """
    st = np.asarray(stages, dtype=object)
    ag = np.asarray(ages, dtype=np.int64)
    val = np.asarray(values, dtype=np.float64)
    if not (st.shape == ag.shape == val.shape):
        raise ValueError("stages, ages and values must have the same length")
    if n_draws <= 0:
        raise ValueError("n_draws must be > 0")
    stage_names = sorted(set(tables) | {str(s) for s in st} | ({arrivals.stage} if arrivals else set()))
    comp = _compile(tables, stage_names)
    sidx = np.array([stage_names.index(str(s)) for s in st], dtype=np.int64)
    lo = np.array([w.lo for w in windows], dtype=np.int64)
    hi = np.array([w.hi for w in windows], dtype=np.int64)
    horizon = int(hi.max()) if hi.size else 0
    rng = np.random.default_rng(seed)
    out = np.zeros((len(windows), n_draws), dtype=np.float64)

    exp_arrivals = arrivals.rate_per_day * horizon if arrivals else 0.0
    per_draw = max(1.0, st.size + exp_arrivals)
    chunk = int(max(1, min(n_draws, chunk_elements // per_draw)))
    for first in range(0, n_draws, chunk):
        n = min(chunk, n_draws - first)
        draw = np.repeat(np.arange(first, first + n), st.size)
        stage = np.tile(sidx, n)
        entered = np.tile(-ag, n)  # offset of stage entry relative to the snapshot
        known = np.tile(ag, n)  # days known survived in the current stage (-1: none)
        value = np.tile(val, n)
        if arrivals is not None and arrivals.rate_per_day > 0 and horizon > 0 and arrivals.values.size:
            counts = rng.poisson(arrivals.rate_per_day * horizon, size=n)
            total = int(counts.sum())
            draw = np.concatenate([draw, np.repeat(np.arange(first, first + n), counts)])
            stage = np.concatenate([stage, np.full(total, stage_names.index(arrivals.stage))])
            entered = np.concatenate([entered, rng.integers(1, horizon + 1, size=total)])
            known = np.concatenate([known, np.full(total, -1)])
            value = np.concatenate([value, rng.choice(arrivals.values, size=total)])
        active = comp.has_table[stage] & (entered <= horizon)
        for _ in range(max_steps):
            if not active.any():
                break
            for s in np.unique(stage[active]):
                m = np.flatnonzero(active & (stage == s))
                day, k, exits = _sample_exit(rng, comp.cum[s], comp.n_dest[s], known[m])
                exit_at = entered[m] + day
                code = comp.dest_code[s][k]
                won = exits & (code == _WON_CODE)
                for w in range(len(windows)):
                    hit = won & (exit_at >= lo[w]) & (exit_at <= hi[w])
                    if hit.any():
                        np.add.at(out[w], draw[m[hit]], value[m[hit]])
                moves = exits & (code >= 0) & (exit_at <= horizon)
                mv = m[moves]
                stage[mv] = code[moves]
                entered[mv] = exit_at[moves]
                known[mv] = -1
                active[m[~moves]] = False
                active[mv] = comp.has_table[stage[mv]]
    return MonteCarloForecast(draws=out)
