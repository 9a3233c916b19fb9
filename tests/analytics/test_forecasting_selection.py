"""Model selection: the method with the best WAPE on the same forecasts, chosen from the past only."""

import datetime as dt

import polars as pl

from hamsu.analytics.forecasting.accuracy import forecast_errors
from hamsu.analytics.forecasting.selection import select_method, walk_forward_selection

D = dt.date
Q2_END, Q3_END = D(2017, 6, 30), D(2017, 9, 30)


def errors(
    rows: list[tuple[dt.date, str, str, float]], actuals: dict[str, tuple[dt.date, float]]
) -> pl.DataFrame:
    """rows: (snapshot_date, period, method, forecast); actuals: period -> (period_end, actual)."""
    f = pl.DataFrame(
        rows,
        schema={"snapshot_date": pl.Date, "period": pl.String, "method": pl.String, "forecast": pl.Float64},
        orient="row",
    ).with_columns(pl.lit("next_quarter").alias("target"))
    a = pl.DataFrame(
        [(p, end, v) for p, (end, v) in actuals.items()],
        schema={"period": pl.String, "period_end": pl.Date, "actual": pl.Float64},
        orient="row",
    )
    return forecast_errors(f, a)


def snapshots(period: str, days: list[dt.date], by_method: dict[str, float]) -> list:
    return [(d, period, m, v) for d in days for m, v in by_method.items()]


WEEKS_IN_Q1 = [D(2017, 1, 1) + dt.timedelta(weeks=w) for w in range(4)]


def test_the_method_with_the_lowest_wape_is_selected():
    e = errors(
        snapshots("2017Q2", WEEKS_IN_Q1, {"a": 130.0, "b": 95.0, "c": 60.0}), {"2017Q2": (Q2_END, 100.0)}
    )
    assert select_method(e, candidates=["a", "b", "c"]).method == "b"


def test_the_selected_method_records_its_wape_and_bias():
    e = errors(snapshots("2017Q2", WEEKS_IN_Q1, {"a": 130.0, "b": 95.0}), {"2017Q2": (Q2_END, 100.0)})
    chosen = select_method(e, candidates=["a", "b"]).records.filter(pl.col("selected")).row(0, named=True)
    assert (chosen["method"], round(chosen["wape"], 6), round(chosen["bias"], 6)) == ("b", 0.05, -0.05)


def test_a_tie_goes_to_the_method_listed_first():
    e = errors(
        snapshots("2017Q2", WEEKS_IN_Q1, {"simple": 90.0, "clever": 110.0}), {"2017Q2": (Q2_END, 100.0)}
    )
    assert select_method(e, candidates=["simple", "clever"]).method == "simple"


def test_methods_are_compared_on_the_forecasts_they_all_made():
    # "late" only forecast the last two weeks, when everyone was accurate: on its own it
    # looks perfect, on the common weeks it is no better than "steady".
    rows = snapshots("2017Q2", WEEKS_IN_Q1[:2], {"steady": 120.0}) + snapshots(
        "2017Q2", WEEKS_IN_Q1[2:], {"steady": 100.0, "late": 100.0}
    )
    e = errors(rows, {"2017Q2": (Q2_END, 100.0)})
    assert select_method(e, candidates=["steady", "late"], min_n=2).method == "steady"


def test_a_method_with_too_short_a_record_is_left_out_of_the_comparison():
    rows = snapshots("2017Q2", WEEKS_IN_Q1, {"steady": 120.0}) + snapshots(
        "2017Q2", WEEKS_IN_Q1[3:], {"late": 100.0}
    )
    records = select_method(
        errors(rows, {"2017Q2": (Q2_END, 100.0)}), candidates=["steady", "late"], min_n=4
    ).records
    assert records.filter(pl.col("method") == "late")["compared"].to_list() == [False]


def test_a_method_covering_under_half_the_record_is_not_allowed_to_narrow_the_comparison():
    # "late" forecast only 4 of the 10 weeks, when "steady" happened to be off: compared on
    # those 4 it would win; on the whole record "steady" is the better method.
    weeks = [D(2017, 1, 1) + dt.timedelta(weeks=w) for w in range(10)]
    rows = snapshots("2017Q2", weeks[:6], {"steady": 100.0}) + snapshots(
        "2017Q2", weeks[6:], {"steady": 130.0, "late": 110.0}
    )
    e = errors(rows, {"2017Q2": (Q2_END, 100.0)})
    assert select_method(e, candidates=["steady", "late"], min_n=4).method == "steady"


def test_nothing_is_selected_without_enough_forecasts():
    e = errors(snapshots("2017Q2", WEEKS_IN_Q1[:3], {"a": 100.0}), {"2017Q2": (Q2_END, 100.0)})
    assert select_method(e, candidates=["a"], min_n=4).method is None


def test_walk_forward_uses_the_fallback_until_a_period_has_ended():
    rows = snapshots("2017Q2", WEEKS_IN_Q1, {"a": 100.0, "fb": 50.0})
    picked = walk_forward_selection(
        errors(rows, {"2017Q2": (Q2_END, 100.0)}), candidates=["a", "fb"], fallback="fb"
    )
    assert set(picked["chosen"].to_list()) == {"fb"}


def test_walk_forward_cannot_see_how_a_period_ends_before_it_ends():
    # "b" is right about 2017Q3 but that is only known on 30 September; on 2 July the
    # record holds 2017Q2 alone, where "a" was right.
    q2_weeks = WEEKS_IN_Q1
    q3_weeks = [D(2017, 4, 2) + dt.timedelta(weeks=w) for w in range(4)]
    q4_week = [D(2017, 7, 2)]
    rows = (
        snapshots("2017Q2", q2_weeks, {"a": 100.0, "b": 150.0})
        + snapshots("2017Q3", q3_weeks, {"a": 100.0, "b": 300.0})
        + snapshots("2017Q4", q4_week, {"a": 100.0, "b": 300.0})
    )
    actuals = {"2017Q2": (Q2_END, 100.0), "2017Q3": (Q3_END, 300.0), "2017Q4": (D(2017, 12, 31), 300.0)}
    picked = walk_forward_selection(errors(rows, actuals), candidates=["a", "b"], fallback="b")
    assert picked.filter(pl.col("snapshot_date") == D(2017, 7, 2))["chosen"].to_list() == ["a"]


def test_walk_forward_reports_the_chosen_methods_forecast_as_selected():
    rows = snapshots("2017Q2", WEEKS_IN_Q1, {"a": 100.0, "b": 150.0})
    picked = walk_forward_selection(
        errors(rows, {"2017Q2": (Q2_END, 100.0)}), candidates=["a", "b"], fallback="b"
    )
    assert set(picked["forecast"].to_list()) == {150.0}
