"""Weighted pipelines and stage probabilities, hand-computed."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from hamsu.analytics.forecasting.stage_probabilities import (
    HUBSPOT_DEFAULT_PROBABILITIES,
    MAVEN_TO_HUBSPOT,
    MAVEN_TO_SALESFORCE,
    SALESFORCE_DEFAULT_PROBABILITIES,
    age_conditioned_win_probability,
    fit_outcome_tables,
    mapped_probabilities,
    stage_win_rates,
)
from hamsu.analytics.forecasting.survival import fit_exit_table
from hamsu.analytics.forecasting.weighted import (
    arrival_rate,
    expected_new_pipeline,
    fixed_new_pipeline,
    fixed_weighted_forecast,
    learned_weighted_forecast,
    nominal_close_dates,
    weighted_pipeline,
)

D = dt.date
AS_OF = D(2017, 3, 31)


def _open() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "object_id": ["a", "b", "c"],
            "stage": ["Prospecting", "Engaging", "Engaging"],
            "entered_at": [D(2017, 3, 21), D(2017, 3, 1), D(2016, 12, 1)],
            "age_days": [10, 30, 120],
            "value": [1000.0, 2000.0, 4000.0],
        }
    )


def test_maven_mapping_onto_crm_defaults():
    assert mapped_probabilities(MAVEN_TO_HUBSPOT, HUBSPOT_DEFAULT_PROBABILITIES)["Engaging"] == 0.40
    assert mapped_probabilities(MAVEN_TO_SALESFORCE, SALESFORCE_DEFAULT_PROBABILITIES)["Engaging"] == 0.50
    assert mapped_probabilities(MAVEN_TO_HUBSPOT, HUBSPOT_DEFAULT_PROBABILITIES)["Prospecting"] == 0.20


def test_weighted_pipeline_is_sum_of_probability_times_value():
    p = {"Prospecting": 0.2, "Engaging": 0.4}
    assert weighted_pipeline(_open(), p) == pytest.approx(0.2 * 1000 + 0.4 * 2000 + 0.4 * 4000)


def test_nominal_close_dates_push_overdue_deals_to_tomorrow():
    ec = nominal_close_dates(_open(), start_col="entered_at", cycle_days=45, as_of=AS_OF)
    assert ec.to_list() == [D(2017, 5, 5), D(2017, 4, 15), D(2017, 4, 1)]


def test_fixed_weighted_forecast_counts_only_deals_dated_in_the_period():
    ec = nominal_close_dates(_open(), start_col="entered_at", cycle_days=45, as_of=AS_OF)
    p = {"Prospecting": 0.2, "Engaging": 0.4}
    q2 = fixed_weighted_forecast(
        _open(), p, expected_close=ec, period_start=D(2017, 4, 1), period_end=D(2017, 6, 30)
    )
    april = fixed_weighted_forecast(
        _open(), p, expected_close=ec, period_start=D(2017, 4, 1), period_end=D(2017, 4, 30)
    )
    assert q2 == pytest.approx(200 + 800 + 1600)
    assert april == pytest.approx(800 + 1600)


def test_stage_win_rates_with_beta_smoothing():
    spells = pl.DataFrame(
        {
            "stage": ["Engaging"] * 5 + ["Prospecting"],
            "outcome": ["won", "won", "won", "lost", None, "lost"],
        }
    )
    r = stage_win_rates(spells, prior={"Engaging": 0.4, "Prospecting": 0.2}, prior_strength=10)
    row = r.filter(pl.col("stage") == "Engaging").row(0, named=True)
    assert (row["n_closed"], row["n_won"], row["n_open"]) == (4, 3, 1)
    assert row["win_rate"] == pytest.approx(0.75)
    assert row["probability"] == pytest.approx((3 + 10 * 0.4) / (4 + 10))
    raw = stage_win_rates(spells)
    assert raw.filter(pl.col("stage") == "Engaging")["probability"][0] == pytest.approx(0.75)


def test_age_conditioning_gives_stale_deals_low_probability():
    # wins happen on days 5-10; losses keep coming until day 30
    t = fit_exit_table([5, 8, 10, 3, 20, 30], ["won", "won", "won", "lost", "lost", "lost"])
    p = age_conditioned_win_probability(t, np.array([0, 10, 12]))
    assert p[0] == pytest.approx(0.5)
    assert p[1] == 0.0
    assert p[2] == 0.0


def test_learned_weighted_forecast_is_window_and_age_aware():
    # from entering Engaging, every deal is won exactly 40 days later
    spells = pl.DataFrame(
        {
            "stage": ["Engaging"] * 4,
            "entered_at": [D(2016, 1, 1)] * 4,
            "outcome": ["won"] * 4,
            "days": [40] * 4,
        }
    )
    tables = fit_outcome_tables(spells)
    od = _open().filter(
        pl.col("stage") == "Engaging"
    )  # b: age 30 -> wins on day 40 = 2017-04-10; c: age 120 -> never
    q2 = learned_weighted_forecast(od, tables, period_start=D(2017, 4, 1), period_end=D(2017, 6, 30))
    q3 = learned_weighted_forecast(od, tables, period_start=D(2017, 7, 1), period_end=D(2017, 9, 30))
    assert q2 == pytest.approx(2000.0)
    assert q3 == 0.0


def test_expected_new_pipeline_hand_computed():
    # every new deal is won 10 days after it arrives; period = days 1..30 after the snapshot
    t = fit_exit_table([10] * 3, ["won"] * 3, destination_names=("won", "lost"))
    got = expected_new_pipeline(
        rate_per_day=2.0,
        mean_value=100.0,
        table=t,
        as_of=AS_OF,
        period_start=D(2017, 4, 1),
        period_end=D(2017, 4, 30),
    )
    assert got == pytest.approx(20 * 2.0 * 100.0)  # arrivals on days 1..20 close by day 30
    fixed = fixed_new_pipeline(
        rate_per_day=2.0,
        mean_value=100.0,
        probability=0.4,
        cycle_days=10,
        as_of=AS_OF,
        period_start=D(2017, 4, 1),
        period_end=D(2017, 4, 30),
    )
    assert fixed == pytest.approx(20 * 2.0 * 100.0 * 0.4)


def test_arrival_rate_uses_only_the_lookback_window():
    dates = pl.Series([D(2017, 3, 1), D(2017, 3, 20), D(2017, 3, 31), D(2017, 4, 1)])
    values = pl.Series([10.0, 20.0, 30.0, 1000.0])
    rate, mean, pool = arrival_rate(dates, values, as_of=AS_OF, lookback_days=14)
    assert rate == pytest.approx(2 / 14)
    assert mean == pytest.approx(25.0)
    assert sorted(pool.tolist()) == [20.0, 30.0]


def test_arrival_rate_log_sd_hand_computed():
    from hamsu.analytics.forecasting.weighted import arrival_rate_log_sd

    base = D(2017, 1, 2)
    counts = [1, 2, 2, 4, 4, 8]  # week-on-week ratios 2, 1, 2, 1, 2
    dates = pl.Series([base + dt.timedelta(days=7 * k) for k, c in enumerate(counts) for _ in range(c)])
    as_of = base + dt.timedelta(days=41)
    sd = arrival_rate_log_sd(dates, as_of=as_of, lookback_days=7)
    assert sd == pytest.approx(np.log(2) * np.sqrt(0.3))
    assert (
        arrival_rate_log_sd(dates, as_of=base + dt.timedelta(days=20), lookback_days=7) == 0.0
    )  # too little history
