"""Monte Carlo: hand-checkable paths, convergence to the analytic expectation, invariants."""

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hamsu.analytics.forecasting.monte_carlo import Arrivals, Window, simulate_won_value
from hamsu.analytics.forecasting.stage_probabilities import fit_outcome_tables
from hamsu.analytics.forecasting.survival import fit_exit_table
from hamsu.analytics.forecasting.weighted import learned_weighted_forecast


def _deterministic_two_stage():
    # A -> B always after 2 days, B -> won always after 3 days
    return {
        "A": fit_exit_table([2, 2], ["B", "B"]),
        "B": fit_exit_table([3, 3], ["won", "won"], destination_names=("won", "lost")),
    }


def test_deals_walk_through_stages():
    tables = _deterministic_two_stage()
    mc = simulate_won_value(["A"], [0], [100.0], tables, [Window(1, 4), Window(5, 5)], n_draws=50)
    # entered A at offset 0, age 0 known: leaves A on offset 2, wins on offset 5
    assert (mc.draws[0] == 0).all()
    assert (mc.draws[1] == 100).all()


def test_an_empty_pipeline_without_new_deals_simulates_nothing_won():
    # A company whose deals are all closed and that created none lately (it crashed).
    mc = simulate_won_value([], [], [], _deterministic_two_stage(), [Window(1, 30)], n_draws=10)
    assert (mc.draws[0] == 0).all()


def test_age_is_respected_a_deal_cannot_exit_before_its_age():
    tables = {"B": fit_exit_table([3, 10], ["won", "lost"], destination_names=("won", "lost"))}
    # known open after day 5 in B: the day-3 win is impossible, only the day-10 loss remains
    mc = simulate_won_value(["B"], [5], [100.0], tables, [Window(1, 100)], n_draws=200)
    assert mc.draws.sum() == 0


def test_stage_without_history_contributes_nothing():
    mc = simulate_won_value(["Z"], [0], [100.0], _deterministic_two_stage(), [Window(1, 100)], n_draws=10)
    assert mc.draws.sum() == 0


def test_seeded_and_chunking_independent_of_results_shape():
    rng = np.random.default_rng(1)
    t = {"E": fit_exit_table(rng.integers(1, 60, 300), rng.choice(["won", "lost"], 300).tolist())}
    args = (
        ["E"] * 50,
        rng.integers(0, 30, 50),
        rng.uniform(100, 1000, 50),
        t,
        [Window(1, 30), Window(31, 90)],
    )
    a = simulate_won_value(*args, n_draws=500, seed=7)
    b = simulate_won_value(*args, n_draws=500, seed=7)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert a.draws.shape == (2, 500)


def test_mean_converges_to_the_analytic_expectation_one_stage():
    rng = np.random.default_rng(3)
    n = 400
    days = rng.integers(1, 90, n)
    outcome = np.where(rng.random(n) < 0.6, "won", "lost").tolist()
    censored = rng.random(n) < 0.2
    outcome = [None if c else o for o, c in zip(outcome, censored, strict=True)]
    as_of = dt.date(2017, 6, 30)
    spells = pl.DataFrame(
        {"stage": ["E"] * n, "entered_at": [dt.date(2017, 1, 1)] * n, "outcome": outcome, "days": days}
    )
    tables = fit_outcome_tables(spells)
    ages = rng.integers(0, 80, 200)
    values = rng.uniform(500, 5000, 200)
    open_deals = pl.DataFrame(
        {
            "stage": ["E"] * 200,
            "entered_at": [as_of - dt.timedelta(days=int(a)) for a in ages],
            "age_days": ages,
            "value": values,
        }
    )
    start, end = dt.date(2017, 7, 1), dt.date(2017, 9, 30)
    analytic = learned_weighted_forecast(open_deals, tables, period_start=start, period_end=end)
    mc = simulate_won_value(
        ["E"] * 200, ages, values, tables, [Window((start - as_of).days, (end - as_of).days)], n_draws=20_000
    )
    assert mc.mean[0] == pytest.approx(analytic, rel=0.01)


def test_arrivals_mean_is_rate_times_horizon_times_value():
    tables = {"E": fit_exit_table([0, 0], ["won", "won"], destination_names=("won", "lost"))}
    arr = Arrivals(rate_per_day=3.0, stage="E", values=np.array([100.0]))
    mc = simulate_won_value([], [], [], tables, [Window(1, 30)], n_draws=20_000, arrivals=arr)
    assert mc.mean[0] == pytest.approx(3.0 * 30 * 100.0, rel=0.01)
    # Poisson: variance of the count equals its mean
    assert (mc.draws[0] / 100.0).var() == pytest.approx(90.0, rel=0.05)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(0, 60), min_size=1, max_size=20),
    st.integers(0, 2**31 - 1),
)
def test_quantiles_are_ordered(ages, seed):
    rng = np.random.default_rng(seed)
    t = {"E": fit_exit_table(rng.integers(0, 50, 100), rng.choice(["won", "lost"], 100).tolist())}
    values = rng.uniform(1, 100, len(ages))
    mc = simulate_won_value(
        ["E"] * len(ages), ages, values, t, [Window(1, 20), Window(21, 90)], n_draws=300, seed=seed
    )
    p10, p50, p90 = mc.quantiles()
    assert (p10 <= p50).all()
    assert (p50 <= p90).all()
    assert (mc.draws >= 0).all()
    assert (mc.draws <= values.sum() + 1e-9).all()


def test_arrivals_walking_through_stages_are_simulated():
    # new deals enter A, move to B after 2 days, are won 3 days later: arrivals on days 1..25 win by day 30
    arr = Arrivals(rate_per_day=2.0, stage="A", values=np.array([10.0]))
    mc = simulate_won_value(
        [], [], [], _deterministic_two_stage(), [Window(1, 30)], n_draws=20_000, arrivals=arr
    )
    assert mc.mean[0] == pytest.approx(2.0 * 25 * 10.0, rel=0.01)


def test_per_entry_day_tables_are_used_when_given():
    fast = fit_exit_table([1], ["won"], destination_names=("won", "lost"))
    slow = fit_exit_table([50], ["won"], destination_names=("won", "lost"))

    def table_for(stage, offset):  # deals that entered before the snapshot are slow, later ones fast
        return slow if offset < 0 else fast

    mc = simulate_won_value(
        ["E", "E"], [10, 10], [1.0, 2.0], {}, [Window(1, 45)], n_draws=10, table_for=table_for
    )
    assert (mc.draws[0] == 3.0).all()  # both win on day 40 after entering (offset -10 + 50)
    arr = Arrivals(rate_per_day=1.0, stage="E", values=np.array([1.0]))
    mc2 = simulate_won_value(
        [], [], [], {}, [Window(1, 10)], n_draws=20_000, arrivals=arr, table_for=table_for
    )
    assert mc2.mean[0] == pytest.approx(9.0, rel=0.02)  # arrivals on days 1..9 are won the next day


def test_rate_uncertainty_keeps_the_mean_and_widens_the_spread():
    tables = {"E": fit_exit_table([0, 0], ["won", "won"], destination_names=("won", "lost"))}
    sure = Arrivals(rate_per_day=3.0, stage="E", values=np.array([1.0]))
    unsure = Arrivals(rate_per_day=3.0, stage="E", values=np.array([1.0]), rate_log_sd=0.4)
    a = simulate_won_value([], [], [], tables, [Window(1, 30)], n_draws=40_000, arrivals=sure)
    b = simulate_won_value([], [], [], tables, [Window(1, 30)], n_draws=40_000, arrivals=unsure)
    assert b.mean[0] == pytest.approx(a.mean[0], rel=0.02)
    # Var = E[λ] + Var[λ] for a mixed Poisson: 90 + 90² (e^{σ²} − 1)
    assert b.draws[0].var() == pytest.approx(90 + 90**2 * (np.exp(0.16) - 1), rel=0.08)


def test_independent_wins_average_to_the_weighted_sum_plus_expected_arrivals():
    from hamsu.analytics.forecasting.monte_carlo import simulate_independent_wins

    p = np.array([1.0, 0.5, 0.2, 0.0])
    v = np.array([300.0, 1000.0, 2000.0, 5000.0])
    mc = simulate_independent_wins(
        p, v, arrival_values=np.array([100.0, 300.0]), arrival_wins=4.0, n_draws=40_000, seed=1
    )
    assert mc.mean[0] == pytest.approx(300 + 500 + 400 + 4.0 * 200.0, rel=0.01)


def test_independent_wins_never_leave_the_sure_and_the_possible():
    from hamsu.analytics.forecasting.monte_carlo import simulate_independent_wins

    mc = simulate_independent_wins([1.0, 0.3], [300.0, 1000.0], n_draws=500, seed=2)
    assert set(np.unique(mc.draws)) == {300.0, 1300.0}
