"""Time-ordered holdout, lift and the scorer comparison on a generic frame."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hamsu.analytics.lead_scoring import (
    FeatureSpec,
    FitRule,
    NaiveBayesDateAware,
    PointsSpec,
    default_scorers,
    evaluate_holdout,
    lift_at,
    time_ordered_split,
)
from hamsu.analytics.lead_scoring.evaluation import RARE, calibration_slope, frequent_values, pool_rare


def test_lift_hand_computed() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    score = np.arange(10, 0, -1, dtype=float)  # the first lead scores highest
    # top 10% = 1 lead, won: rate 1.0 over base 0.2 -> 5
    assert lift_at(y, score, 0.10) == pytest.approx(5.0)
    # top 20% = 2 leads, 1 won: 0.5 / 0.2 -> 2.5
    assert lift_at(y, score, 0.20) == pytest.approx(2.5)


def test_lift_shares_ties_at_the_cut() -> None:
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    score = np.array([2, 1, 1, 1, 1, 0, 0, 0, 0, 0], dtype=float)
    # top 20% = 2 leads: the 2-point lead (won) + half... 1 of the 4 tied 1-point leads,
    # whose win rate is 1/4 -> expected wins 1.25 -> rate 0.625 / base 0.2 = 3.125
    assert lift_at(y, score, 0.20) == pytest.approx(3.125)


@given(st.lists(st.booleans(), min_size=10, max_size=200).filter(any), st.sampled_from([0.1, 0.2, 0.5]))
def test_constant_scores_have_no_lift(labels: list[bool], fraction: float) -> None:
    y = np.array(labels, dtype=float)
    assert lift_at(y, np.zeros(y.size), fraction) == pytest.approx(1.0)


def test_split_keeps_a_cutoff_day_on_one_side() -> None:
    days = [date(2026, 1, 1) + timedelta(days=d) for d in (0, 0, 1, 1, 2, 2, 3, 3)]
    frame = pl.DataFrame({"t": days, "won": [True, False] * 4})
    train, test, cutoff = time_ordered_split(frame, "t", 0.75)
    assert cutoff == date(2026, 1, 4)
    assert train["t"].max() < test["t"].min()
    assert (train.height, test.height) == (6, 2)
    train, test, cutoff = time_ordered_split(frame, "t", 0.7)  # position 5 is day 2: both day-2 leads test
    assert (train.height, test.height) == (4, 4)


def generic_frame(n: int = 1200, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    channel = rng.choice(["web", "event", "partner"], n)
    size = rng.choice(["small", "large"], n)
    logit = -2 + np.where(channel == "event", 1.5, 0) + np.where(size == "large", 0.7, 0)
    return pl.DataFrame(
        {
            "channel": channel,
            "size": size,
            "created": [date(2025, 1, 1) + timedelta(days=int(i * 365 / n)) for i in range(n)],
            "won": rng.random(n) < 1 / (1 + np.exp(-logit)),
        }
    )


def test_evaluate_holdout_compares_all_scorers() -> None:
    features = FeatureSpec(categorical=("channel", "size"), dates=("created",))
    rules = PointsSpec(fit=(FitRule("channel", "eq", 10, "event"),))
    report = evaluate_holdout(
        generic_frame(),
        label="won",
        time_column="created",
        scorers=default_scorers(features, rules=rules, without_pooling=False),
        bootstrap_rounds=50,
    )
    assert report.n_train + report.n_test == 1200
    names = [r.name for r in report.results]
    assert len(names) == 4
    assert names[0].startswith("predictive")
    for result in report.results:
        assert 0.6 < result.auc <= 1.0
        assert result.auc_ci is not None
        assert result.auc_ci[0] <= result.auc <= result.auc_ci[1]
        assert result.lift_10 > 1.0
    assert report.results[0].brier is not None
    assert report.results[2].brier is None
    assert report.results[0].auc_gap_to_first_ci is None
    assert report.results[1].auc_gap_to_first_ci
    markdown = report.to_markdown()
    assert "| rule points (hand-written) |" in markdown
    assert "n/a (points)" in markdown


def test_censored_test_leads_are_excluded() -> None:
    frame = generic_frame()
    report = evaluate_holdout(
        frame,
        label="won",
        time_column="created",
        scorers=default_scorers(FeatureSpec(categorical=("channel",)))[:1],
        censor_after=date(2025, 12, 1),
    )
    full = frame.filter(pl.col("created") >= date.fromisoformat(report.cutoff)).height
    assert report.n_test_excluded == full - report.n_test > 0


def test_calibration_slope_detects_over_confidence() -> None:
    rng = np.random.default_rng(0)
    logit = rng.normal(-1, 1.5, 20000)
    y = (rng.random(logit.size) < 1 / (1 + np.exp(-logit))).astype(int)
    honest = 1 / (1 + np.exp(-logit))
    doubled = 1 / (1 + np.exp(-2 * logit))  # twice as extreme as the truth
    assert calibration_slope(y, honest) == pytest.approx(1.0, abs=0.05)
    assert calibration_slope(y, doubled) == pytest.approx(0.5, abs=0.03)


# ---------------------------------------------------------------- the same preparation for every scorer


def test_values_on_fewer_training_leads_than_the_threshold_are_pooled() -> None:
    train = pl.DataFrame({"page": ["a"] * 3 + ["b"] * 2 + [None]})
    frequent = frequent_values(train, ["page"], 3)
    pooled = pool_rare(pl.DataFrame({"page": ["a", "b", "never seen", None]}), frequent)
    assert pooled["page"].to_list() == ["a", RARE, RARE, None]


def test_every_learned_baseline_pools_rare_values_as_the_model_does() -> None:
    features = FeatureSpec(categorical=("channel",), min_frequency=25)
    pooled = [s for s in default_scorers(features) if "rare values pooled" in s.name]
    assert [s.min_frequency for s in pooled] == [25, 25]


def test_the_comparison_also_reports_every_learned_scorer_without_pooling() -> None:
    names = [s.name for s in default_scorers(FeatureSpec(categorical=("channel",)))]
    assert sum("no pooling" in n for n in names) == 3


def test_pooled_naive_bayes_scores_every_rare_value_alike() -> None:
    # Two pages seen once each: unpooled, each has its own count; pooled, they share one.
    train = pl.DataFrame(
        {
            "page": ["common"] * 40 + ["x", "y"],
            "created": [date(2025, 1, 1)] * 42,
            "won": [i % 4 == 0 for i in range(40)] + [True, False],
        }
    )
    scorer = NaiveBayesDateAware(
        FeatureSpec(categorical=("page",), dates=("created",)), ["page"], min_frequency=20
    )
    scorer.fit(train, "won")
    scores = scorer.score(pl.DataFrame({"page": ["x", "y"], "created": [date(2025, 2, 1)] * 2}))
    assert scores[0] == scores[1]
