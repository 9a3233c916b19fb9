"""Calendar-aware (quarter-lag) exit tables."""

import datetime as dt

import numpy as np
import polars as pl
import pytest

from hamsu.analytics.forecasting.calendar import fit_calendar_hazards, lag_starts

D = dt.date


def test_lag_starts_are_quarter_boundaries():
    assert lag_starts(D(2017, 3, 30), 2).tolist() == [0, 2, 93]  # Apr 1, Jul 1
    assert lag_starts(D(2017, 1, 1), 1).tolist() == [0, 90]


def test_deals_never_won_after_the_next_quarter_get_no_chance_there():
    # history: deals entered on 2017-01-01 won on day 100 (lag 1, in Q2) — none ever closes in lag 2
    spells = pl.DataFrame(
        {
            "entered_at": [D(2017, 1, 1)] * 4 + [D(2017, 3, 25)] * 2,
            "days": [100, 100, 100, 200, 30, 200],
            "outcome": ["won", "won", "won", None, "won", None],
        }
    )
    cal = fit_calendar_hazards(
        spells, destination_col="outcome", destination_names=("won", "lost"), max_lag=2
    )
    jan = cal.table_for(D(2017, 1, 1))
    assert jan.cif_at("won", 100) == pytest.approx(0.75)
    # a deal entered on 2017-03-25 still open at day 120 (late July: lag 2) cannot be won any more
    mar = cal.table_for(D(2017, 3, 25))
    assert mar.probability_between("won", 120, 121, 400) == 0.0
    # but in lag 1 (Q2) it carries the lag-1 hazard learned from the January deals
    assert mar.cif_at("won", 100) > 0


def test_matches_duration_only_table_when_the_calendar_is_irrelevant():
    rng = np.random.default_rng(0)
    n = 200
    days = rng.integers(0, 80, n)
    outcome = rng.choice(["won", "lost"], n).tolist()
    spells = pl.DataFrame({"entered_at": [D(2017, 1, 1)] * n, "days": days, "outcome": outcome})
    cal = fit_calendar_hazards(
        spells, destination_col="outcome", destination_names=("won", "lost"), max_lag=2
    )
    from hamsu.analytics.forecasting.survival import fit_exit_table

    plain = fit_exit_table(days, outcome, destination_names=("won", "lost"))
    t = cal.table_for(D(2017, 1, 1))  # all spells end inside Q1: lag 0 only
    np.testing.assert_allclose(t.cif[:, : plain.cif.shape[1]], plain.cif, atol=1e-12)
