"""Rule points: fit rules, engagement with half-life decay, JSON round trip."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamsu.analytics.lead_scoring import (
    EngagementRule,
    FitRule,
    PointsSpec,
    SpecError,
    Touch,
    decayed_points,
    points_from_history,
    score_frame,
    score_lead,
)

NOW = datetime(2026, 6, 1, 12, 0)

SPEC = PointsSpec(
    fit=(
        FitRule("country", "eq", 10, "IR", "based in Iran"),
        FitRule("employees", "gte", 15, 200),
        FitRule("industry", "in", 5, ("retail", "food")),
        FitRule("email", "missing", -20),
    ),
    engagement=(
        EngagementRule("webinar", 20, half_life_days=30),
        EngagementRule("email_open", 2, half_life_days=None, max_points=6),
    ),
)


def test_fit_and_engagement_hand_computed() -> None:
    touches = [
        Touch("webinar", NOW - timedelta(days=30)),  # 20 * 0.5 = 10
        Touch("webinar", NOW - timedelta(days=60)),  # 20 * 0.25 = 5
        Touch("webinar", NOW + timedelta(days=1)),  # in the future: ignored
        *[Touch("email_open", NOW - timedelta(days=d)) for d in range(5)],  # 5 * 2 = 10, capped at 6
        Touch("demo_request", NOW),  # no rule for it
    ]
    lead = {"country": "IR", "employees": 250, "industry": "tech", "email": "a@b.ir"}
    result = score_lead(SPEC, lead, touches, as_of=NOW)
    assert result.total == pytest.approx(10 + 15 + 10 + 5 + 6)
    by_rule = {c.rule: c for c in result.contributions}
    assert by_rule["employees ≥ 200"].points == 15
    assert by_rule["based in Iran"].points == 10
    assert by_rule["webinar touches"].points == pytest.approx(15)
    assert by_rule["webinar touches"].touches == 2
    assert by_rule["email_open touches"].points == 6
    assert "industry in ('retail', 'food')" not in by_rule
    # largest first, for the "why this score" panel
    assert [c.points for c in result.contributions] == sorted(
        (c.points for c in result.contributions), key=lambda p: -abs(p)
    )


def test_missing_values_only_match_missing() -> None:
    result = score_lead(SPEC, {"country": None, "employees": None}, as_of=NOW)
    assert result.total == -20
    assert result.contributions[0].rule == "email is not set"


def test_type_mismatch_does_not_raise() -> None:
    assert score_lead(SPEC, {"employees": "many", "email": "x"}, as_of=NOW).total == 0


def test_decaying_rules_need_as_of() -> None:
    with pytest.raises(SpecError, match="as_of"):
        score_lead(SPEC, {}, [Touch("webinar", NOW)])


def test_dates_and_datetimes_mix() -> None:
    spec = PointsSpec(engagement=(EngagementRule("visit", 8, half_life_days=1),))
    result = score_lead(spec, {}, [Touch("visit", date(2026, 5, 31))], as_of=datetime(2026, 6, 1))
    assert result.total == pytest.approx(4)


def test_json_round_trip() -> None:
    data = json.loads(json.dumps(SPEC.to_dict()))
    assert PointsSpec.from_dict(data) == SPEC


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fit": [{"field": "x", "op": "like", "points": 1}]}, "unknown operator"),
        ({"fit": [{"field": "x", "op": "in", "value": "a", "points": 1}]}, "needs a list"),
        ({"fit": [{"field": "x", "op": "eq", "points": "lots"}]}, "malformed"),
        ({"fit": [{"op": "eq", "points": 1}]}, "malformed"),
        ({"engagement": [{"kind": "x", "points": 1, "half_life_days": 0}]}, "half_life_days"),
        ({"engagement": [{"kind": "x", "points": math.inf}]}, "finite"),
    ],
)
def test_bad_specs_are_rejected(data: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        PointsSpec.from_dict(data)


@given(
    st.floats(0, 1000),
    st.floats(0, 3650),
    st.floats(0, 3650),
    st.floats(0.1, 365),
)
def test_decay_is_monotone_and_bounded(points: float, age1: float, age2: float, half_life: float) -> None:
    young, old = sorted((age1, age2))
    assert 0 <= decayed_points(points, old, half_life) <= decayed_points(points, young, half_life) <= points


def test_score_frame_with_touches() -> None:
    frame = pl.DataFrame({"id": [1, 2], "country": ["IR", "DE"], "email": ["a", None]})
    touches = {1: [Touch("webinar", NOW)]}
    scores = score_frame(SPEC, frame, touches=touches, id_column="id", as_of=NOW)
    assert scores.tolist() == [30.0, -20.0]


def test_points_from_history_hand_computed() -> None:
    frame = pl.DataFrame(
        {
            "origin": ["a"] * 10 + ["b"] * 10 + ["c"] * 2,
            "won": [True] * 5 + [False] * 5 + [False] * 10 + [True] * 2,
        }
    )
    spec = points_from_history(frame, ["origin"], "won", min_leads=10)
    # overall rate 7/22; a: 10 ln(0.5 / (7/22)) = 4.52 -> 5; b: never won, rate floored at
    # 0.5/10 = 0.05 -> 10 ln(0.05 / (7/22)) = -18.51 -> -19
    points = {r.value: r.points for r in spec.fit}
    assert points == {"a": 5.0, "b": -19.0}
    assert "c" not in points  # only 2 leads: too few to suggest anything
