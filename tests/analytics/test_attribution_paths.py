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
    attribute,
    prepare_touches,
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
    """Paths longer than fit in one int64 key are keyed by several words; both must agree with a dict."""
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


@pytest.mark.parametrize(
    ("journeys", "start"),
    [
        (np.arange(-40, 40), datetime(2026, 1, 1)),  # negative ids
        (np.arange(80) * 10**12, datetime(1969, 12, 1)),  # sparse ids, times before 1970
        (np.arange(80, dtype=np.int16) - 40, datetime(2026, 1, 1)),  # a narrow type whose span overflows it
        (np.arange(80, dtype=np.uint64) + 2**63, datetime(2026, 1, 1)),  # unsigned beyond int64
    ],
)
def test_the_fast_touch_order_equals_polars_multi_column_sort(journeys, start, monkeypatch):
    """Integer journeys and datetimes are sorted by NumPy; the result must be Polars' sort's."""
    import importlib

    touches_module = importlib.import_module("hamsu.analytics.attribution.touches")
    rng = np.random.default_rng(3)
    n = 2_000
    frame = pl.DataFrame(
        {
            "journey_id": pl.Series(rng.choice(journeys, n)),
            # few distinct times, so ties within a journey are broken by the channel
            "ts": [start + timedelta(hours=int(h)) for h in rng.integers(0, 30, n)],
            "channel": rng.choice(["search", "email", "social", "display", "event"], n),
            "converted": rng.random(n) < 0.1,
            "conversion_value": rng.random(n).round(2),
        }
    )
    fast = prepare_touches(frame)
    assert not np.array_equal(fast.order, np.arange(n))  # the NumPy route sorted the rows
    monkeypatch.setattr(touches_module, "_packed_touch_order", lambda *args: None)
    general = prepare_touches(frame)
    np.testing.assert_array_equal(fast.codes, general.codes)
    np.testing.assert_array_equal(fast.starts, general.starts)
    np.testing.assert_array_equal(fast.age, general.age)
    np.testing.assert_array_equal(fast.keep, general.keep)
    assert fast.journeys().journey_ids.to_list() == general.journeys().journey_ids.to_list()
    keys = ["journey_id", "ts", "_code", "_age", "_keep"]
    assert fast.frame.select(keys).rows() == general.frame.select(keys).rows()
    # Rows equal in journey, time and channel may come in either order: same rows, same models.
    assert sorted(fast.frame.rows()) == sorted(general.frame.rows())
    for model in ("first_touch", "last_touch", "linear", "position_based", "time_decay", "markov"):
        np.testing.assert_allclose(
            attribute(fast.journeys(), model).value, attribute(general.journeys(), model).value, rtol=1e-12
        )
