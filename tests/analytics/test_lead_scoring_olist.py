"""The real Olist marketing funnel: loader, leakage guard, censoring, a holdout run.

Reads <repo root>/../shared/data/olist_marketing_funnel and skips when it is absent.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from hamsu.analytics.lead_scoring import default_scorers, evaluate_holdout
from hamsu.analytics.lead_scoring.olist import (
    LABEL,
    LEAKY_COLUMNS,
    MARKETER_RULES,
    MQL_FILE,
    OLIST_FEATURES,
    TIME,
    deal_window,
    default_data_dir,
    load_olist,
    olist_frame,
)

DATA = default_data_dir()
pytestmark = pytest.mark.skipif(not (DATA / MQL_FILE).exists(), reason=f"Olist data not found at {DATA}")

ANOMALY = "b91cf8812365f50ff4bda4bcd6206b05"  # won 2 days before its first contact


def test_it_loads_every_lead_and_deal() -> None:
    leads = load_olist()
    assert leads.height == 8000
    assert leads["won_date"].is_not_null().sum() == 842
    assert deal_window(leads).start == date(2017, 12, 5)
    assert deal_window(leads).end == date(2018, 11, 14)


def test_no_closed_deal_column_reaches_the_model() -> None:
    frame = olist_frame()
    assert not set(LEAKY_COLUMNS) & set(frame.columns)
    assert not set(LEAKY_COLUMNS) & set(OLIST_FEATURES.columns)
    assert frame[LABEL].sum() == 842


def test_the_early_deal_counts_as_converted() -> None:
    lead = olist_frame(horizon_days=30).filter(pl.col("mql_id") == ANOMALY)
    assert lead[LABEL].to_list() == [True]
    assert load_olist().filter(pl.col("mql_id") == ANOMALY)["days_to_win"].to_list() == [-2]


def test_deal_window_keeps_only_fully_observed_labels() -> None:
    frame = olist_frame(horizon_days=90, within_deal_window=True)
    assert frame[TIME].min() >= date(2017, 12, 5)
    assert frame.height == 6173  # the 1,827 leads before the first recorded deal are out
    with pytest.raises(ValueError, match="horizon_days"):
        olist_frame(within_deal_window=True)


def test_model_beats_the_hand_written_rules_on_the_time_holdout() -> None:
    report = evaluate_holdout(
        olist_frame(),
        label=LABEL,
        time_column=TIME,
        scorers=default_scorers(OLIST_FEATURES, rules=MARKETER_RULES),
    )
    assert (report.n_train, report.n_test) == (6000, 2000)
    by_name = {r.name.split(" (")[0] + (" hand" if "hand" in r.name else ""): r for r in report.results}
    assert by_name["predictive"].auc > 0.65
    assert by_name["predictive"].auc > by_name["rule points hand"].auc
    assert by_name["predictive"].brier is not None
    assert by_name["predictive"].brier < 0.1
