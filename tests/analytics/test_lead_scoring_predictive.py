"""The calibrated predictive scorer: quality on a known signal, exact reasons, storage."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from sklearn.metrics import roc_auc_score

from hamsu.analytics.lead_scoring import FeatureSpec, PredictiveLeadScorer, train_lead_scorer

FEATURES = FeatureSpec(
    categorical=("origin", "page"),
    numeric=("employees",),
    dates=("created",),
    date_parts=("weekday",),
    min_frequency=15,
)


def synthetic(n: int = 1500, seed: int = 0) -> pl.DataFrame:
    """Leads whose odds depend on origin (strongly) and employees (mildly), nothing else."""
    rng = np.random.default_rng(seed)
    origin = rng.choice(["referral", "paid_search", "social", None], n, p=[0.2, 0.3, 0.4, 0.1])
    page = rng.choice([f"p{i}" for i in range(60)], n)  # many rare values, no signal
    employees = rng.lognormal(3, 1, n)
    employees[rng.random(n) < 0.05] = np.nan
    effect = {"referral": 1.5, "paid_search": 0.3, "social": -0.8, None: -1.2}
    logit = -2.0 + np.array([effect[o] for o in origin]) + 0.3 * np.nan_to_num(np.log(employees) - 3)
    won = rng.random(n) < 1 / (1 + np.exp(-logit))
    created = [date(2025, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 365, n)]
    return pl.DataFrame(
        {"origin": origin.tolist(), "page": page, "employees": employees, "created": created, "won": won}
    )


@pytest.fixture(scope="module")
def fitted() -> PredictiveLeadScorer:
    return PredictiveLeadScorer(FEATURES).fit(synthetic(), "won")


def test_it_learns_the_signal_and_is_calibrated(fitted: PredictiveLeadScorer) -> None:
    test = synthetic(1500, seed=1)
    p = fitted.predict_proba(test)
    assert ((p > 0) & (p < 1)).all()
    assert roc_auc_score(test["won"].to_numpy(), p) > 0.7
    # calibration in the large: predicted and observed win rates agree
    assert p.mean() == pytest.approx(test["won"].mean(), abs=0.03)
    assert fitted.info is not None
    assert fitted.info.n_leads == 1500


def test_reasons_add_up_to_the_probability(fitted: PredictiveLeadScorer) -> None:
    test = synthetic(50, seed=2)
    probabilities = fitted.predict_proba(test)
    for explanation, p in zip(fitted.explain(test, min_effect=0.0), probabilities, strict=True):
        baseline_logit = math.log(explanation.baseline_probability / (1 - explanation.baseline_probability))
        logit = baseline_logit + sum(r.log_odds for r in explanation.reasons)
        assert 1 / (1 + math.exp(-logit)) == pytest.approx(p, abs=1e-9)
        assert explanation.probability == pytest.approx(p, abs=1e-9)


def test_reasons_read_plainly(fitted: PredictiveLeadScorer) -> None:
    lead = pl.DataFrame(
        {"origin": ["referral"], "page": ["never-seen"], "employees": [20.0], "created": [date(2026, 1, 5)]}
    )
    (explanation,) = fitted.explain(lead)
    top = explanation.top_positive(1)[0]
    assert top.field == "origin"
    assert top.value == "referral"
    assert top.text.startswith("origin = referral raises the odds ×")
    assert top.odds_ratio > 1.5
    social = fitted.explain(lead.with_columns(origin=pl.lit("social")))[0]
    assert social.top_negative(1)[0].text.startswith("origin = social lowers the odds ×0.")
    pages = [r for r in fitted.explain(lead, min_effect=0.0)[0].reasons if r.field == "page"]
    assert pages
    assert pages[0].value == "never-seen (rare value)"


def test_missing_values_are_a_category(fitted: PredictiveLeadScorer) -> None:
    lead = pl.DataFrame(
        {"origin": [None], "page": ["p1"], "employees": [None], "created": [None]},
        schema={"origin": pl.String, "page": pl.String, "employees": pl.Float64, "created": pl.Date},
    )
    (explanation,) = fitted.explain(lead)
    assert any(r.value == "(missing)" and r.log_odds < 0 for r in explanation.reasons)


def test_round_trip_through_bytes_and_arrow(fitted: PredictiveLeadScorer) -> None:
    test = synthetic(100, seed=3)
    model, blob = train_lead_scorer(
        synthetic(), "won", FEATURES, C=fitted.info.c_value if fitted.info else 1.0
    )
    again = PredictiveLeadScorer.from_bytes(blob)
    np.testing.assert_allclose(again.predict_proba(test.to_arrow()), model.predict_proba(test))


def test_it_refuses_what_it_cannot_learn() -> None:
    frame = synthetic(200)
    with pytest.raises(ValueError, match="two won and two lost"):
        PredictiveLeadScorer(FEATURES).fit(frame.with_columns(won=pl.lit(False)), "won")
    with pytest.raises(ValueError, match="lacks feature column"):
        PredictiveLeadScorer(FEATURES).fit(frame.drop("page"), "won")
    with pytest.raises(TypeError):
        PredictiveLeadScorer.from_bytes(__import__("pickle").dumps({"not": "a model"}))


def test_feature_spec_validation() -> None:
    with pytest.raises(ValueError, match="date part"):
        FeatureSpec(dates=("d",), date_parts=("season",))
    with pytest.raises(ValueError, match="at least one"):
        FeatureSpec()
