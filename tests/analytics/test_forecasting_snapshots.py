"""Snapshots see only what was known on their date."""

import datetime as dt

import polars as pl

from hamsu.analytics.forecasting.snapshots import (
    next_quarter,
    open_deals_as_of,
    outcome_spells_as_of,
    quarter_end,
    quarter_label,
    quarter_start,
    stage_spells_as_of,
    weekly_snapshot_dates,
)

D = dt.date


def _events() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "object_id": ["A", "A", "B", "B", "C", "C"],
            "from_stage": [None, "Engaging", None, "Engaging", None, "Prospecting"],
            "to_stage": ["Engaging", "won", "Engaging", "lost", "Prospecting", "Engaging"],
            "at": [
                D(2017, 1, 1),
                D(2017, 1, 11),
                D(2017, 1, 5),
                D(2017, 2, 1),
                D(2016, 12, 20),
                D(2017, 1, 3),
            ],
        }
    )


def test_open_deals_ignore_the_future():
    od = open_deals_as_of(_events(), D(2017, 1, 10)).sort("object_id")
    assert od["object_id"].to_list() == ["A", "B", "C"]
    assert od["stage"].to_list() == ["Engaging"] * 3
    assert od["age_days"].to_list() == [9, 5, 7]


def test_stage_spells_record_exit_and_censoring():
    sp = stage_spells_as_of(_events(), D(2017, 1, 10)).sort(["object_id", "entered_at"])
    c_pros = sp.filter((pl.col("object_id") == "C") & (pl.col("stage") == "Prospecting")).row(0, named=True)
    assert c_pros["exit_to"] == "Engaging"
    assert c_pros["days"] == 14
    assert not c_pros["is_open"]
    a = sp.filter(pl.col("object_id") == "A").row(0, named=True)
    assert a["is_open"] and a["exit_to"] is None and a["days"] == 9  # won on the 11th: not known yet


def test_outcome_spells_measure_to_the_final_outcome():
    out = outcome_spells_as_of(_events(), D(2017, 1, 20)).sort(["object_id", "stage"])
    rows = {(r["object_id"], r["stage"]): r for r in out.iter_rows(named=True)}
    assert rows[("A", "Engaging")]["outcome"] == "won"
    assert rows[("A", "Engaging")]["days"] == 10
    assert rows[("B", "Engaging")]["outcome"] is None
    assert rows[("B", "Engaging")]["days"] == 15
    assert rows[("C", "Prospecting")]["days"] == 31


def test_quarters_and_weeks():
    assert quarter_start(D(2017, 11, 15)) == D(2017, 10, 1)
    assert quarter_end(D(2017, 11, 15)) == D(2017, 12, 31)
    assert quarter_end(D(2017, 2, 1)) == D(2017, 3, 31)
    assert next_quarter(D(2017, 12, 31)) == (D(2018, 1, 1), D(2018, 3, 31))
    assert quarter_label(D(2017, 8, 1)) == "2017Q3"
    weeks = weekly_snapshot_dates(D(2016, 12, 28), D(2017, 1, 15))
    assert weeks == [D(2017, 1, 1), D(2017, 1, 8), D(2017, 1, 15)]  # Sundays


def test_a_reopened_deal_is_open_again_and_keeps_its_first_outcome():
    ev = pl.DataFrame(
        {
            "object_id": ["R", "R", "R"],
            "from_stage": [None, "Engaging", "lost"],
            "to_stage": ["Engaging", "lost", "Engaging"],
            "at": [D(2017, 1, 1), D(2017, 1, 10), D(2017, 2, 1)],
        }
    )
    out = outcome_spells_as_of(ev, D(2017, 2, 11)).sort("entered_at")
    assert out["outcome"].to_list() == ["lost", None]
    assert out["days"].to_list() == [9, 10]
