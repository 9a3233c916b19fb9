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

from collections.abc import Callable, Mapping, Sequence
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
    """New deals entering ``stage`` as a Poisson process, values resampled from ``values``.

    ``rate_log_sd`` > 0 makes the rate itself uncertain: each draw scales it by a
    mean-one log-normal factor exp(σZ − σ²/2), so the spread also covers "next quarter
    brings more or fewer new deals than the last one", not only Poisson chance.
    """

    rate_per_day: float
    stage: str
    values: NDArray[np.float64]
    rate_log_sd: float = 0.0


@dataclass(frozen=True)
class MonteCarloForecast:
    """Simulated won value: ``draws[w, i]`` for window w, draw i."""

    draws: NDArray[np.float64]

    def quantiles(self, q: Sequence[float] = (0.1, 0.5, 0.9)) -> NDArray[np.float64]:
        """Shape (len(q), n_windows)."""
        return np.quantile(self.draws, q, axis=1)

    @property
    def mean(self) -> NDArray[np.float64]:
        mean: NDArray[np.float64] = self.draws.mean(axis=1)
        return mean


TableFor = Callable[[str, int], "ExitTable | None"]


class _TableBook:
    """Exit tables compiled for sampling, addressed by an integer id.

    All compiled cumulative arrays live in one concatenated array, table g shifted by +g,
    so one ``searchsorted`` samples every element whatever its table: a target for table g
    lies in [g, g + 1) and can only land inside g's block (or just past it: no exit).
    """

    def __init__(self, stage_names: list[str], table_for: TableFor) -> None:
        self.stage_names = stage_names
        self.stage_index = {s: i for i, s in enumerate(stage_names)}
        self.table_for = table_for
        self.ids: dict[tuple[int, int], int] = {}
        self.cum: list[NDArray[np.float64]] = []
        self.n_dest: list[int] = []
        self.codes: list[NDArray[np.int64]] = []
        self.moves: list[bool] = []
        self.won_cif: list[NDArray[np.float64]] = []
        self.terminal_only: list[bool] = []
        self._concat: NDArray[np.float64] | None = None

    def _add(self, stage: int, offset: int) -> int:
        table = self.table_for(self.stage_names[stage], offset)
        g = len(self.cum)
        if table is None:
            self.cum.append(np.zeros(1))
            self.n_dest.append(1)
            self.codes.append(np.array([_OTHER_TERMINAL]))
            self.moves.append(False)
            self.won_cif.append(np.zeros(1))
            self.terminal_only.append(True)
        else:
            mass = np.clip(np.diff(table.cif, axis=1, prepend=0.0), 0.0, None)
            self.cum.append(np.minimum(np.cumsum(mass.T.ravel()), 1.0 - 1e-9))
            self.n_dest.append(len(table.destinations))
            self.codes.append(
                np.array(
                    [
                        _WON_CODE if d == WON else self.stage_index.get(d, _OTHER_TERMINAL)
                        for d in table.destinations
                    ],
                    dtype=np.int64,
                )
            )
            self.moves.append(True)
            self.won_cif.append(table.cif[table.index(WON)] if WON in table.destinations else np.zeros(1))
            self.terminal_only.append(bool((self.codes[-1] < 0).all()))
        self.ids[(stage, offset)] = g
        self._concat = None
        return g

    def lookup(
        self, stage: NDArray[np.int64], offset: NDArray[np.int64], by_offset: bool
    ) -> NDArray[np.int64]:
        """Table id per element (keyed by stage, and by stage-entry offset when calendar-aware)."""
        off = offset if by_offset else np.zeros_like(offset)
        key = stage * (1 << 32) + (off + (1 << 31))
        uniq, inv = np.unique(key, return_inverse=True)
        ids = np.empty(uniq.size, dtype=np.int64)
        for j, k in enumerate(uniq):
            pair = (int(k >> 32), int((k & ((1 << 32) - 1)) - (1 << 31)))
            ids[j] = self.ids.get(pair, -1)
            if ids[j] < 0:
                ids[j] = self._add(*pair)
        return ids[inv]

    def _arrays(self) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        if self._concat is None:
            self._concat = np.concatenate([c + g for g, c in enumerate(self.cum)])
            self._start = np.concatenate(([0], np.cumsum([c.size for c in self.cum])[:-1])).astype(np.int64)
            self._len = np.array([c.size for c in self.cum], dtype=np.int64)
            self._k = np.array(self.n_dest, dtype=np.int64)
            self._codes = np.concatenate(self.codes)
            self._code_start = np.concatenate(([0], np.cumsum(self.n_dest)[:-1])).astype(np.int64)
        return self._concat, self._start, self._len, self._k

    def sample(
        self, rng: np.random.Generator, table: NDArray[np.int64], known: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
        """Draw (exit day, destination code, exits?) per element, given no exit on days ≤ known."""
        concat, start, length, n_dest = self._arrays()
        k = n_dest[table]
        n_days = length[table] // k
        local_base = (np.clip(known, -1, n_days - 1) + 1) * k - 1
        base = np.where(known < 0, 0.0, concat[start[table] + np.maximum(local_base, 0)] - table)
        target = table + base + rng.random(table.size) * (1.0 - base)
        local = np.searchsorted(concat, target, side="right") - start[table]
        exits = local < length[table]
        local = np.minimum(local, length[table] - 1)
        day, dest = local // k, local % k
        return day, self._codes[self._code_start[table] + dest], exits


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
    table_for: TableFor | None = None,
    chunk_elements: int = 2_000_000,
    max_steps: int = 64,
) -> MonteCarloForecast:
    """Simulate won value per window for open deals (stage, days already in stage, value).

    ``tables`` are stage exit tables (destinations: other stages, ``won`` or any other
    terminal); a stage without a table cannot move (its deals contribute nothing), which
    is the honest answer when there is no history for it. ``table_for(stage, offset)``,
    when given, replaces ``tables`` with a table per stage *and* day of entering it
    (offset relative to the snapshot, negative in the past) — for calendar-aware tables.
    """
    st = np.asarray(stages, dtype=object)
    ag = np.asarray(ages, dtype=np.int64)
    val = np.asarray(values, dtype=np.float64)
    if not (st.shape == ag.shape == val.shape):
        raise ValueError("stages, ages and values must have the same length")
    if n_draws <= 0:
        raise ValueError("n_draws must be > 0")
    stage_names = sorted(set(tables) | {str(s) for s in st} | ({arrivals.stage} if arrivals else set()))
    by_offset = table_for is not None
    book = _TableBook(stage_names, table_for if table_for is not None else (lambda s, _o: tables.get(s)))
    sidx = np.array([book.stage_index[str(s)] for s in st], dtype=np.int64)
    lo = np.array([w.lo for w in windows], dtype=np.int64)
    hi = np.array([w.hi for w in windows], dtype=np.int64)
    horizon = int(hi.max()) if hi.size else 0
    rng = np.random.default_rng(seed)
    out = np.zeros((len(windows), n_draws), dtype=np.float64)

    # Tables are resolved once per deal (and once per arrival day), and elements are laid
    # out sorted by table so the one big searchsorted walks memory in order.
    base_table = book.lookup(sidx, -ag, by_offset)
    order = np.argsort(base_table, kind="stable")
    sidx, ag, val, base_table = sidx[order], ag[order], val[order], base_table[order]
    arrival_table = np.zeros(horizon + 1, dtype=np.int64)
    if arrivals is not None and horizon > 0:
        offsets = np.arange(horizon + 1, dtype=np.int64)
        arrival_table = book.lookup(
            np.full(horizon + 1, book.stage_index[arrivals.stage]), offsets, by_offset
        )

    # When arrivals can only end won or lost straight from their entry stage, the arrivals
    # won inside window w form a Poisson process of their own (Poisson splitting): draw
    # their number from Poisson(rate · Σ_t P(won in w | entered on day t)) instead of
    # simulating every arrival — exact, and an order of magnitude cheaper.
    split_means: NDArray[np.float64] | None = None
    if (
        arrivals is not None
        and arrivals.rate_per_day > 0
        and horizon > 0
        and arrivals.values.size
        and all(book.terminal_only[g] for g in np.unique(arrival_table[1:]))
    ):
        split_means = np.zeros(len(windows))
        for t in range(1, horizon + 1):
            cif = book.won_cif[int(arrival_table[t])]
            for w in range(len(windows)):
                a, b = int(lo[w]) - t, int(hi[w]) - t
                if b < 0:
                    continue
                upper = cif[min(b, cif.size - 1)]
                lower = cif[min(a - 1, cif.size - 1)] if a - 1 >= 0 else 0.0
                split_means[w] += max(upper - lower, 0.0)
        split_means *= arrivals.rate_per_day
        simulate_arrivals = False
    else:
        simulate_arrivals = arrivals is not None

    exp_arrivals = arrivals.rate_per_day * horizon if simulate_arrivals and arrivals else 0.0
    per_draw = max(1.0, st.size + exp_arrivals)
    chunk = int(max(1, min(n_draws, chunk_elements // per_draw)))
    for first in range(0, n_draws, chunk):
        n = min(chunk, n_draws - first)
        draw = np.repeat(np.arange(first, first + n), st.size)
        stage = np.tile(sidx, n)
        entered = np.tile(-ag, n)  # offset of stage entry relative to the snapshot
        known = np.tile(ag, n)  # days known survived in the current stage (-1: none)
        value = np.tile(val, n)
        table = np.tile(base_table, n)
        rate_factor = np.ones(n)
        if arrivals is not None and arrivals.rate_log_sd > 0:
            sd = arrivals.rate_log_sd
            rate_factor = np.exp(sd * rng.standard_normal(n) - 0.5 * sd * sd)
        if split_means is not None and arrivals is not None:
            for w in range(len(windows)):
                counts = rng.poisson(split_means[w] * rate_factor)
                won_values = rng.choice(arrivals.values, size=int(counts.sum()))
                owner = np.repeat(np.arange(n), counts)
                out[w, first : first + n] += np.bincount(owner, weights=won_values, minlength=n)
        elif simulate_arrivals and arrivals is not None and arrivals.rate_per_day > 0 and horizon > 0:
            counts = rng.poisson(arrivals.rate_per_day * horizon * rate_factor)
            total = int(counts.sum())
            arr_at = rng.integers(1, horizon + 1, size=total)
            arr_draw = np.repeat(np.arange(first, first + n), counts)
            arr_val = rng.choice(arrivals.values, size=total)
            o = np.argsort(arr_at, kind="stable")
            arr_at, arr_draw, arr_val = arr_at[o], arr_draw[o], arr_val[o]
            draw = np.concatenate([draw, arr_draw])
            stage = np.concatenate([stage, np.full(total, book.stage_index[arrivals.stage])])
            entered = np.concatenate([entered, arr_at])
            known = np.concatenate([known, np.full(total, -1)])
            value = np.concatenate([value, arr_val])
            table = np.concatenate([table, arrival_table[arr_at]])
        active = np.array(book.moves, dtype=bool)[table] & (entered <= horizon)
        for _ in range(max_steps):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            day, code, exits = book.sample(rng, table[idx], known[idx])
            exit_at = entered[idx] + day
            won = exits & (code == _WON_CODE)
            for w in range(len(windows)):
                hit = won & (exit_at >= lo[w]) & (exit_at <= hi[w])
                if hit.any():
                    out[w, first : first + n] += np.bincount(
                        draw[idx[hit]] - first, weights=value[idx[hit]], minlength=n
                    )
            moves = exits & (code >= 0) & (exit_at <= horizon)
            mv = idx[moves]
            active[idx[~moves]] = False
            if mv.size:
                stage[mv] = code[moves]
                entered[mv] = exit_at[moves]
                known[mv] = -1
                table[mv] = book.lookup(stage[mv], entered[mv], by_offset)
                active[mv] = np.array(book.moves, dtype=bool)[table[mv]]
    return MonteCarloForecast(draws=out)


def simulate_independent_wins(
    probabilities: ArrayLike,
    values: ArrayLike,
    *,
    arrival_values: ArrayLike = (),
    arrival_wins: float = 0.0,
    n_draws: int = 1000,
    seed: int = 0,
    chunk_elements: int = 4_000_000,
) -> MonteCarloForecast:
    """Won value when each deal i is won independently with ``probabilities[i]``, plus
    Poisson(``arrival_wins``) deals still to come, each worth a value drawn from
    ``arrival_values``.

    This is the distribution whose mean is the learned weighted forecast: with the
    per-deal probabilities of :func:`deal_win_probabilities_in_period` and the expected
    new wins of :func:`expected_new_pipeline`, it is what :func:`simulate_won_value`
    simulates with outcome tables (one jump from a stage to won or lost), reduced to
    what a subset of the deals needs — so any subset's range comes from the same model
    as its point forecast. One window; ``draws`` has shape (1, n_draws).
    """
    p = np.asarray(probabilities, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    pool = np.asarray(arrival_values, dtype=np.float64)
    if p.shape != v.shape:
        raise ValueError("probabilities and values must have the same length")
    if n_draws <= 0:
        raise ValueError("n_draws must be > 0")
    rng = np.random.default_rng(seed)
    out = np.zeros(n_draws, dtype=np.float64)
    sure = p >= 1.0
    out += float(v[sure].sum())
    # Deals that cannot be won in the period add nothing and cost nothing to simulate.
    live = (p > 0.0) & ~sure
    p_live, v_live = p[live], v[live]
    if p_live.size:
        chunk = max(1, min(n_draws, chunk_elements // p_live.size))
        for first in range(0, n_draws, chunk):
            n = min(chunk, n_draws - first)
            won = rng.random((n, p_live.size)) < p_live
            out[first : first + n] += won @ v_live
    if arrival_wins > 0 and pool.size:
        counts = rng.poisson(arrival_wins, size=n_draws)
        won_values = rng.choice(pool, size=int(counts.sum()))
        out += np.bincount(np.repeat(np.arange(n_draws), counts), weights=won_values, minlength=n_draws)
    return MonteCarloForecast(draws=out[np.newaxis, :])
