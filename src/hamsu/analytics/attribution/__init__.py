"""Multi-touch attribution on Polars/Arrow frames: rule-based, exact Markov and Shapley.

Pure library (no Django): the campaigns app and the CLI both call ``attribute``.

    journeys = aggregate_journeys(touches, lookback=timedelta(days=90))
    attribute(journeys, "markov", order=2).to_dict()
    explain(one_journeys_touches, "position_based")

``key=`` chooses the level (channel or campaign), ``journey=`` the unit (a contact's
journey or an account's buying group), ``value=`` the money (revenue or pipeline).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import numpy as np

from .errors import AttributionInputError
from .explain import Reason, TouchShare, explain
from .heuristics import PATH_RULES, TOUCH_RULES, touch_shares
from .markov import markov
from .paths import Journeys, Paths
from .result import AttributionResult, totals_from_touch_shares
from .shapley import shapley
from .touches import Touches, aggregate_journeys, aggregate_paths, prepare_touches

MODELS = (*PATH_RULES, *TOUCH_RULES, "markov", "shapley")

__all__ = [
    "MODELS",
    "AttributionInputError",
    "AttributionResult",
    "Journeys",
    "Paths",
    "TouchShare",
    "Touches",
    "aggregate_journeys",
    "aggregate_paths",
    "attribute",
    "explain",
    "Reason",
    "prepare_touches",
    "touch_shares",
]


def attribute(
    data: object,
    model: str = "markov",
    *,
    order: int = 1,
    first_weight: float = 0.4,
    last_weight: float = 0.4,
    milestone_weights: Sequence[float] = (0.3, 0.3, 0.3),
    half_life: timedelta = timedelta(days=7),
    lookback: timedelta | None = None,
    max_exact: int = 15,
    samples: int = 20_000,
    confidence: float = 0.95,
    seed: int = 0,
) -> AttributionResult:
    """Run one model on paths, journeys, or a long-form touchpoint frame.

    A frame is aggregated with the default column names (``aggregate_journeys``), and
    ``lookback`` applies to it; aggregate yourself to use other columns. Path-level
    models run on unique paths, the touch-level ones (time decay, W-shaped) on journeys.
    """
    if model not in MODELS:
        raise AttributionInputError(f"unknown model {model!r}; choose from {', '.join(MODELS)}")
    if not isinstance(data, Paths):
        data = aggregate_journeys(data, lookback=lookback)
    elif lookback is not None:
        raise AttributionInputError("lookback applies to touchpoints; these paths are already aggregated")
    target = data.paths if isinstance(data, Journeys) and model not in TOUCH_RULES else data
    if model == "markov":
        return markov(target, order)
    if model == "shapley":
        return shapley(target, max_exact=max_exact, samples=samples, confidence=confidence, seed=seed)
    # Journeys that did not convert carry no credit; skipping them saves most of the work.
    target = target.select(np.flatnonzero((target.conversions != 0) | (target.value != 0)))
    shares = touch_shares(
        target,
        model,
        first_weight=first_weight,
        last_weight=last_weight,
        milestone_weights=milestone_weights,
        half_life=half_life,
    )
    return totals_from_touch_shares(model, target, shares)
