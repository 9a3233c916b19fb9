"""Shapley attribution: by hand, against the closed form, and the sampled estimate's bound."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.analytics.attribution import Paths, attribute


def closed_form(paths: list[list[str]], conversions: list[float]) -> dict[str, float]:
    """v(S) = sum over journeys with channels ⊆ S is a sum of unanimity games: 1/k each."""
    out: dict[str, float] = {}
    for path, conv in zip(paths, conversions, strict=True):
        distinct = set(path)
        for channel in distinct:
            out[channel] = out.get(channel, 0.0) + conv / len(distinct)
    return out


def brute_force(paths: list[list[str]], conversions: list[float]) -> dict[str, float]:
    """Textbook definition over all orderings, for a handful of channels."""
    channels = sorted({c for p in paths for c in p})

    def v(coalition: set[str]) -> float:
        return sum(conv for p, conv in zip(paths, conversions, strict=True) if set(p) <= coalition)

    phi = dict.fromkeys(channels, 0.0)
    for order in itertools.permutations(channels):
        members: set[str] = set()
        for channel in order:
            before = v(members)
            members.add(channel)
            phi[channel] += v(members) - before
    return {c: x / math.factorial(len(channels)) for c, x in phi.items()}


def test_by_hand():
    # {a}: 3 conversions; {a, b}: 2; {b, c}: 1  ->  a 3 + 1, b 1 + 0.5, c 0.5
    paths = [["a"], ["a", "b", "a"], ["c", "b"]]
    result = attribute(Paths.from_lists(paths, [3, 2, 1], [30.0, 20.0, 10.0], [1, 1, 1]), "shapley")
    assert dict(zip(result.channels, result.conversions.tolist(), strict=True)) == pytest.approx(
        {"a": 4.0, "b": 1.5, "c": 0.5}, abs=1e-12
    )
    assert result.value.tolist() == pytest.approx([40.0, 15.0, 5.0], abs=1e-12)
    assert result.details == {"method": "exact", "coalitions": 8}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from("abcde"), min_size=1, max_size=5), st.integers(0, 4)),
        min_size=1,
        max_size=20,
    )
)
def test_exact_equals_brute_force_and_closed_form(rows):
    paths, conversions = [r[0] for r in rows], [float(r[1]) for r in rows]
    result = attribute(Paths.from_lists(paths, conversions, None, [1] * len(rows)), "shapley")
    got = dict(zip(result.channels, result.conversions.tolist(), strict=True))
    expected = brute_force(paths, conversions)
    assert got == pytest.approx(expected, abs=1e-9)
    assert got == pytest.approx({c: closed_form(paths, conversions).get(c, 0.0) for c in got}, abs=1e-9)
    assert result.conversions.sum() == pytest.approx(sum(conversions), abs=1e-9)


def random_paths(n_channels: int, n_paths: int, seed: int) -> tuple[list[list[str]], list[float]]:
    rng = np.random.default_rng(seed)
    names = [f"ch{i:02d}" for i in range(n_channels)]
    paths = [[names[i] for i in rng.integers(0, n_channels, rng.integers(1, 6))] for _ in range(n_paths)]
    return paths, rng.integers(0, 4, n_paths).astype(float).tolist()


def test_exact_up_to_fifteen_channels_matches_the_closed_form():
    paths, conversions = random_paths(15, 400, seed=3)
    result = attribute(Paths.from_lists(paths, conversions, None, [1] * 400), "shapley")
    expected = closed_form(paths, conversions)
    assert result.details["method"] == "exact"
    for channel, conv in zip(result.channels, result.conversions, strict=True):
        assert conv == pytest.approx(expected.get(channel, 0.0), abs=1e-9)


def test_sampled_beyond_fifteen_channels_stays_within_its_reported_bound():
    paths, conversions = random_paths(20, 500, seed=5)
    values = [c * 10.0 for c in conversions]
    result = attribute(
        Paths.from_lists(paths, conversions, values, [1] * 500), "shapley", samples=4000, seed=1
    )
    assert result.details["method"] == "sampled"
    assert result.details["samples"] == 4000
    expected = closed_form(paths, conversions)
    bound = result.details["error_bound"]
    for channel, conv, value in zip(result.channels, result.conversions, result.value, strict=True):
        assert abs(conv - expected.get(channel, 0.0)) <= bound[channel]["conversions"]
        assert abs(value - 10 * expected.get(channel, 0.0)) <= bound[channel]["value"]
    # Every sampled ordering credits each journey exactly once, so efficiency is exact.
    assert result.conversions.sum() == pytest.approx(sum(conversions), rel=1e-12)
    again = attribute(
        Paths.from_lists(paths, conversions, values, [1] * 500), "shapley", samples=4000, seed=1
    )
    np.testing.assert_array_equal(again.conversions, result.conversions)
