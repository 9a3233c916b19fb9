"""Commit / best-case roll-up with manager overrides."""

import polars as pl
import pytest

from hamsu.analytics.forecasting.calls import effective_calls, roll_up_calls

CALLS = pl.DataFrame(
    {
        "seller": ["s1", "s2", "s3"],
        "period": ["2017Q3"] * 3,
        "commit": [100, 50, 20],
        "best_case": [150, 80, 30],
    }
)
TEAMS = pl.DataFrame({"seller": ["s1", "s2", "s3"], "team": ["A", "A", "B"]})


def test_override_replaces_the_sellers_call_not_adds_to_it():
    ov = pl.DataFrame({"seller": ["s2"], "period": ["2017Q3"], "commit": [70], "best_case": [None]})
    r = roll_up_calls(CALLS, TEAMS, ov)
    a = r.filter(pl.col("team") == "A").row(0, named=True)
    assert a["commit"] == 170 and a["best_case"] == 230  # null override field keeps the seller's 80
    assert a["overridden"] == 1
    assert a["sellers"] == 2
    assert a["seller_commit"] == 150
    b = r.filter(pl.col("team") == "B").row(0, named=True)
    assert (b["commit"], b["best_case"], b["overridden"]) == (20, 30, 0)


def test_no_overrides_and_unassigned_seller():
    calls = pl.concat(
        [CALLS, pl.DataFrame({"seller": ["s9"], "period": ["2017Q3"], "commit": [5], "best_case": [6]})]
    )
    r = roll_up_calls(calls, TEAMS)
    assert r.filter(pl.col("team").is_null())["commit"][0] == 5
    assert r["commit"].sum() == 175


def test_manager_call_for_a_silent_seller_counts():
    ov = pl.DataFrame({"seller": ["s4"], "period": ["2017Q3"], "commit": [10], "best_case": [12]})
    eff = effective_calls(CALLS, ov)
    s4 = eff.filter(pl.col("seller") == "s4").row(0, named=True)
    assert s4["commit"] == 10
    assert s4["overridden"]
    assert s4["seller_commit"] is None


def test_duplicate_calls_are_rejected():
    with pytest.raises(ValueError, match="more than one row"):
        effective_calls(pl.concat([CALLS, CALLS.head(1)]))
