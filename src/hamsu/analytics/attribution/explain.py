"""Per-touch explanation of one journey (or deal): who got what share, and why.

Rule-based models reuse the exact share functions of the bulk models. Shapley's
per-journey split is exact too (each of the k distinct channels gets 1/k, see
``shapley``). Markov removal effects are a property of the whole chain, not of one
journey; a journey's Markov split renormalises the fitted removal effects over the
channels it touched, so these per-journey splits do not sum to the global totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from .errors import AttributionInputError
from .heuristics import PATH_RULES, TOUCH_RULES, touch_shares
from .paths import Journeys, prepare_touches
from .result import AttributionResult


@dataclass(frozen=True)
class TouchShare:
    """One touch's part of its journey's outcome.

    ``share`` is its fraction of the conversion; ``conversions``/``value`` are what it
    was credited (value can follow a different split under Markov, whose value removal
    effects differ from its conversion ones).
    """

    position: int
    ts: object
    channel: str
    share: float
    conversions: float
    value: float
    reason: str


def explain(
    touches: object,
    model: str = "linear",
    *,
    result: AttributionResult | None = None,
    journey: str = "journey_id",
    ts: str = "ts",
    key: str = "channel",
    converted: str = "converted",
    value: str = "conversion_value",
    lookback: timedelta | None = None,
    first_weight: float = 0.4,
    last_weight: float = 0.4,
    milestone_weights: Sequence[float] = (0.3, 0.3, 0.3),
    half_life: timedelta = timedelta(days=7),
) -> list[TouchShare]:
    """Explain how ``model`` splits one journey's conversion over its touches.

    ``touches`` are the long-form rows of a single journey. Markov needs ``result``, the
    fitted ``attribute(..., "markov")`` whose removal effects it applies.
    """
    prepared = prepare_touches(
        touches, journey=journey, ts=ts, key=key, converted=converted, value=value, lookback=lookback
    )
    frame = prepared.frame
    if frame[journey].n_unique() != 1:
        raise AttributionInputError("explain takes the touches of exactly one journey")
    journeys = prepared.journeys()
    if model in (*PATH_RULES, *TOUCH_RULES):
        shares = touch_shares(
            journeys,
            model,
            first_weight=first_weight,
            last_weight=last_weight,
            milestone_weights=milestone_weights,
            half_life=half_life,
        )
        value_shares = shares
        reasons = _rule_reasons(journeys, model, shares, first_weight, last_weight, half_life)
    elif model == "shapley":
        shares, reasons = _shapley(journeys)
        value_shares = shares
    elif model == "markov":
        if result is None or "removal_effects" not in result.details:
            raise AttributionInputError("explaining markov needs result=attribute(data, 'markov')")
        shares, value_shares, reasons = _markov(journeys, result)
    else:
        raise AttributionInputError(f"unknown model {model!r}")

    out: list[TouchShare] = []
    kept = iter(range(len(journeys.codes)))
    for position, row in enumerate(frame.iter_rows(named=True)):
        channel = prepared.channels[row["_code"]]
        if not row["_keep"]:
            why = "after the conversion" if row["_age"] < 0 else "outside the lookback window"
            out.append(TouchShare(position, row[ts], channel, 0.0, 0.0, 0.0, f"not counted: {why}"))
            continue
        i = next(kept)
        out.append(
            TouchShare(
                position=position,
                ts=row[ts],
                channel=channel,
                share=float(shares[i]),
                conversions=float(shares[i] * journeys.conversions[0]),
                value=float(value_shares[i] * journeys.value[0]),
                reason=reasons[i],
            )
        )
    return out


def _rule_reasons(
    journeys: Journeys,
    model: str,
    shares: np.ndarray,
    first_weight: float,
    last_weight: float,
    half_life: timedelta,
) -> list[str]:
    n = len(journeys.codes)
    reasons = []
    for i in range(n):
        share = f"{shares[i]:.1%}"
        where = "first touch" if i == 0 else "last touch" if i == n - 1 else f"touch {i + 1} of {n}"
        if n == 1:
            where = "only touch"
        if model in ("first_touch", "last_touch"):
            rule = model.replace("_", " ")
            reasons.append(f"{where}; {rule} gives everything to the {rule}: {share}")
        elif model == "linear":
            reasons.append(f"{where}; linear splits evenly over {n} touch(es): {share}")
        elif model == "position_based":
            reasons.append(
                f"{where}; U-shaped gives {first_weight:.0%} to the first and {last_weight:.0%} to the "
                f"last touch, the rest evenly to the middle, renormalised to the parts this "
                f"journey has: {share}"
            )
        elif model == "time_decay":
            # time_decay_shares has already refused journeys without timestamps
            assert journeys.age_seconds is not None
            days = journeys.age_seconds[i] / 86400
            half = half_life.total_seconds() / 86400
            reasons.append(
                f"{where}, {days:.2f} day(s) before the conversion; weight 2^(-{days:.2f}/{half:g}) "
                f"normalised over the journey: {share}"
            )
        else:
            roles = [
                role
                for role, flags in (
                    ("first touch", journeys.position == 0),
                    ("lead creation", journeys.lead),
                    ("opportunity creation", journeys.opportunity),
                )
                if flags is not None and flags[i] and (role == "first touch" or _first_flag(flags, i))
            ]
            role = " + ".join(roles) if roles else "other touch (shares the remainder)"
            reasons.append(f"{where}; W-shaped role: {role}: {share}")
    return reasons


def _first_flag(flags: np.ndarray, i: int) -> bool:
    """Only the first flagged touch is the milestone; later flags are ordinary touches."""
    return not flags[:i].any()


def _shapley(journeys: Journeys) -> tuple[np.ndarray, list[str]]:
    codes = journeys.codes
    distinct, counts = np.unique(codes, return_counts=True)
    per_channel = dict(zip(distinct.tolist(), counts.tolist(), strict=True))
    k = len(distinct)
    shares = np.array([1.0 / k / per_channel[c] for c in codes.tolist()])
    reasons = [
        f"Shapley: the journey counts in v(S) only once all its {k} distinct channel(s) are in S, "
        f"so each channel gets 1/{k}; {journeys.channels[c]!r} has {per_channel[c]} touch(es) here: "
        f"{s:.1%}"
        for c, s in zip(codes.tolist(), shares, strict=True)
    ]
    return shares, reasons


def _markov(journeys: Journeys, result: AttributionResult) -> tuple[np.ndarray, np.ndarray, list[str]]:
    effects = result.details["removal_effects"]
    codes = journeys.codes
    names = [journeys.channels[c] for c in codes.tolist()]
    missing = sorted({n for n in names if n not in effects})
    if missing:
        raise AttributionInputError(f"the fitted Markov model has never seen {', '.join(missing)}")
    touches_of = {n: names.count(n) for n in names}
    columns = []
    for kind in ("conversions", "value"):
        weight = {n: effects[n][kind] for n in touches_of}
        total = sum(weight.values())
        if total > 0:
            columns.append(np.array([weight[n] / total / touches_of[n] for n in names]))
        else:
            columns.append(np.array([1.0 / len(touches_of) / touches_of[n] for n in names]))
    reasons = [
        f"Markov order {result.details['order']}: without {n!r} the conversion probability falls by "
        f"{effects[n]['conversions']:.1%} (its removal effect); effects of this journey's channels "
        f"renormalised to 100%, split over {touches_of[n]} {n!r} touch(es): {s:.1%}"
        for n, s in zip(names, columns[0], strict=True)
    ]
    return columns[0], columns[1], reasons
