"""Accuracy metrics on hand-computed cases."""

import datetime as dt

import polars as pl
import pytest

from hamsu.analytics.forecasting.accuracy import forecast_accuracy, forecast_errors

D = dt.date


def _actuals() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": ["2017Q1", "2017Q2"],
            "period_end": [D(2017, 3, 31), D(2017, 6, 30)],
            "actual": [100.0, 300.0],
        }
    )


def test_errors_and_horizon():
    f = pl.DataFrame(
        {
            "snapshot_date": [D(2017, 3, 17), D(2017, 3, 31), D(2017, 4, 2)],
            "period": ["2017Q1", "2017Q1", "2017Q1"],
            "method": ["m", "m", "m"],
            "forecast": [110.0, 80.0, 1.0],
        }
    )
    e = forecast_errors(f, _actuals()).sort("snapshot_date")
    assert e["horizon_weeks"].to_list() == [2, 0]  # the snapshot after the period end is dropped
    assert e["error"].to_list() == [10.0, -20.0]
    assert e["ape"].to_list() == pytest.approx([0.1, 0.2])


def test_mape_wape_bias_by_method_and_horizon():
    f = pl.DataFrame(
        {
            "snapshot_date": [D(2017, 3, 17), D(2017, 6, 16), D(2017, 3, 17), D(2017, 6, 16)],
            "period": ["2017Q1", "2017Q2", "2017Q1", "2017Q2"],
            "method": ["a", "a", "b", "b"],
            "forecast": [150.0, 300.0, 90.0, 330.0],
        }
    )
    s = forecast_accuracy(f, _actuals(), by=["method"])
    a = s.filter(pl.col("method") == "a").row(0, named=True)
    assert a["n"] == 2
    assert a["mape"] == pytest.approx((0.5 + 0.0) / 2)
    assert a["wape"] == pytest.approx(50 / 400)
    assert a["bias"] == pytest.approx(50 / 400)
    b = s.filter(pl.col("method") == "b").row(0, named=True)
    assert b["wape"] == pytest.approx((10 + 30) / 400)
    assert b["bias"] == pytest.approx((-10 + 30) / 400)
    by_h = forecast_accuracy(f, _actuals())
    assert set(by_h["horizon_weeks"].to_list()) == {2}


def test_zero_actual_has_no_ape_but_counts_in_wape():
    a = pl.DataFrame({"period": ["p"], "period_end": [D(2017, 3, 31)], "actual": [0.0]})
    f = pl.DataFrame({"snapshot_date": [D(2017, 3, 1)], "period": ["p"], "method": ["m"], "forecast": [5.0]})
    e = forecast_errors(f, a)
    assert e["ape"][0] is None
    assert e["abs_error"][0] == 5.0


def test_snapshot_specific_actuals_join_on_extra_keys():
    a = pl.DataFrame(
        {
            "snapshot_date": [D(2017, 3, 1), D(2017, 3, 8)],
            "period": ["p", "p"],
            "period_end": [D(2017, 3, 31)] * 2,
            "actual": [100.0, 50.0],
        }
    )
    f = pl.DataFrame(
        {
            "snapshot_date": [D(2017, 3, 1), D(2017, 3, 8)],
            "period": ["p", "p"],
            "method": ["m", "m"],
            "forecast": [100.0, 100.0],
        }
    )
    e = forecast_errors(f, a, on=["snapshot_date", "period"]).sort("snapshot_date")
    assert e["error"].to_list() == [0.0, 50.0]


def test_missing_columns_are_reported():
    with pytest.raises(ValueError, match="forecast"):
        forecast_errors(pl.DataFrame({"period": ["p"]}), _actuals())
