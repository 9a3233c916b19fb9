"""Exact Markov removal effects: by hand, against an independent solver, and against ChannelAttribution."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.analytics.attribution import AttributionInputError, Paths, attribute
from hamsu.analytics.attribution.io import read_frame, read_input
from tests import optional

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "channelattribution_paths" / "Data.csv"
)

PATHS = [["a", "b", "a"], ["a", "a", "b"], ["c"], ["b", "c", "c", "a"]]
CONV = [1, 2, 0, 1]
VALUE = [10.0, 4.0, 0.0, 3.0]
NULLS = [1, 0, 3, 2]


def small() -> Paths:
    return Paths.from_lists(PATHS, CONV, VALUE, NULLS)


def test_order_1_by_hand():
    """Solved on paper: P(conv) = 2/5; without a 3/35, without b 11/90, without c 7/25.

    Value per journey 1.7; without a 6/35, without b 143/180, without c 429.8/385.
    """
    removal = {"a": Fraction(11, 14), "b": Fraction(25, 36), "c": Fraction(3, 10)}
    removal_value = {"a": Fraction(107, 119), "b": Fraction(163, 306), "c": Fraction(321, 935)}
    result = attribute(small(), "markov")
    effects = result.details["removal_effects"]
    assert result.details["conversion_probability"] == pytest.approx(0.4, abs=1e-15)
    for i, channel in enumerate(result.channels):
        assert effects[channel]["conversions"] == pytest.approx(float(removal[channel]), abs=1e-12)
        assert effects[channel]["value"] == pytest.approx(float(removal_value[channel]), abs=1e-12)
        share = removal[channel] / sum(removal.values())
        share_value = removal_value[channel] / sum(removal_value.values())
        assert result.conversions[i] == pytest.approx(float(4 * share), abs=1e-12)
        assert result.value[i] == pytest.approx(float(17 * share_value), abs=1e-12)


def test_order_2_and_3_by_hand():
    """k-grams of unmerged touches; a path shorter than k is one state; repeats merge.

    Every journey converts. Without c only the (a,b) loop of path 1 is cut: from (a,b)
    1/3 goes to (b,b) -> (b,c) (now null), 1/3 loops via (b,a), 1/3 converts, so
    P(conv | (a,b)) = 1/2 and P = 3/4.
    """
    paths = Paths.from_lists(
        [["a", "a", "b", "b", "c"], ["a"], ["d", "d"], ["a", "b", "a", "b"]],
        [1, 1, 1, 1],
        [1.0, 2.0, 3.0, 4.0],
    )
    for order in (2, 3):
        result = attribute(paths, "markov", order=order)
        effects = {c: e["conversions"] for c, e in result.details["removal_effects"].items()}
        assert effects == pytest.approx({"a": 0.75, "b": 0.5, "c": 0.25, "d": 0.25}, abs=1e-12)
        values = {c: e["value"] for c, e in result.details["removal_effects"].items()}
        assert values == pytest.approx({"a": 0.7, "b": 0.5, "c": 0.1, "d": 0.3}, abs=1e-12)
    assert attribute(paths, "markov", order=2).details["states"] == 7


def test_no_conversions_attributes_nothing_and_bad_order_is_refused():
    paths = Paths.from_lists([["a", "b"]], [0], None, [5])
    result = attribute(paths, "markov")
    assert result.conversions.tolist() == [0.0, 0.0]
    with pytest.raises(AttributionInputError, match="order"):
        attribute(paths, "markov", order=4)


def independent_removal_effects(paths: Paths, order: int) -> dict[str, tuple[float, float]]:
    """A deliberately different formulation: Python dicts of tuple states, removal by
    redirecting transitions to an explicit null state, absorption via the fundamental
    matrix of the full chain (start, states, conversion, null)."""
    rows = paths.to_frame().iter_rows(named=True)
    counts: dict[tuple, dict[tuple, float]] = {}
    for row in rows:
        touches = row["path"]
        weight = row["conversions"] + row["nulls"]
        if weight == 0:
            continue
        if len(touches) < order:
            states = [tuple(touches)]
        else:
            states = [tuple(touches[i : i + order]) for i in range(len(touches) - order + 1)]
        merged = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
        chain = [("<start>",), *merged]
        for src, dst in zip(chain, chain[1:], strict=False):
            counts.setdefault(src, {}).setdefault(dst, 0.0)
            counts[src][dst] += weight
        last = counts.setdefault(merged[-1], {})
        last[("<conv>",)] = last.get(("<conv>",), 0.0) + row["conversions"]
        last[("<null>",)] = last.get(("<null>",), 0.0) + row["nulls"]
        counts.setdefault(("<value>", merged[-1]), {"sum": 0.0})["sum"] += row["value"]

    transient = [s for s in counts if s[0] != "<value>"]
    index = {s: i for i, s in enumerate(transient)}

    def absorb(removed: str | None) -> tuple[float, float]:
        n = len(transient)
        q = np.zeros((n, n))
        to_conv = np.zeros(n)
        value_reward = np.zeros(n)
        for src in transient:
            total = sum(counts[src].values())
            conv_here = counts[src].get(("<conv>",), 0.0)
            for dst, w in counts[src].items():
                if dst in (("<conv>",), ("<null>",)):
                    continue
                if removed is not None and removed in dst:
                    continue  # redirected to null
                q[index[src], index[dst]] += w / total
            to_conv[index[src]] = conv_here / total
            if conv_here:
                mean_value = counts[("<value>", src)]["sum"] / conv_here
                value_reward[index[src]] = conv_here / total * mean_value
        fundamental = np.linalg.inv(np.eye(n) - q)
        start = index[("<start>",)]
        return float((fundamental @ to_conv)[start]), float((fundamental @ value_reward)[start])

    base = absorb(None)
    out = {}
    for channel in paths.channels:
        without = absorb(channel)
        out[channel] = tuple(1 - w / b if b else 0.0 for w, b in zip(without, base, strict=True))
    return out


def assert_matches_independent(paths: Paths, order: int) -> None:
    result = attribute(paths, "markov", order=order)
    expected = independent_removal_effects(paths, order)
    effects = result.details["removal_effects"]
    for channel, (conv, value) in expected.items():
        assert effects[channel]["conversions"] == pytest.approx(conv, abs=1e-9)
        assert effects[channel]["value"] == pytest.approx(value, abs=1e-9)
    removal = np.array([r[0] for r in expected.values()])
    if removal.sum() == 0:  # nothing converts: nothing to attribute
        assert not result.conversions.any()
        return
    np.testing.assert_allclose(
        result.conversions, paths.total_conversions * removal / removal.sum(), atol=1e-9
    )
    assert result.conversions.sum() == pytest.approx(paths.total_conversions, rel=1e-12)
    assert result.value.sum() == pytest.approx(paths.total_value, rel=1e-12, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from("abcd"), min_size=1, max_size=6),
            st.integers(0, 3),
            st.floats(0, 100),
            st.integers(0, 3),
        ),
        min_size=1,
        max_size=25,
    ),
    st.integers(1, 3),
)
def test_random_paths_match_the_independent_solver(rows, order):
    conversions = [r[1] for r in rows]
    values = [r[2] if r[1] else 0.0 for r in rows]
    nulls = [r[3] if r[1] or r[3] else 1 for r in rows]  # every path row has at least one journey
    paths = Paths.from_lists([r[0] for r in rows], conversions, values, nulls)
    assert_matches_independent(paths, order)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_example_data_matches_the_independent_solver(order):
    if not DATA.exists():
        pytest.skip("shared data set not available")
    assert_matches_independent(read_input(DATA), order)


@pytest.mark.parametrize("order", [1, 2])
def test_channelattribution_agrees_within_its_simulation_noise(order):
    """ChannelAttribution simulates; with a million walks and no step cap it lands within ~1-2%."""
    ca = optional.channelattribution()
    if not DATA.exists():
        pytest.skip("shared data set not available")
    frame = read_frame(DATA)
    reference = ca.markov_model(
        frame.to_pandas(),
        "path",
        "total_conversions",
        var_value="total_conversion_value",
        var_null="total_null",
        order=order,
        nsim_start=1e6,
        max_step=1000,
        out_more=True,
        verbose=False,
        flg_pro=False,
    )
    ours = attribute(read_input(DATA), "markov", order=order)
    effects = pl.from_pandas(reference["removal_effects"]).rows_by_key("channel_name", unique=True)
    for channel, values in ours.details["removal_effects"].items():
        ref_conv, ref_value = effects[channel]
        assert ref_conv == pytest.approx(values["conversions"], abs=0.02)
        assert ref_value == pytest.approx(values["value"], abs=0.02)
    result = pl.from_pandas(reference["result"]).rows_by_key("channel_name", unique=True)
    for channel, conv in zip(ours.channels, ours.conversions, strict=True):
        assert result[channel][0] == pytest.approx(conv, rel=0.05, abs=2.0)
