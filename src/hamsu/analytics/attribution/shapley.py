"""Shapley-value attribution over the channels of converting journeys.

Characteristic function: ``v(S)`` = conversions (or value) of the journeys whose set of
channels is a subset of ``S`` — what a channel coalition would have produced on its
own. ``v`` is monotone with ``v(∅) = 0``, so every Shapley value is >= 0 and they sum
to the total (efficiency).

Up to ``max_exact`` channels (default 15, 32,768 coalitions) the values are computed
exactly from all coalitions. Beyond that they are estimated from random channel
orderings, with a Hoeffding bound reported in ``details``.

Worth knowing: this ``v`` is a sum of unanimity games, one per journey, so the exact
value equals "each distinct channel of a converting journey gets 1/k of it" (Zhao et
al. 2018, "Shapley value methods for attribution modeling in online advertising"). The
tests use that identity as an independent oracle, and ``explain`` uses it to give a
journey's exact share of the Shapley totals.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import AttributionInputError
from .paths import Paths
from .result import AttributionResult


def shapley(
    paths: Paths,
    *,
    max_exact: int = 15,
    samples: int = 20_000,
    confidence: float = 0.95,
    seed: int = 0,
) -> AttributionResult:
    """Shapley attribution of conversions and value, exact or sampled by channel count."""
    sets, outcome = channel_sets(paths)
    n = len(paths.channels)
    if n <= max_exact:
        phi = _exact(sets, outcome, n)
        details: dict[str, object] = {"method": "exact", "coalitions": 2**n}
    else:
        if samples < 1 or not 0 < confidence < 1:
            raise AttributionInputError("Shapley sampling needs samples >= 1 and 0 < confidence < 1")
        phi = _sampled(sets, outcome, n, samples, np.random.default_rng(seed))
        bound = _hoeffding(sets, outcome, n, samples, confidence)
        details = {
            "method": "sampled",
            "samples": samples,
            "confidence": confidence,
            "error_bound": {
                name: {"conversions": float(b[0]), "value": float(b[1])}
                for name, b in zip(paths.channels, bound, strict=True)
            },
        }
    return AttributionResult("shapley", paths.channels, phi[:, 0], phi[:, 1], details)


def channel_sets(paths: Paths) -> tuple[np.ndarray, np.ndarray]:
    """Distinct channel sets (bool matrix, one row per set) and their conversions/value.

    Only the set of channels of a journey matters to ``v``, so journeys collapse to a
    few hundred sets, whatever the data size.
    """
    n = len(paths.channels)
    member = np.zeros((paths.n_paths, n), dtype=bool)
    member[paths.path_of_touch, paths.codes] = True
    outcome = np.column_stack([paths.conversions, paths.value])
    converting = outcome.any(axis=1)
    sets, inverse = np.unique(member[converting], axis=0, return_inverse=True)
    summed = np.zeros((len(sets), 2))
    np.add.at(summed, inverse.ravel(), outcome[converting])
    return sets, summed


def _exact(sets: np.ndarray, outcome: np.ndarray, n: int) -> np.ndarray:
    """Shapley values from all 2**n coalitions.

    ``v`` for every coalition is a subset-sum (zeta) transform of the per-set outcome:
    a cumulative sum along each channel's axis of a 2 x 2 x … x 2 array.
    """
    bits = 1 << np.arange(n)
    masks = sets.astype(np.int64) @ bits
    v = np.zeros((2**n, 2))
    np.add.at(v, masks, outcome)
    # Summing along every axis, the order of axes versus mask bits does not matter.
    cube = v.reshape((2,) * n + (2,))
    for axis in range(n):
        cube = np.cumsum(cube, axis=axis)
    v = cube.reshape(2**n, 2)
    every = np.arange(2**n)
    size = np.bitwise_count(every.astype(np.uint64)).astype(np.int64)
    weight = np.array([math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) for s in range(n)])
    phi = np.zeros((n, 2))
    for c in range(n):
        without = every[(every & (1 << c)) == 0]
        phi[c] = weight[size[without]] @ (v[without | (1 << c)] - v[without])
    return phi


def _sampled(
    sets: np.ndarray, outcome: np.ndarray, n: int, samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Average marginal contributions over random orderings of the channels.

    In one ordering a journey's outcome is added exactly when its last channel (in that
    ordering) joins, so each set credits that channel; every sample sums to the total.
    """
    phi = np.zeros((n, 2))
    chunk = max(1, 2_000_000 // max(1, sets.size))
    done = 0
    while done < samples:
        m = min(chunk, samples - done)
        rank = rng.permuted(np.tile(np.arange(1, n + 1), (m, 1)), axis=1)
        credited = np.argmax(sets[None, :, :] * rank[:, None, :], axis=2)
        for col in range(2):
            phi[:, col] += np.bincount(credited.ravel(), weights=np.tile(outcome[:, col], m), minlength=n)
        done += m
    return phi / samples


def _hoeffding(sets: np.ndarray, outcome: np.ndarray, n: int, samples: int, confidence: float) -> np.ndarray:
    """Half-width holding for all channels at once with probability ``confidence``.

    A channel's marginal contribution in one ordering lies in ``[0, R_c]``, ``R_c`` the
    outcome of the sets containing it; Hoeffding with a union bound over the n
    channels gives ``R_c * sqrt(ln(2n / (1 - confidence)) / (2 * samples))``.
    """
    reach = sets.T.astype(np.float64) @ outcome
    half_width: np.ndarray = reach * math.sqrt(math.log(2 * n / (1 - confidence)) / (2 * samples))
    return half_width
