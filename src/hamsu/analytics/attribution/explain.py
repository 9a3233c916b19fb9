"""Per-touch explanation of one journey (or deal): who got what share, and why.

Rule-based models reuse the exact share functions of the bulk models. Shapley's
per-journey split is exact too (each of the k distinct channels gets 1/k, see
``shapley``). Markov removal effects are a property of the whole chain, not of one
journey; a journey's Markov split renormalises the fitted removal effects over the
channels it touched, so these per-journey splits do not sum to the global totals.

Each touch's reason is a ``Reason``: a code and its parameters (numbers as numbers), so
the application shows it in the reader's language (``hamsu.campaigns.explain_reasons``);
``str(reason)`` is the English sentence, for the command line and library users.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import cast

import numpy as np

from .errors import AttributionInputError
from .heuristics import PATH_RULES, TOUCH_RULES, touch_shares
from .paths import Journeys
from .result import AttributionResult
from .touches import prepare_touches

# Where a touch stands in its journey (the ``where`` parameter of the rule-based reasons).
ONLY, FIRST, LAST, MIDDLE = "only", "first", "last", "middle"
# The W-shaped milestones a touch can hold (the ``roles`` parameter).
ROLE_FIRST_TOUCH, ROLE_LEAD, ROLE_OPPORTUNITY = "first_touch", "lead_creation", "opportunity_creation"
_WHERE = {ONLY: "only touch", FIRST: "first touch", LAST: "last touch"}
_ROLES = {
    ROLE_FIRST_TOUCH: "first touch",
    ROLE_LEAD: "lead creation",
    ROLE_OPPORTUNITY: "opportunity creation",
}


@dataclass(frozen=True)
class Reason:
    """Why a touch got its share: ``code`` names the rule, ``params`` its figures.

    Codes: ``after_conversion`` and ``outside_lookback`` (not counted); ``first_touch``,
    ``last_touch``, ``linear``, ``position_based`` (+ ``first_weight``, ``last_weight``),
    ``time_decay`` (+ ``days``, ``half_life_days``), ``w_shaped`` (+ ``roles``), each with
    ``where`` (only/first/last/middle), ``index`` (1-based), ``touches`` and ``share``;
    ``shapley`` (``channels``, ``channel``, ``channel_touches``, ``share``); ``markov``
    (``order``, ``channel``, ``removal_effect``, ``channel_touches``, ``share``).
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return _english(self)


def _english(reason: Reason) -> str:
    p = reason.params
    if reason.code == "after_conversion":
        return "not counted: after the conversion"
    if reason.code == "outside_lookback":
        return "not counted: outside the lookback window"
    share = f"{p.get('share', 0.0):.1%}"
    if reason.code == "shapley":
        k = p["channels"]
        return (
            f"Shapley: the journey counts in v(S) only once all its {k} distinct channel(s) are in S, "
            f"so each channel gets 1/{k}; {p['channel']!r} has {p['channel_touches']} touch(es) here: {share}"
        )
    if reason.code == "markov":
        return (
            f"Markov order {p['order']}: without {p['channel']!r} the conversion probability falls by "
            f"{p['removal_effect']:.1%} (its removal effect); effects of this journey's channels "
            f"renormalised to 100%, split over {p['channel_touches']} {p['channel']!r} touch(es): {share}"
        )
    where = _WHERE.get(str(p["where"]), f"touch {p['index']} of {p['touches']}")
    if reason.code in ("first_touch", "last_touch"):
        rule = reason.code.replace("_", " ")
        return f"{where}; {rule} gives everything to the {rule}: {share}"
    if reason.code == "linear":
        return f"{where}; linear splits evenly over {p['touches']} touch(es): {share}"
    if reason.code == "position_based":
        return (
            f"{where}; U-shaped gives {p['first_weight']:.0%} to the first and {p['last_weight']:.0%} to the "
            f"last touch, the rest evenly to the middle, renormalised to the parts this journey has: {share}"
        )
    if reason.code == "time_decay":
        days = p["days"]
        return (
            f"{where}, {days:.2f} day(s) before the conversion; weight 2^(-{days:.2f}/{p['half_life_days']:g}) "
            f"normalised over the journey: {share}"
        )
    roles = (
        " + ".join(_ROLES[r] for r in cast("tuple[str, ...]", p["roles"]))
        or "other touch (shares the remainder)"
    )
    return f"{where}; W-shaped role: {roles}: {share}"


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
    reason: Reason


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
            why = Reason("after_conversion" if row["_age"] < 0 else "outside_lookback")
            out.append(TouchShare(position, row[ts], channel, 0.0, 0.0, 0.0, why))
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
) -> list[Reason]:
    n = len(journeys.codes)
    reasons = []
    for i in range(n):
        where = ONLY if n == 1 else FIRST if i == 0 else LAST if i == n - 1 else MIDDLE
        params: dict[str, object] = {"where": where, "index": i + 1, "touches": n, "share": float(shares[i])}
        if model == "position_based":
            params |= {"first_weight": first_weight, "last_weight": last_weight}
        elif model == "time_decay":
            # time_decay_shares has already refused journeys without timestamps
            assert journeys.age_seconds is not None
            params |= {
                "days": float(journeys.age_seconds[i]) / 86400,
                "half_life_days": half_life.total_seconds() / 86400,
            }
        elif model == "w_shaped":
            params["roles"] = tuple(
                role
                for role, flags in (
                    (ROLE_FIRST_TOUCH, journeys.position == 0),
                    (ROLE_LEAD, journeys.lead),
                    (ROLE_OPPORTUNITY, journeys.opportunity),
                )
                if flags is not None and flags[i] and (role == ROLE_FIRST_TOUCH or _first_flag(flags, i))
            )
        reasons.append(Reason(model, params))
    return reasons


def _first_flag(flags: np.ndarray, i: int) -> bool:
    """Only the first flagged touch is the milestone; later flags are ordinary touches."""
    return not flags[:i].any()


def _shapley(journeys: Journeys) -> tuple[np.ndarray, list[Reason]]:
    codes = journeys.codes
    distinct, counts = np.unique(codes, return_counts=True)
    per_channel = dict(zip(distinct.tolist(), counts.tolist(), strict=True))
    k = len(distinct)
    shares = np.array([1.0 / k / per_channel[c] for c in codes.tolist()])
    reasons = [
        Reason(
            "shapley",
            {
                "channels": k,
                "channel": journeys.channels[c],
                "channel_touches": per_channel[c],
                "share": float(s),
            },
        )
        for c, s in zip(codes.tolist(), shares, strict=True)
    ]
    return shares, reasons


def _markov(journeys: Journeys, result: AttributionResult) -> tuple[np.ndarray, np.ndarray, list[Reason]]:
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
        Reason(
            "markov",
            {
                "order": result.details["order"],
                "channel": n,
                "removal_effect": float(effects[n]["conversions"]),
                "channel_touches": touches_of[n],
                "share": float(s),
            },
        )
        for n, s in zip(names, columns[0], strict=True)
    ]
    return columns[0], columns[1], reasons
