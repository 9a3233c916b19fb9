"""Rule points for lead scoring: fit rules on field values, engagement rules with decay.

A points spec is plain data (JSON-serialisable) that a marketer edits in the UI:

* **fit rules** give points when a lead field matches a condition
  (``{"field": "origin", "op": "eq", "value": "paid_search", "points": 10}``);
* **engagement rules** give points per touchpoint of a kind
  (``{"kind": "webinar_attended", "points": 15, "half_life_days": 30}``). A touch that is
  ``age`` days old counts ``points * 0.5 ** (age / half_life_days)``: interest fades,
  so last week's webinar outweighs last year's. ``half_life_days = None`` means no decay;
  ``max_points`` caps what one rule can add (twenty newsletter opens are not a demo).

Evaluation is a pure function returning the total and each rule's contribution, so the
seller sees *why* a lead has 45 points. Conditions are a closed set of operators
interpreted here; nothing is ever passed to ``eval()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

Operator = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "present", "missing"]
OPERATORS: frozenset[str] = frozenset(
    {"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "present", "missing"}
)
_NEEDS_NO_VALUE = frozenset({"present", "missing"})
_NEEDS_LIST = frozenset({"in", "not_in"})


class SpecError(ValueError):
    """A points spec that cannot be evaluated (unknown operator, bad half-life...)."""


@dataclass(frozen=True)
class FitRule:
    """Points when ``lead[field] <op> value`` holds; ``label`` is what the seller reads."""

    field: str
    op: Operator
    points: float
    value: Any = None
    label: str | None = None

    def describe(self) -> str:
        """Plain words for the rule, used when no label was given."""
        if self.label:
            return self.label
        if self.op in _NEEDS_NO_VALUE:
            return f"{self.field} is {'set' if self.op == 'present' else 'not set'}"
        symbol = {"eq": "=", "ne": "≠", "in": "in", "not_in": "not in", "gt": ">", "gte": "≥"}
        symbol |= {"lt": "<", "lte": "≤"}
        return f"{self.field} {symbol[self.op]} {self.value}"


@dataclass(frozen=True)
class EngagementRule:
    """Points per touchpoint of ``kind``, halved every ``half_life_days``, capped at ``max_points``."""

    kind: str
    points: float
    half_life_days: float | None = None
    max_points: float | None = None
    label: str | None = None

    def describe(self) -> str:
        """Plain words for the rule, used when no label was given."""
        return self.label or f"{self.kind} touches"


@dataclass(frozen=True)
class PointsSpec:
    """A whole scoring configuration: fit rules plus engagement rules."""

    fit: tuple[FitRule, ...] = ()
    engagement: tuple[EngagementRule, ...] = ()

    def __post_init__(self) -> None:
        for rule in self.fit:
            if rule.op not in OPERATORS:
                raise SpecError(f"fit rule on {rule.field!r}: unknown operator {rule.op!r}")
            if rule.op in _NEEDS_LIST and not isinstance(rule.value, list | tuple | set | frozenset):
                raise SpecError(f"fit rule on {rule.field!r}: operator {rule.op!r} needs a list of values")
            if not math.isfinite(rule.points):
                raise SpecError(f"fit rule on {rule.field!r}: points must be a finite number")
        for eng in self.engagement:
            if eng.half_life_days is not None and not eng.half_life_days > 0:
                raise SpecError(f"engagement rule {eng.kind!r}: half_life_days must be positive or null")
            if not math.isfinite(eng.points):
                raise SpecError(f"engagement rule {eng.kind!r}: points must be a finite number")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the shape stored in the database and edited in the UI."""
        return {
            "fit": [
                {
                    "field": r.field,
                    "op": r.op,
                    "value": list(r.value) if isinstance(r.value, tuple | set | frozenset) else r.value,
                    "points": r.points,
                    "label": r.label,
                }
                for r in self.fit
            ],
            "engagement": [
                {
                    "kind": e.kind,
                    "points": e.points,
                    "half_life_days": e.half_life_days,
                    "max_points": e.max_points,
                    "label": e.label,
                }
                for e in self.engagement
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PointsSpec:
        """Build a spec from its JSON form, validating it (raises :class:`SpecError`)."""
        try:
            fit = tuple(
                FitRule(
                    field=str(r["field"]),
                    op=cast(Operator, r["op"]),
                    points=float(r["points"]),
                    value=tuple(r["value"]) if isinstance(r.get("value"), list) else r.get("value"),
                    label=r.get("label"),
                )
                for r in data.get("fit", [])
            )
            engagement = tuple(
                EngagementRule(
                    kind=str(e["kind"]),
                    points=float(e["points"]),
                    half_life_days=None if e.get("half_life_days") is None else float(e["half_life_days"]),
                    max_points=None if e.get("max_points") is None else float(e["max_points"]),
                    label=e.get("label"),
                )
                for e in data.get("engagement", [])
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SpecError(f"malformed points spec: {exc!r}") from exc
        return cls(fit=fit, engagement=engagement)


@dataclass(frozen=True)
class Touch:
    """One touchpoint of a lead: its kind (e.g. ``email_click``) and when it happened."""

    kind: str
    at: datetime | date


@dataclass(frozen=True)
class Contribution:
    """What one rule added to a lead's score, for the 'why this score' panel."""

    rule: str
    kind: Literal["fit", "engagement"]
    points: float
    touches: int = 0


@dataclass(frozen=True)
class RuleScore:
    """Total points and the non-zero contributions behind them (largest first)."""

    total: float
    contributions: tuple[Contribution, ...] = field(default=())


def _is_missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def fit_rule_matches(rule: FitRule, value: Any) -> bool:
    """Whether a lead's field value satisfies a fit rule.

    Missing values never satisfy a comparison (only ``missing``), so a lead without a
    country neither gains nor loses "country = IR" points. Comparisons across
    incompatible types (text vs number) are false rather than errors: one odd value in
    an import must not stop scoring for everyone.
    """
    if rule.op == "missing":
        return _is_missing(value)
    if rule.op == "present":
        return not _is_missing(value)
    if _is_missing(value):
        return False
    try:
        match rule.op:
            case "eq":
                return bool(value == rule.value)
            case "ne":
                return bool(value != rule.value)
            case "in":
                return value in rule.value
            case "not_in":
                return value not in rule.value
            case "gt":
                return bool(value > rule.value)
            case "gte":
                return bool(value >= rule.value)
            case "lt":
                return bool(value < rule.value)
            case "lte":
                return bool(value <= rule.value)
    except TypeError:
        return False
    raise SpecError(f"unknown operator {rule.op!r}")


def _age_days(at: datetime | date, as_of: datetime | date) -> float:
    """Age of a touch in days; datetimes and dates mix by treating dates as midnight."""
    if isinstance(at, datetime) != isinstance(as_of, datetime):
        at = at if isinstance(at, datetime) else datetime(at.year, at.month, at.day)
        as_of = as_of if isinstance(as_of, datetime) else datetime(as_of.year, as_of.month, as_of.day)
    return (as_of - at).total_seconds() / 86400.0  # type: ignore[operator]


def decayed_points(points: float, age_days: float, half_life_days: float | None) -> float:
    """``points * 0.5 ** (age / half_life)``; no decay without a half-life."""
    if half_life_days is None:
        return points
    return float(points * 0.5 ** (max(age_days, 0.0) / half_life_days))


def score_lead(
    spec: PointsSpec,
    attributes: Mapping[str, Any],
    touches: Iterable[Touch] = (),
    *,
    as_of: datetime | date | None = None,
) -> RuleScore:
    """Score one lead: fit points from ``attributes``, decayed engagement from ``touches``.

    Touches after ``as_of`` are ignored: a score computed for a past date must not
    see the future (that is also what keeps back-tests honest). ``as_of`` is required
    when any engagement rule decays.
    """
    contributions: list[Contribution] = []
    for rule in spec.fit:
        if fit_rule_matches(rule, attributes.get(rule.field)):
            contributions.append(Contribution(rule.describe(), "fit", rule.points))
    touches = list(touches)
    for eng in spec.engagement:
        if eng.half_life_days is not None and as_of is None:
            raise SpecError(f"engagement rule {eng.kind!r} decays, so score_lead needs as_of")
        points, count = 0.0, 0
        for touch in touches:
            if touch.kind != eng.kind:
                continue
            age = 0.0 if as_of is None else _age_days(touch.at, as_of)
            if age < 0:
                continue
            points += decayed_points(eng.points, age, eng.half_life_days)
            count += 1
        if eng.max_points is not None:
            points = min(points, eng.max_points) if points >= 0 else max(points, -eng.max_points)
        if count:
            contributions.append(Contribution(eng.describe(), "engagement", points, count))
    contributions = [c for c in contributions if c.points != 0]
    contributions.sort(key=lambda c: -abs(c.points))
    return RuleScore(sum(c.points for c in contributions), tuple(contributions))


def score_frame(
    spec: PointsSpec,
    frame: pl.DataFrame,
    *,
    touches: Mapping[Any, Sequence[Touch]] | None = None,
    id_column: str | None = None,
    as_of: datetime | date | None = None,
) -> np.ndarray:
    """Total rule points for every row of a frame (touches looked up by ``id_column``)."""
    import numpy as np  # here, not at the top: the capture worker scores one lead at a time

    if touches is not None and id_column is None:
        raise ValueError("touches need id_column to find each lead's touches")
    out = np.empty(frame.height, dtype=float)
    for i, row in enumerate(frame.iter_rows(named=True)):
        lead_touches = touches.get(row[id_column], ()) if touches and id_column else ()
        out[i] = score_lead(spec, row, lead_touches, as_of=as_of).total
    return out


def points_from_history(
    frame: pl.DataFrame,
    fields: Sequence[str],
    label: str,
    *,
    scale: float = 10.0,
    min_leads: int = 30,
) -> PointsSpec:
    """Suggest fit points from past outcomes: ``round(scale * ln(rate_value / rate_all))``.

    A starting point for the marketer, not a model: values seen on fewer than
    ``min_leads`` leads get no rule (too few to trust), and points are rounded to
    whole numbers so the spec stays something a person reads and edits.
    """
    import polars as pl

    y = frame.get_column(label).cast(pl.Float64)
    overall = float(cast(float | None, y.mean()) or 0.0)  # a Float64 column's mean
    if overall <= 0.0 or overall >= 1.0:
        raise ValueError("points_from_history needs both won and lost leads")
    rules: list[FitRule] = []
    for name in fields:
        stats = (
            frame.select(pl.col(name).alias("v"), y.alias("y"))
            .drop_nulls("v")
            .group_by("v")
            .agg(n=pl.len(), rate=pl.col("y").mean())
            .filter(pl.col("n") >= min_leads)
            .sort("v")
        )
        for value, _n, rate in stats.iter_rows():
            smoothed = max(float(rate), 0.5 / min_leads)  # a value never won still gets a finite penalty
            points = round(scale * math.log(smoothed / overall))
            if points:
                rules.append(FitRule(field=name, op="eq", value=value, points=float(points)))
    return PointsSpec(fit=tuple(rules))
