"""Long-form touchpoints to journeys and unique paths: windowing, order, levels, errors."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from hamsu.analytics.attribution import (
    AttributionInputError,
    Paths,
    aggregate_journeys,
    aggregate_paths,
)

T0 = datetime(2026, 1, 1)


def touches(rows: list[tuple]) -> pl.DataFrame:
    """Rows of (journey, day offset, channel, converted, value)."""
    return pl.DataFrame(
        [
            {
                "journey_id": j,
                "ts": T0 + timedelta(days=d),
                "channel": c,
                "converted": cv,
                "conversion_value": v,
            }
            for j, d, c, cv, v in rows
        ]
    )


def as_dict(paths: Paths) -> dict[tuple[str, ...], tuple[float, float, float]]:
    return {
        tuple(row["path"]): (row["conversions"], row["value"], row["nulls"])
        for row in paths.to_frame().iter_rows(named=True)
    }


def test_journeys_are_ordered_by_time_and_collapse_to_unique_paths():
    frame = touches(
        [
            (1, 2, "email", True, 100.0),
            (1, 0, "search", False, 0.0),
            (2, 0, "search", False, 0.0),
            (2, 1, "email", True, 50.0),
            (3, 0, "social", False, 0.0),
            (3, 1, "social", False, 0.0),
        ]
    )
    assert as_dict(aggregate_paths(frame)) == {
        ("search", "email"): (2.0, 150.0, 0.0),
        ("social", "social"): (0.0, 0.0, 1.0),
    }


def test_touches_after_the_conversion_and_outside_the_lookback_are_dropped():
    frame = touches(
        [
            (1, 0, "display", False, 0.0),  # 40 days before the conversion
            (1, 30, "search", False, 0.0),
            (1, 40, "email", True, 10.0),
            (1, 41, "social", False, 0.0),  # after the conversion
            (2, 0, "display", False, 0.0),
            (2, 35, "search", False, 0.0),  # no conversion: window ends at the last touch
        ]
    )
    paths = aggregate_paths(frame, lookback=timedelta(days=30))
    assert as_dict(paths) == {("search", "email"): (1.0, 10.0, 0.0), ("search",): (0.0, 0.0, 1.0)}
    assert as_dict(aggregate_paths(frame))[("display", "search", "email")] == (1.0, 10.0, 0.0)


def test_time_ties_are_broken_by_channel_name():
    frame = touches([(1, 0, "zeta", False, 0.0), (1, 0, "alpha", False, 0.0), (1, 1, "beta", True, 1.0)])
    assert list(as_dict(aggregate_paths(frame))) == [("alpha", "zeta", "beta")]


def test_campaign_level_and_account_level_use_other_columns():
    frame = touches(
        [
            (1, 0, "search", False, 0.0),
            (2, 1, "email", True, 80.0),
        ]
    ).with_columns(account_id=pl.lit(7), campaign=pl.Series(["spring", "webinar"]))
    by_account = aggregate_paths(frame, journey="account_id", key="campaign")
    assert as_dict(by_account) == {("spring", "webinar"): (1.0, 80.0, 0.0)}


def test_journeys_keep_age_and_milestones():
    frame = touches([(1, 0, "search", False, 0.0), (1, 3, "email", True, 5.0)]).with_columns(
        lead_created=pl.Series([True, False]), opportunity_created=pl.Series([False, True])
    )
    journeys = aggregate_journeys(frame)
    np.testing.assert_allclose(journeys.age_seconds, [3 * 86400, 0])
    assert journeys.lead.tolist() == [True, False]
    assert journeys.opportunity.tolist() == [False, True]
    assert journeys.journey_ids.to_list() == [1]


def test_arrow_tables_lazy_frames_and_numeric_seconds_are_accepted():
    frame = pl.DataFrame(
        {
            "journey_id": ["a", "a"],
            "ts": [100, 200],
            "channel": ["x", "y"],
            "converted": [0, 1],
            "conversion_value": [None, 3.0],
        }
    )
    expected = {("x", "y"): (1.0, 3.0, 0.0)}
    assert as_dict(aggregate_paths(frame.to_arrow())) == expected
    assert as_dict(aggregate_paths(frame.lazy())) == expected
    assert as_dict(aggregate_paths(frame, lookback=timedelta(seconds=50))) == {("y",): (1.0, 3.0, 0.0)}


def test_missing_columns_and_empty_keys_are_reported():
    frame = touches([(1, 0, "search", True, 1.0)])
    with pytest.raises(AttributionInputError, match="missing column.*converted"):
        aggregate_paths(frame.drop("converted"))
    with pytest.raises(AttributionInputError, match="'channel' has 1 empty"):
        aggregate_paths(frame.with_columns(channel=pl.lit(None, pl.String)))
    with pytest.raises(AttributionInputError, match="Polars or Arrow"):
        aggregate_paths([{"journey_id": 1}])


def test_from_lists_sums_duplicates_and_codes_channels_in_name_order():
    paths = Paths.from_lists([["b", "a"], ["b", "a"], ["c"]], [1, 2, 0], [5.0, 1.0, 0.0], [0, 1, 4])
    assert paths.channels == ("a", "b", "c")
    assert as_dict(paths) == {("b", "a"): (3.0, 6.0, 1.0), ("c",): (0.0, 0.0, 4.0)}
    with pytest.raises(AttributionInputError):
        Paths.from_lists([[]], [1])


def test_unique_groups_short_packed_and_long_listed_paths_alike():
    """Paths longer than fit in one int64 key take the list route; both must agree with a dict."""
    rng = np.random.default_rng(7)
    lists = [[f"c{x}" for x in rng.integers(0, 12, rng.integers(1, 40))] for _ in range(500)]
    lists += lists[:200] + [["c1"] * 30, ["c1"] * 30]
    conv = rng.integers(0, 3, len(lists))
    value = rng.random(len(lists))
    nulls = rng.integers(0, 3, len(lists))
    expected: dict[tuple[str, ...], np.ndarray] = {}
    for path, *outcome in zip(lists, conv, value, nulls, strict=True):
        expected[tuple(path)] = expected.get(tuple(path), np.zeros(3)) + np.array(outcome, dtype=float)
    got = as_dict(Paths.from_lists(lists, conv, value, nulls))
    assert got.keys() == expected.keys()
    for path, outcome in expected.items():
        np.testing.assert_allclose(got[path], outcome, rtol=1e-12)
