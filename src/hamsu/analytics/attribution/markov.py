"""Markov-chain removal-effect attribution, solved exactly as an absorbing chain.

ChannelAttribution estimates the same quantities by simulating random walks (and, by
default, cuts walks at the longest observed path length, which biases the result).
Here the conversion probability is the solution of ``(I - Q) x = r`` over the
transient states, so the answer is exact and costs one small linear solve per channel.

Small chains (an order-1 chain has one state per channel) are solved densely with
LAPACK, all channel removals in one batched call, on one BLAS thread: OpenBLAS starts
its threads from 100 x 100 up, and on a busy two-core machine that made 110-state dense
solves a hundred times slower. Larger chains use SuperLU on the sparse ``I - Q``, exact
to rounding like a dense LU and cheap at every order; SciPy is imported only then, as it
costs more start-up than a small chain costs to solve.

Conventions follow ChannelAttribution's ``markov_model``:

* order-k states are the sliding k-grams of a path's touches; a path shorter than k is
  one state made of the whole path; consecutive identical states are merged;
* each transition of a path counts with weight conversions + nulls of that path;
  (start) -> first state, last state -> (conversion) with the conversions and
  -> (null) with the nulls;
* removing a channel sends every transition into a state containing it to (null);
* the value reward of a state is its conversion probability times the mean value of
  the conversions that end there;
* removal effects ``1 - P(without c) / P`` are normalised to sum to the total.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import AttributionInputError
from .paths import Paths
from .result import AttributionResult

# Up to this many states a dense solve (n^3) beats SciPy's import and sparse LU.
DENSE_MAX_STATES = 256


def markov(paths: Paths, order: int = 1) -> AttributionResult:
    """Attribute conversions and value by exact order-k Markov removal effects."""
    if order not in (1, 2, 3):
        raise AttributionInputError("Markov order must be 1, 2 or 3")
    chain = Chain.build(paths, order)
    n = len(paths.channels)
    # Row 0: every state alive; row 1 + c: the states without channel c.
    alive = np.vstack([np.ones(chain.n_states, dtype=bool), ~chain.contains.T])
    outcome = chain.conversion(alive)
    base, without = outcome[0], outcome[1:]
    removal = np.divide(base - without, base, out=np.zeros((n, 2)), where=base > 0)
    totals = np.array([paths.total_conversions, paths.total_value])
    sums = removal.sum(axis=0)
    attributed = np.divide(removal * totals, sums, out=np.zeros_like(removal), where=sums > 0)
    details = {
        "order": order,
        "states": chain.n_states,
        "conversion_probability": float(base[0]),
        "value_per_journey": float(base[1]),
        "removal_effects": {
            name: {"conversions": float(r[0]), "value": float(r[1])}
            for name, r in zip(paths.channels, removal, strict=True)
        },
    }
    return AttributionResult("markov", paths.channels, attributed[:, 0], attributed[:, 1], details)


@dataclass(frozen=True)
class Chain:
    """The order-k chain built from weighted paths.

    ``source``/``target``/``probability``: the transitions between states (one entry per
    pair); ``rewards``: per state, the one-step probability of converting and the
    expected value of doing so; ``start``: where journeys begin; ``contains``: which
    channels each state includes.
    """

    source: np.ndarray
    target: np.ndarray
    probability: np.ndarray
    rewards: np.ndarray
    start: np.ndarray
    contains: np.ndarray

    @property
    def n_states(self) -> int:
        return len(self.rewards)

    @classmethod
    def build(cls, paths: Paths, order: int) -> Chain:
        """Count weighted transitions between states with NumPy, then row-normalise."""
        keep = (paths.conversions + paths.nulls) > 0
        grams, owner = _state_sequence(paths, order)
        grams, owner = grams[keep[owner]], owner[keep[owner]]
        states, sid = _number_states(grams, len(paths.channels) + 1, order)
        n = len(states)
        weight = (paths.conversions + paths.nulls)[owner]
        is_last = np.ones(len(sid), dtype=bool)
        is_last[:-1] = owner[1:] != owner[:-1]
        is_first = np.ones(len(sid), dtype=bool)
        is_first[1:] = is_last[:-1]
        step = np.flatnonzero(~is_last)
        source, target, counts = _sum_transitions(sid[step], sid[step + 1], weight[step], n)
        ends = sid[is_last]
        conv_end = np.bincount(ends, weights=paths.conversions[owner[is_last]], minlength=n)
        value_end = np.bincount(ends, weights=paths.value[owner[is_last]], minlength=n)
        null_end = np.bincount(ends, weights=paths.nulls[owner[is_last]], minlength=n)
        out = np.bincount(source, weights=counts, minlength=n) + conv_end + null_end
        inv = 1.0 / out
        # P(s -> conversion) * mean value ending at s == value_end / out.
        rewards = np.column_stack([conv_end * inv, value_end * inv])
        start = np.bincount(sid[is_first], weights=weight[is_first], minlength=n)
        start = start / start.sum() if start.sum() > 0 else start
        contains = _contains(states, order, len(paths.channels))
        return cls(source, target, counts * inv[source], rewards, start, contains)

    def conversion(self, alive: np.ndarray) -> np.ndarray:
        """Expected conversions and value per journey for each row of ``alive`` (k x states).

        Transitions into removed states lead nowhere but (null), which is the same as
        dropping those rows and columns from ``I - Q``.
        """
        if self.n_states <= DENSE_MAX_STATES:
            return self._conversion_dense(alive)
        return np.array([self._conversion_sparse(row) for row in alive]).reshape(-1, 2)

    def _conversion_dense(self, alive: np.ndarray) -> np.ndarray:
        """All rows of ``alive`` in one batched LAPACK solve.

        A removed state keeps its row and column as the identity with no reward, so its
        value is 0 and every system has the same size; the other states' values are
        those of the system with the removed states dropped.
        """
        from threadpoolctl import threadpool_limits  # pure Python, milliseconds

        n = self.n_states
        q = np.zeros((n, n))
        q[self.source, self.target] = self.probability
        out = np.empty((len(alive), 2))
        batch = max(1, 2**22 // (n * n))  # systems per call: at most 32 MB of them
        with threadpool_limits(1, user_api="blas"):
            for lo in range(0, len(alive), batch):
                part = alive[lo : lo + batch]
                systems = np.eye(n) - q * (part[:, :, None] & part[:, None, :])
                solved = np.linalg.solve(systems, self.rewards * part[:, :, None])
                out[lo : lo + batch] = np.einsum("s,ksj->kj", self.start, solved)
        return out

    def _conversion_sparse(self, alive: np.ndarray) -> np.ndarray:
        # SciPy's sparse solvers cost a few tenths of a second to import; only big chains need them.
        import scipy.sparse as sp
        from scipy.sparse.linalg import splu

        idx = np.flatnonzero(alive)
        if len(idx) == 0:
            return np.zeros(2)
        kept = alive[self.source] & alive[self.target]
        number = np.cumsum(alive) - 1
        q = sp.csc_matrix(
            (self.probability[kept], (number[self.source[kept]], number[self.target[kept]])),
            shape=(len(idx), len(idx)),
        )
        system = sp.identity(len(idx), format="csc") - q
        return self.start[idx] @ splu(system).solve(self.rewards[idx])


def _sum_transitions(
    source: np.ndarray, target: np.ndarray, weight: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Total weight per distinct (source, target) pair of states, pairs in increasing order.

    While ``n * n`` is small one ``bincount`` over all pairs does it; beyond that (many
    states at order 3) only the pairs that occur are numbered, by sorting.
    """
    keys = source.astype(np.int64) * n + target
    # Declared once for both branches: mypy 1.19 crashes when a tuple unpacking rebinds a
    # name the other branch bound to a different NumPy type (python/mypy#21802).
    pairs: np.ndarray
    counts: np.ndarray
    if n * n <= 4 * len(keys) + 1_000_000:
        totals = np.bincount(keys, weights=weight, minlength=n * n)
        pairs = np.flatnonzero(totals)
        counts = totals[pairs]
    else:
        pairs, pair = np.unique(keys, return_inverse=True)
        counts = np.bincount(pair.ravel(), weights=weight, minlength=len(pairs))
    return pairs // n, pairs % n, counts


def _state_sequence(paths: Paths, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Each path's order-k states as integers, consecutive duplicates merged.

    A k-gram is packed as base-(n+1) digits of ``code + 1``; digit 0 pads the state of
    a path shorter than k, so ``(a)`` and ``(a, a)`` stay different states.
    """
    base = len(paths.channels) + 1
    if base**order >= 2**62:
        raise AttributionInputError("too many channels for this Markov order")
    owner = paths.path_of_touch
    end = paths.offsets[1:][owner]
    index = np.arange(len(paths.codes))
    padded = np.concatenate([paths.codes.astype(np.int64) + 1, np.zeros(order, dtype=np.int64)])
    grams = np.zeros(len(index), dtype=np.int64)
    for j in range(order):
        digit = np.where(index + j < end, padded[index + j], 0)
        grams = grams * base + digit
    starts_state = paths.position <= np.maximum(paths.lengths - order, 0)[owner]
    grams, owner = grams[starts_state], owner[starts_state]
    repeat = np.zeros(len(grams), dtype=bool)
    repeat[1:] = (grams[1:] == grams[:-1]) & (owner[1:] == owner[:-1])
    return grams[~repeat], owner[~repeat]


def _number_states(grams: np.ndarray, base: int, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct states in increasing order and each gram's state number.

    While ``base ** order`` is small a lookup table numbers the states in one pass;
    beyond that (many channels at order 3) sort like ``np.unique``.
    """
    space = base**order
    if space > 4 * len(grams) + 1_000_000:
        states, sid = np.unique(grams, return_inverse=True)
        return states, sid.ravel()
    present = np.zeros(space, dtype=bool)
    present[grams] = True
    states = np.flatnonzero(present)
    number = np.zeros(space, dtype=np.int64)
    number[states] = np.arange(len(states))
    return states, number[grams]


def _contains(states: np.ndarray, order: int, n_channels: int) -> np.ndarray:
    """Boolean (state x channel): does the state's k-gram include the channel?"""
    base = n_channels + 1
    out = np.zeros((len(states), n_channels), dtype=bool)
    rest = states.copy()
    rows = np.arange(len(states))
    for _ in range(order):
        digit = rest % base
        has = digit > 0
        out[rows[has], digit[has] - 1] = True
        rest //= base
    return out
