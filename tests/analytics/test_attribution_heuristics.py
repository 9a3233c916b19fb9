"""Rule-based models: hand-computed cases, the sum invariant, and ChannelAttribution parity."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.analytics.attribution import (
    AttributionInputError,
    Paths,
    aggregate_journeys,
    attribute,
    touch_shares,
)
from hamsu.analytics.attribution.io import read_frame, read_input
from tests import optional

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "channelattribution_paths" / "Data.csv"
)

# ChannelAttribution's own small example shape: repeats, a null-only path, a 4-touch path.
PATHS = [["a", "b", "a"], ["a", "a", "b"], ["c"], ["b", "c", "c", "a"]]
CONV = [1, 2, 0, 1]
VALUE = [10.0, 4.0, 0.0, 3.0]
NULLS = [1, 0, 3, 2]


def small() -> Paths:
    return Paths.from_lists(PATHS, CONV, VALUE, NULLS)


def totals(model: str, data: object = None, **opts: object) -> dict[str, tuple[float, float]]:
    result = attribute(small() if data is None else data, model, **opts)
    return {
        c: (float(x), float(v))
        for c, x, v in zip(result.channels, result.conversions, result.value, strict=True)
    }


def assert_totals(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for channel, (conv, value) in expected.items():
        assert got[channel] == pytest.approx((conv, value), abs=1e-12)


def test_first_touch_by_hand():
    assert_totals(totals("first_touch"), {"a": (3, 14), "b": (1, 3), "c": (0, 0)})


def test_last_touch_by_hand():
    assert_totals(totals("last_touch"), {"a": (2, 13), "b": (2, 4), "c": (0, 0)})


def test_linear_counts_every_touch_including_repeats():
    # a > b > a: a 2/3; a > a > b (x2): a 4/3; b > c > c > a: a 1/4 ...
    assert_totals(
        totals("linear"),
        {"a": (2.25, 10 * 2 / 3 + 4 * 2 / 3 + 3 / 4), "b": (1.25, 10 / 3 + 4 / 3 + 3 / 4), "c": (0.5, 1.5)},
    )


def test_position_based_by_hand():
    # a>b>a: a .8 b .2; a>a>b: a .6 b .4 (x2 conversions); b>c>c>a: b .4, c .1+.1, a .4
    assert_totals(totals("position_based"), {"a": (2.4, 11.6), "b": (1.4, 4.8), "c": (0.2, 0.6)})


def test_position_based_renormalises_short_paths_and_takes_weights():
    two = Paths.from_lists([["x", "y"]], [1], [1.0])
    assert_totals(totals("position_based", two), {"x": (0.5, 0.5), "y": (0.5, 0.5)})
    skewed = totals("position_based", two, first_weight=0.6, last_weight=0.2)
    assert_totals(skewed, {"x": (0.75, 0.75), "y": (0.25, 0.25)})
    one = Paths.from_lists([["x"]], [1], [2.0])
    assert_totals(totals("position_based", one), {"x": (1, 2)})
    with pytest.raises(AttributionInputError, match="end weights"):
        attribute(two, "position_based", first_weight=0.7, last_weight=0.5)


def journey_frame(days: list[float], channels: list[str], lead: int | None = None, opp: int | None = None):
    t0 = datetime(2026, 3, 1)
    n = len(days)
    return pl.DataFrame(
        {
            "journey_id": [1] * n,
            "ts": [t0 + timedelta(days=d) for d in days],
            "channel": channels,
            "converted": [i == n - 1 for i in range(n)],
            "conversion_value": [100.0 if i == n - 1 else 0.0 for i in range(n)],
            "lead_created": [i == lead for i in range(n)],
            "opportunity_created": [i == opp for i in range(n)],
        }
    )


def test_time_decay_halves_per_half_life():
    frame = journey_frame([0, 7, 14], ["a", "b", "c"])
    shares = touch_shares(aggregate_journeys(frame), "time_decay", half_life=timedelta(days=7))
    np.testing.assert_allclose(shares, [1 / 7, 2 / 7, 4 / 7], rtol=1e-12)
    result = attribute(frame, "time_decay", half_life=timedelta(days=14))
    w = np.array([0.5, 2**-0.5, 1.0])
    np.testing.assert_allclose(result.conversions, w / w.sum(), rtol=1e-12)


def test_time_decay_needs_timestamps():
    with pytest.raises(AttributionInputError, match="timestamps"):
        attribute(small(), "time_decay")


@pytest.mark.parametrize(
    ("n", "lead", "opp", "expected"),
    [
        (5, 1, 3, [0.3, 0.3, 0.05, 0.3, 0.05]),  # the textbook W
        (4, 0, 2, [0.6, 0.05, 0.3, 0.05]),  # first touch is also the lead touch
        (3, 1, None, [3 / 7, 3 / 7, 1 / 7]),  # no opportunity yet: .3/.3/.1 renormalised
        (1, None, None, [1.0]),
        (2, 0, 1, [2 / 3, 1 / 3]),  # no "rest" touch: .6 (first + lead) and .3 renormalised
    ],
)
def test_w_shaped_by_hand(n, lead, opp, expected):
    frame = journey_frame(list(range(n)), [f"c{i}" for i in range(n)], lead, opp)
    shares = touch_shares(aggregate_journeys(frame), "w_shaped")
    np.testing.assert_allclose(shares, expected, rtol=1e-12)


def test_w_shaped_uses_the_first_flagged_touch_and_needs_flags():
    frame = journey_frame([0, 1, 2, 3], ["a", "b", "c", "d"], lead=1, opp=3).with_columns(
        lead_created=pl.Series([False, True, True, False])
    )
    np.testing.assert_allclose(touch_shares(aggregate_journeys(frame), "w_shaped"), [0.3, 0.3, 0.1, 0.3])
    with pytest.raises(AttributionInputError, match="w_shaped"):
        attribute(small(), "w_shaped")
    with pytest.raises(AttributionInputError, match="flag"):
        attribute(frame.drop("opportunity_created"), "w_shaped")


journeys_strategy = st.lists(
    st.tuples(
        st.lists(st.sampled_from("abcde"), min_size=1, max_size=7),
        st.integers(0, 3),
        st.floats(0, 1000),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(journeys_strategy)
def test_every_rule_splits_each_path_exactly_once(rows):
    paths = Paths.from_lists(
        [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]
    )
    for model in ("first_touch", "last_touch", "linear", "position_based"):
        shares = touch_shares(paths, model)
        per_path = np.bincount(paths.path_of_touch, weights=shares, minlength=paths.n_paths)
        np.testing.assert_allclose(per_path, 1.0, rtol=1e-12)
        result = attribute(paths, model)
        assert result.conversions.sum() == pytest.approx(paths.total_conversions, rel=1e-12, abs=1e-12)
        assert result.value.sum() == pytest.approx(paths.total_value, rel=1e-12, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.floats(0, 100), st.booleans(), st.booleans()),
        min_size=1,
        max_size=8,
    ),
    st.floats(0.1, 50),
)
def test_touch_level_rules_split_each_journey_exactly_once(touches, half_life):
    frame = journey_frame([t[1] for t in touches], [t[0] for t in touches])
    frame = frame.with_columns(
        lead_created=pl.Series([t[2] for t in touches]),
        opportunity_created=pl.Series([t[3] for t in touches]),
    )
    journeys = aggregate_journeys(frame)
    for model in ("time_decay", "w_shaped"):
        shares = touch_shares(journeys, model, half_life=timedelta(days=half_life))
        assert shares.sum() == pytest.approx(1.0, rel=1e-12)
        assert (shares >= 0).all()


def reference_heuristics(frame: pl.DataFrame) -> dict[str, dict[str, float]]:
    ca_module = optional.channelattribution()
    out = ca_module.heuristic_models(
        frame.to_pandas(), "path", "total_conversions", var_value="total_conversion_value", flg_pro=False
    )
    return {row["channel_name"]: row for row in out.to_dict("records")}


def assert_matches_reference(paths: Paths, reference: dict[str, dict[str, float]]) -> None:
    for model, prefix in (
        ("first_touch", "first_touch"),
        ("last_touch", "last_touch"),
        ("linear", "linear_touch"),
    ):
        result = attribute(paths, model)
        for channel, conv, value in zip(result.channels, result.conversions, result.value, strict=True):
            assert conv == pytest.approx(reference[channel][f"{prefix}_conversions"], abs=1e-9)
            assert value == pytest.approx(reference[channel][f"{prefix}_value"], abs=1e-9)


def test_heuristics_equal_channelattribution_on_the_small_example():
    frame = pl.DataFrame(
        {
            "path": [" > ".join(p) for p in PATHS],
            "total_conversions": CONV,
            "total_conversion_value": VALUE,
            "total_null": NULLS,
        }
    )
    assert_matches_reference(small(), reference_heuristics(frame))


def test_heuristics_equal_channelattribution_on_its_example_data():
    if not DATA.exists():
        pytest.skip("shared data set not available")
    reference = reference_heuristics(read_frame(DATA))
    assert_matches_reference(read_input(DATA), reference)
