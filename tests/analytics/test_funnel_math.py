"""Funnel math on a hand-computed four-object funnel."""

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.analytics.funnel_math import (
    leakage,
    pipeline_coverage,
    reverse_funnel_plan,
    reverse_funnel_plan_from_events,
    stage_conversion,
    stage_reach,
    time_in_stage,
    win_rate_and_deal_size,
)

D = dt.date
ORDER = ["inquiry", "mql", "sql", "won"]


def _events() -> pl.DataFrame:
    rows = [
        ("o1", None, "inquiry", D(2017, 1, 1)),
        ("o1", "inquiry", "mql", D(2017, 1, 3)),
        ("o1", "mql", "sql", D(2017, 1, 6)),
        ("o1", "sql", "won", D(2017, 1, 16)),
        ("o2", None, "inquiry", D(2017, 1, 1)),
        ("o2", "inquiry", "mql", D(2017, 1, 2)),
        ("o2", "mql", "lost", D(2017, 1, 4)),
        ("o3", None, "inquiry", D(2017, 1, 2)),
        ("o3", "inquiry", "sql", D(2017, 1, 5)),  # skips mql
        ("o3", "sql", "lost", D(2017, 1, 8)),
        ("o4", None, "inquiry", D(2017, 1, 3)),
    ]
    return pl.DataFrame(rows, schema=["object_id", "from_stage", "to_stage", "at"], orient="row")


def test_reach_counts_skipped_stages_as_passed():
    assert stage_reach(_events(), ORDER)["reached"].to_list() == [4, 3, 2, 1]


def test_adjacent_conversion():
    c = stage_conversion(_events(), ORDER)
    assert c["from_stage"].to_list() == ["inquiry", "mql", "sql"]
    assert c["conversion"].to_list() == pytest.approx([3 / 4, 2 / 3, 1 / 2])


def test_leakage_per_stage():
    lk = leakage(_events(), ORDER, exit_stages=["lost"])
    assert lk["leaked"].to_list() == [0, 1, 1, 0]
    assert lk["leakage"].to_list() == pytest.approx([0.0, 1 / 3, 1 / 2, 0.0])


def test_time_in_stage_separates_open_stays():
    t = {r["stage"]: r for r in time_in_stage(_events(), as_of=D(2017, 1, 10)).iter_rows(named=True)}
    assert t["inquiry"]["completed"] == 3
    assert t["inquiry"]["open"] == 1
    assert t["inquiry"]["median_days"] == pytest.approx(2.0)  # 2, 1, 3 days
    assert t["inquiry"]["open_median_age_days"] == pytest.approx(7.0)  # o4 since Jan 3
    assert t["mql"]["median_days"] == pytest.approx(2.5)  # 3 and 2
    assert t["sql"]["mean_days"] == pytest.approx(6.5)  # 10 and 3


def test_time_in_stage_with_datetimes_is_fractional():
    ev = pl.DataFrame(
        {
            "object_id": ["x", "x"],
            "from_stage": [None, "inquiry"],
            "to_stage": ["inquiry", "mql"],
            "at": [dt.datetime(2017, 1, 1, 0), dt.datetime(2017, 1, 1, 12)],
        }
    )
    assert time_in_stage(ev)["median_days"].drop_nulls().to_list() == [0.5]


def test_pipeline_coverage():
    assert pipeline_coverage(300_000, 200_000, closed_to_date=100_000) == pytest.approx(3.0)
    assert pipeline_coverage(1.0, 100.0, closed_to_date=150.0) == math.inf


def test_reverse_funnel_plan_hand_computed():
    plan = reverse_funnel_plan(
        target_revenue=100_000,
        closed_to_date=20_000,
        avg_deal_size=10_000,
        stages=["inquiry", "mql", "sql", "opportunity", "won"],
        conversion=[0.1, 0.5, 0.8, 0.25],
        days_in_stage={"inquiry": 10, "mql": 5, "sql": 7, "opportunity": 30},
        period_end=D(2017, 12, 31),
    )
    assert plan["needed"].to_list() == [800, 80, 40, 32, 8]
    assert plan["days_to_close"].to_list() == [52, 42, 37, 30, 0]
    assert plan["start_by"][0] == D(2017, 11, 9)


def test_reverse_funnel_rounds_once_not_per_step():
    plan = reverse_funnel_plan(
        target_revenue=85_000,
        avg_deal_size=10_000,
        stages=["inquiry", "mql", "sql", "opportunity", "won"],
        conversion=[0.1, 0.5, 0.8, 0.25],
    )
    # per-step rounding would give 900, 90, 45, 36, 9
    assert plan["needed"].to_list() == [850, 85, 43, 34, 9]
    assert plan["start_by"].null_count() == 5


def test_reverse_funnel_rejects_bad_rates():
    with pytest.raises(ValueError):
        reverse_funnel_plan(target_revenue=1, avg_deal_size=1, stages=["a", "won"], conversion=[0.0])
    with pytest.raises(ValueError):
        reverse_funnel_plan(target_revenue=1, avg_deal_size=1, stages=["a", "b", "won"], conversion=[0.5])


def test_win_rate_and_deal_size_ignore_open():
    opps = pl.DataFrame({"outcome": ["won", "lost", "won", None], "value": [100.0, 0.0, 300.0, 999.0]})
    assert win_rate_and_deal_size(opps) == (pytest.approx(2 / 3), pytest.approx(200.0))


def test_reverse_funnel_from_measured_events():
    # measured: inquiry->mql 3/4, mql->sql 2/3, sql->won 1/2; median days inquiry 2, mql 2.5, sql 6.5
    plan = reverse_funnel_plan_from_events(
        _events(), stages=ORDER, target_revenue=30_000, avg_deal_size=10_000, period_end=D(2017, 12, 31)
    )
    # 3 won -> 6 SQL -> 9 MQL -> 12 inquiries
    assert plan["needed"].to_list() == [12, 9, 6, 3]
    assert plan["days_to_close"].to_list() == pytest.approx([11.0, 9.0, 6.5, 0.0])
    assert plan["start_by"][0] == D(2017, 12, 20)


def test_reverse_funnel_from_events_refuses_a_dead_stage():
    ev = _events().filter(pl.col("to_stage") != "won")
    with pytest.raises(ValueError, match="zero or undefined"):
        reverse_funnel_plan_from_events(ev, stages=ORDER, target_revenue=1, avg_deal_size=1)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 8), st.lists(st.sampled_from(["mql", "sql", "won", "lost"]), max_size=3)),
        min_size=1,
        max_size=25,
    )
)
def test_funnel_invariants(objects):
    rows = []
    for i, (start, path) in enumerate(objects):
        prev, day = None, start
        for stage in ["inquiry", *path]:
            rows.append((f"o{i}", prev, stage, D(2017, 1, 1) + dt.timedelta(days=day)))
            prev, day = stage, day + 1
            if stage in ("won", "lost"):
                break
    ev = pl.DataFrame(rows, schema=["object_id", "from_stage", "to_stage", "at"], orient="row")
    reach = stage_reach(ev, ORDER)["reached"].to_list()
    assert reach[0] == len(objects)
    assert all(a >= b for a, b in zip(reach, reach[1:], strict=False))
    conv = [c for c in stage_conversion(ev, ORDER)["conversion"].to_list() if c is not None]
    assert all(0.0 <= c <= 1.0 for c in conv)
    lk = leakage(ev, ORDER, exit_stages=["lost"])
    assert all(0.0 <= x <= 1.0 for x in lk["leakage"].drop_nulls().to_list())
    assert (
        lk["leaked"].sum()
        == ev.group_by("object_id").agg(pl.col("to_stage").last())["to_stage"].eq("lost").sum()
    )
