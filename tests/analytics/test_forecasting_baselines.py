"""Run-rate and seasonal naive baselines: arithmetic checked by hand, and no look-ahead."""

import datetime as dt

import polars as pl
import pytest

from hamsu.analytics.forecasting.baselines import (
    calendar_quarter,
    run_rate_forecast,
    same_days_last_season,
    seasonal_naive_forecast,
)

D = dt.date


def wins(*rows: tuple[dt.date, float]) -> tuple[pl.Series, pl.Series]:
    return pl.Series("on", [r[0] for r in rows], dtype=pl.Date), pl.Series("value", [r[1] for r in rows])


# ---------------------------------------------------------------- run-rate


def test_run_rate_is_won_per_day_over_the_look_back_times_the_days_to_come():
    # 910 won in the 91 days up to 31 March: 10 a day; 1–30 April is 30 days -> 300.
    on, value = wins((D(2017, 1, 1), 500.0), (D(2017, 3, 31), 410.0))
    f = run_rate_forecast(
        on, value, as_of=D(2017, 3, 31), period_start=D(2017, 4, 1), period_end=D(2017, 4, 30)
    )
    assert f == pytest.approx(300.0)


def test_run_rate_leaves_out_wins_older_than_the_look_back():
    # 30 December is day 92 before 31 March: outside a 91-day look-back.
    on, value = wins((D(2016, 12, 30), 10_000.0), (D(2017, 3, 1), 91.0))
    f = run_rate_forecast(
        on, value, as_of=D(2017, 3, 31), period_start=D(2017, 4, 1), period_end=D(2017, 4, 1)
    )
    assert f == pytest.approx(1.0)


def test_run_rate_counts_only_the_days_still_to_come_in_the_current_quarter():
    # As of 20 March, 21–31 March is 11 days; 91 won in 91 days -> 11.
    on, value = wins((D(2017, 3, 1), 91.0))
    f = run_rate_forecast(
        on, value, as_of=D(2017, 3, 20), period_start=D(2017, 1, 1), period_end=D(2017, 3, 31)
    )
    assert f == pytest.approx(11.0)


def test_run_rate_shortens_its_look_back_to_the_days_observed():
    # Recording began on 22 March: 100 won over 10 observed days -> 10 a day, × 30 days.
    on, value = wins((D(2017, 3, 25), 100.0))
    f = run_rate_forecast(
        on,
        value,
        as_of=D(2017, 3, 31),
        period_start=D(2017, 4, 1),
        period_end=D(2017, 4, 30),
        observed_from=D(2017, 3, 22),
    )
    assert f == pytest.approx(300.0)


def test_run_rate_cannot_see_wins_after_the_forecast_date():
    before = wins((D(2017, 3, 1), 91.0))
    after = wins((D(2017, 3, 1), 91.0), (D(2017, 4, 2), 1_000_000.0))
    kw = {"as_of": D(2017, 3, 31), "period_start": D(2017, 4, 1), "period_end": D(2017, 6, 30)}
    assert run_rate_forecast(*after, **kw) == run_rate_forecast(*before, **kw)


def test_run_rate_of_an_ended_period_is_zero():
    on, value = wins((D(2017, 3, 1), 91.0))
    f = run_rate_forecast(
        on, value, as_of=D(2017, 4, 5), period_start=D(2017, 1, 1), period_end=D(2017, 3, 31)
    )
    assert f == 0.0


# ---------------------------------------------------------------- seasonal naive


def test_a_whole_quarter_maps_to_the_whole_previous_quarter_whatever_their_lengths():
    # Q3 has 92 days, Q2 91: the last day maps to the last day.
    assert same_days_last_season(D(2017, 7, 1), D(2017, 9, 30), calendar_quarter) == (
        D(2017, 4, 1),
        D(2017, 6, 30),
    )


def test_the_rest_of_the_quarter_maps_to_the_same_days_of_last_quarter():
    # 16 May is day 46 of Q2; day 46 of Q1 is 15 February.
    assert same_days_last_season(D(2017, 5, 16), D(2017, 6, 30), calendar_quarter) == (
        D(2017, 2, 15),
        D(2017, 3, 31),
    )


def test_seasonal_naive_forecasts_the_rest_of_the_quarter_by_the_same_days_last_quarter():
    on, value = wins(
        (D(2017, 2, 14), 1.0),  # before the matching days: not counted
        (D(2017, 2, 15), 10.0),
        (D(2017, 3, 31), 20.0),
        (D(2017, 5, 1), 99.0),  # this quarter, already won: not a forecast of the rest
    )
    f = seasonal_naive_forecast(
        on,
        value,
        as_of=D(2017, 5, 15),
        period_start=D(2017, 4, 1),
        period_end=D(2017, 6, 30),
        season=calendar_quarter,
    )
    assert f == pytest.approx(30.0)


def test_seasonal_naive_forecasts_next_quarter_by_the_last_quarter_that_has_ended():
    # As of 15 May, Q2 is still running: next quarter (Q3) is forecast by Q1.
    on, value = wins((D(2017, 1, 10), 7.0), (D(2017, 3, 31), 5.0), (D(2017, 4, 20), 1000.0))
    f = seasonal_naive_forecast(
        on,
        value,
        as_of=D(2017, 5, 15),
        period_start=D(2017, 7, 1),
        period_end=D(2017, 9, 30),
        season=calendar_quarter,
    )
    assert f == pytest.approx(12.0)


def test_seasonal_naive_with_a_yearly_cycle_reads_the_same_quarter_a_year_earlier():
    on, value = wins((D(2016, 7, 15), 40.0), (D(2017, 1, 15), 1000.0))
    f = seasonal_naive_forecast(
        on,
        value,
        as_of=D(2017, 5, 15),
        period_start=D(2017, 7, 1),
        period_end=D(2017, 9, 30),
        season=calendar_quarter,
        cycle=4,
    )
    assert f == pytest.approx(40.0)


def test_seasonal_naive_gives_no_forecast_when_history_does_not_reach_back():
    on, value = wins((D(2017, 3, 5), 10.0))
    f = seasonal_naive_forecast(
        on,
        value,
        as_of=D(2017, 4, 20),
        period_start=D(2017, 4, 1),
        period_end=D(2017, 6, 30),
        season=calendar_quarter,
        observed_from=D(2017, 3, 1),
    )
    assert f is None


def test_seasonal_naive_cannot_see_wins_after_the_forecast_date():
    before = wins((D(2017, 2, 20), 10.0))
    after = wins((D(2017, 2, 20), 10.0), (D(2017, 5, 20), 5_000.0))
    kw = {
        "as_of": D(2017, 5, 15),
        "period_start": D(2017, 4, 1),
        "period_end": D(2017, 6, 30),
        "season": calendar_quarter,
    }
    assert seasonal_naive_forecast(*after, **kw) == seasonal_naive_forecast(*before, **kw)
