"""Rule-based attribution, vectorised over all touches of all paths at once.

Each rule is a function returning every touch's share of its own path's outcome
(shares of one path sum to 1). The same functions serve the bulk models and
``explain``, so a journey's explanation can never disagree with the totals.

First/last/linear follow ChannelAttribution's ``heuristic_models``: repeated channels
are separate touches (``a > a > b`` gives linear ``a`` 2/3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from .errors import AttributionInputError
from .paths import Journeys, Paths

PATH_RULES = ("first_touch", "last_touch", "linear", "position_based")
TOUCH_RULES = ("time_decay", "w_shaped")


def first_touch_shares(paths: Paths) -> np.ndarray:
    return np.asarray(paths.position == 0, dtype=np.float64)


def last_touch_shares(paths: Paths) -> np.ndarray:
    return _is_last(paths).astype(np.float64)


def linear_shares(paths: Paths) -> np.ndarray:
    shares: np.ndarray = 1.0 / paths.lengths[paths.path_of_touch]
    return shares


def position_based_shares(paths: Paths, first_weight: float = 0.4, last_weight: float = 0.4) -> np.ndarray:
    """U-shaped: the first and last touch get their end weights, the middle shares the rest.

    A path without middle touches renormalises the end weights (two touches at 40/40
    get 50/50); a single touch is both ends and gets everything.
    """
    if first_weight < 0 or last_weight < 0 or not 0 < first_weight + last_weight <= 1:
        raise AttributionInputError("position_based needs end weights >= 0 with 0 < first + last <= 1")
    first = paths.position == 0
    return _anchored(
        paths,
        [(first, first_weight), (_is_last(paths), last_weight)],
        rest_weight=1.0 - first_weight - last_weight,
    )


def w_shaped_shares(journeys: Journeys, weights: Sequence[float] = (0.3, 0.3, 0.3)) -> np.ndarray:
    """W-shaped: first touch, lead-creation touch and opportunity-creation touch, rest shared.

    The milestone touch is the first one flagged in the journey. A milestone a journey
    never reached (no flagged touch), or a missing "rest", passes its weight on
    proportionally to the parts that exist, so every journey still sums to 1. One touch
    that is several milestones collects all their weights.
    """
    if journeys.lead is None or journeys.opportunity is None:
        raise AttributionInputError(
            "w_shaped needs touch-level data with lead- and opportunity-creation flag columns"
        )
    if len(weights) != 3 or min(weights) < 0 or weights[0] <= 0 or sum(weights) > 1:
        raise AttributionInputError("w_shaped needs 3 weights >= 0, the first > 0, summing to <= 1")
    owner = journeys.path_of_touch
    anchors = [
        (journeys.position == 0, weights[0]),
        (_first_flagged(owner, journeys.lead), weights[1]),
        (_first_flagged(owner, journeys.opportunity), weights[2]),
    ]
    return _anchored(journeys, anchors, rest_weight=1.0 - sum(weights))


def time_decay_shares(journeys: Paths, half_life: timedelta = timedelta(days=7)) -> np.ndarray:
    """Each touch weighs ``2 ** (-age / half_life)``, age measured back from the conversion.

    The converting (or last) touch has age 0 and weight 1, so the normalising sum is at
    least 1 and never underflows however old the other touches are.
    """
    ages = getattr(journeys, "age_seconds", None)
    if ages is None:
        raise AttributionInputError(
            "time_decay needs touch timestamps: give long-form touchpoints, not paths"
        )
    seconds = half_life.total_seconds()
    if seconds <= 0:
        raise AttributionInputError("half-life must be positive")
    weight = np.exp2(-ages / seconds)
    owner = journeys.path_of_touch
    shares: np.ndarray = weight / np.bincount(owner, weights=weight, minlength=journeys.n_paths)[owner]
    return shares


def touch_shares(
    paths: Paths,
    model: str,
    *,
    first_weight: float = 0.4,
    last_weight: float = 0.4,
    milestone_weights: Sequence[float] = (0.3, 0.3, 0.3),
    half_life: timedelta = timedelta(days=7),
) -> np.ndarray:
    """Every touch's share of its own path's outcome under a rule-based model."""
    if model == "first_touch":
        return first_touch_shares(paths)
    if model == "last_touch":
        return last_touch_shares(paths)
    if model == "linear":
        return linear_shares(paths)
    if model == "position_based":
        return position_based_shares(paths, first_weight, last_weight)
    if model == "time_decay":
        return time_decay_shares(paths, half_life)
    if model == "w_shaped":
        if not isinstance(paths, Journeys):
            raise AttributionInputError(
                "w_shaped needs touchpoints with milestone flags, not aggregated paths"
            )
        return w_shaped_shares(paths, milestone_weights)
    raise AttributionInputError(f"{model!r} is not a rule-based model")


def _is_last(paths: Paths) -> np.ndarray:
    is_last: np.ndarray = paths.position == paths.lengths[paths.path_of_touch] - 1
    return is_last


def _first_flagged(owner: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Mark only the first flagged touch of each path (touches are in time order)."""
    flagged = np.flatnonzero(flags)
    owners = owner[flagged]
    first = np.ones(len(flagged), dtype=bool)
    first[1:] = owners[1:] != owners[:-1]
    out = np.zeros(len(owner), dtype=bool)
    out[flagged[first]] = True
    return out


def _anchored(paths: Paths, anchors: list[tuple[np.ndarray, float]], rest_weight: float) -> np.ndarray:
    """Shares for "named touches get fixed weights, the other touches split the rest".

    Parts a path does not have (no middle touch, no lead touch) drop out and the
    weights of the parts it has are scaled up to sum to 1.
    """
    owner = paths.path_of_touch
    n = paths.n_paths
    raw = np.zeros(len(owner))
    present = np.zeros(n)
    is_rest = np.ones(len(owner), dtype=bool)
    for mask, weight in anchors:
        raw += weight * mask
        present += weight * (np.bincount(owner, weights=mask, minlength=n) > 0)
        is_rest &= ~mask
    n_rest = np.bincount(owner, weights=is_rest, minlength=n)
    present += rest_weight * (n_rest > 0)
    raw += np.where(is_rest, rest_weight / np.maximum(n_rest, 1)[owner], 0.0)
    shares: np.ndarray = raw / present[owner]
    return shares
