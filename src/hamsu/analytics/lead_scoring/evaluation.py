"""Time-ordered holdout comparison of lead scorers: AUC, lift, Brier score.

A lead scorer is used on *tomorrow's* leads, so it is judged the same way: train on
the earliest ~75% of leads by their time column, test on the rest. A random split
would let the model learn from leads that came after the ones it is tested on.

Everything is generic: a frame with feature columns, a boolean label (won = True) and
a time column. The Olist loader and the demo company both produce such a frame.

Metrics, and why these:

* **AUC** (``sklearn.metrics.roc_auc_score``): the chance a random won lead is ranked
  above a random lost one, i.e. whether the order the seller works in is right.
* **Lift at 10% / 20%**: win rate among the top-scored 10% (20%) of test leads divided
  by the overall test win rate, i.e. what a team that can call only a tenth of its
  leads gains. Ties at the cut (common for rule points) are shared out at their
  average win rate, the expected value of breaking the tie at random, so a coarse
  score is neither flattered nor punished by the order of the rows.
* **Brier score** (mean squared error of probabilities): whether "30%" means 30%.
  Only for scorers that output probabilities; rule points are not probabilities.
* **Calibration slope**: the slope of a logistic fit of the test outcomes on the
  scorer's log-odds. 1 is ideal; below 1 the probabilities are too extreme
  (over-confident), above 1 too timid.

A comparison of methods gives every method the same data *and the same preparation*.
The predictive model pools the values seen on fewer than ``min_frequency`` training
leads into one "rare" value; :func:`frequent_values` and :func:`pool_rare` do the same
for the baselines, and :func:`default_scorers` scores each learned baseline both ways.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Protocol

import numpy as np
import polars as pl
import pyarrow as pa
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from hamsu.analytics.lead_scoring.naive_bayes import FrequencyNaiveBayes, as_polars
from hamsu.analytics.lead_scoring.predictive import (
    MISSING,
    FeatureSpec,
    PredictiveLeadScorer,
    prepare_features,
)
from hamsu.analytics.lead_scoring.rules import PointsSpec, points_from_history, score_frame

RARE = "(rare)"


def frequent_values(train: pl.DataFrame, fields: Sequence[str], min_frequency: int) -> dict[str, set[str]]:
    """Per field, the values (as strings) seen on at least ``min_frequency`` training leads.

    The same rule as the model's encoder (``OneHotEncoder(min_frequency=...)``).
    """
    out: dict[str, set[str]] = {}
    for name in fields:
        counts = train.select(pl.col(name).cast(pl.String).alias("v")).drop_nulls().group_by("v").len()
        out[name] = set(counts.filter(pl.col("len") >= min_frequency)["v"].to_list())
    return out


def pool_rare(frame: pl.DataFrame, frequent: Mapping[str, set[str]]) -> pl.DataFrame:
    """Replace every value outside ``frequent`` by one "rare" value (unset values stay unset).

    A value never seen in training is rare too, as the model's encoder treats it.
    """
    return frame.with_columns(
        pl.when(pl.col(name).is_null() | pl.col(name).cast(pl.String).is_in(sorted(values)))
        .then(pl.col(name).cast(pl.String))
        .otherwise(pl.lit(RARE))
        .alias(name)
        for name, values in frequent.items()
    )


class Scorer(Protocol):
    """Anything that can be trained on a frame and score another one."""

    name: str
    produces_probability: bool

    def fit(self, train: pl.DataFrame, label: str) -> None: ...

    def score(self, frame: pl.DataFrame) -> np.ndarray: ...


@dataclass
class PredictiveScorer:
    """The calibrated logistic-regression model (:mod:`.predictive`)."""

    features: FeatureSpec
    name: str = "predictive (calibrated logistic regression)"
    produces_probability: bool = True
    model: PredictiveLeadScorer | None = None

    def fit(self, train: pl.DataFrame, label: str) -> None:
        self.model = PredictiveLeadScorer(self.features).fit(train, label)

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        assert self.model is not None
        return self.model.predict_proba(frame)


@dataclass
class NaiveBayesScorer:
    """Odoo-style frequency naive Bayes on the given fields (:mod:`.naive_bayes`)."""

    fields: Sequence[str]
    name: str = "naive Bayes (Odoo-style frequencies)"
    produces_probability: bool = True
    model: FrequencyNaiveBayes | None = None

    def fit(self, train: pl.DataFrame, label: str) -> None:
        self.model = FrequencyNaiveBayes(self.fields).fit(train, label)

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        assert self.model is not None
        return self.model.predict_proba(frame)


@dataclass
class RuleScorer:
    """A fixed, hand-written points spec: training data is not looked at."""

    spec: PointsSpec
    name: str = "rule points (hand-written)"
    produces_probability: bool = False

    def fit(self, train: pl.DataFrame, label: str) -> None:
        return None

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        return score_frame(self.spec, frame)


@dataclass
class LearnedRuleScorer:
    """Rule points suggested from the training history (:func:`.rules.points_from_history`)."""

    fields: Sequence[str]
    min_leads: int = 30
    name: str = "rule points (suggested from history)"
    produces_probability: bool = False
    spec: PointsSpec | None = None
    # Pool values seen on fewer training leads than this into one "rare" value, as the
    # model does (None: every value stands alone).
    min_frequency: int | None = None
    frequent: dict[str, set[str]] | None = None

    def _prepare(self, frame: pl.DataFrame) -> pl.DataFrame:
        return pool_rare(frame, self.frequent) if self.frequent is not None else frame

    def fit(self, train: pl.DataFrame, label: str) -> None:
        if self.min_frequency is not None:
            self.frequent = frequent_values(train, self.fields, self.min_frequency)
        self.spec = points_from_history(self._prepare(train), self.fields, label, min_leads=self.min_leads)

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        assert self.spec is not None
        return score_frame(self.spec, self._prepare(frame))


def time_ordered_split(
    frame: pl.DataFrame, time_column: str, train_fraction: float = 0.75
) -> tuple[pl.DataFrame, pl.DataFrame, object]:
    """Split at the time of the lead at position ``train_fraction`` in time order.

    Leads sharing the cut-off time all go to the test side (``train: t < cutoff``,
    ``test: t >= cutoff``) so no same-day lead is on both sides; the train share is
    therefore at most ``train_fraction``.
    """
    if not 0 < train_fraction < 1:
        raise ValueError("train_fraction must be between 0 and 1")
    ordered = frame.sort(time_column)
    cutoff = ordered.get_column(time_column)[int(train_fraction * ordered.height)]
    train = ordered.filter(pl.col(time_column) < cutoff)
    test = ordered.filter(pl.col(time_column) >= cutoff)
    if train.height == 0 or test.height == 0:
        raise ValueError("the time column does not vary enough to split into train and test")
    return train, test, cutoff


def lift_at(y_true: np.ndarray, score: np.ndarray, fraction: float) -> float:
    """Win rate in the top ``fraction`` of scores over the overall win rate (tie-aware).

    The top set has ``fraction * n`` leads (fractional); a group of tied scores that
    straddles the cut contributes in proportion, at its own win rate.
    """
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(score, dtype=float)
    base = y.mean() if y.size else 0.0
    if base == 0:
        return float("nan")
    k = fraction * y.size
    values, inverse = np.unique(-s, return_inverse=True)  # ascending -s = descending s
    sizes = np.bincount(inverse, minlength=values.size).astype(float)
    wins = np.bincount(inverse, weights=y, minlength=values.size)
    taken = 0.0
    expected_wins = 0.0
    for size, won in zip(sizes, wins, strict=True):
        if taken >= k:
            break
        share = min(size, k - taken)
        expected_wins += won * share / size
        taken += share
    return float((expected_wins / k) / base)


def safe_auc(y_true: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC, NaN (not an exception) when the test set has only one class."""
    if len(np.unique(y_true)) < 2:
        return float("nan")
    return float(roc_auc_score(y_true, score))


def bootstrap_auc_intervals(
    y_true: np.ndarray, scores: Sequence[np.ndarray], *, rounds: int = 200, seed: int = 0
) -> tuple[list[tuple[float, float]], list[tuple[float, float] | None]]:
    """95% percentile bootstrap intervals of each AUC and of ``AUC(first) - AUC(other)``.

    The resamples are shared (paired), so the difference interval answers the real
    question, "is the model better than the baseline on these leads?", much more
    sharply than two overlapping separate intervals do.
    """
    rng = np.random.default_rng(seed)
    n = y_true.size
    aucs: list[list[float]] = [[] for _ in scores]
    for _ in range(rounds):
        idx = rng.integers(0, n, n)
        if len(np.unique(y_true[idx])) < 2:
            continue
        for k, score in enumerate(scores):
            aucs[k].append(float(roc_auc_score(y_true[idx], score[idx])))
    arr = np.asarray(aucs)
    each = [(float(lo), float(hi)) for lo, hi in np.percentile(arr, [2.5, 97.5], axis=1).T]
    diffs: list[tuple[float, float] | None] = [None]
    for k in range(1, len(scores)):
        lo, hi = np.percentile(arr[0] - arr[k], [2.5, 97.5])
        diffs.append((float(lo), float(hi)))
    return each, diffs


def calibration_slope(y_true: np.ndarray, probability: np.ndarray) -> float:
    """Slope of ``logit P(won) = a + b * logit(p)`` fitted on the test set (1 = ideal)."""
    if len(np.unique(y_true)) < 2:
        return float("nan")
    p = np.clip(np.asarray(probability, dtype=float), 1e-9, 1 - 1e-9)
    logit = np.log(p / (1 - p)).reshape(-1, 1)
    fit = LogisticRegression(C=1e9, max_iter=1000).fit(logit, y_true)  # effectively unpenalised
    return float(fit.coef_[0][0])


@dataclass
class ScorerResult:
    """One scorer's figures on the test set."""

    name: str
    auc: float
    auc_ci: tuple[float, float] | None
    auc_gap_to_first_ci: tuple[float, float] | None
    lift_10: float
    lift_20: float
    brier: float | None
    calibration_slope: float | None
    mean_predicted: float | None
    fit_seconds: float
    score_seconds: float


@dataclass
class HoldoutReport:
    """The split and every scorer's result."""

    cutoff: str
    n_train: int
    n_train_won: int
    n_test: int
    n_test_won: int
    n_test_excluded: int
    results: list[ScorerResult] = field(default_factory=list)

    @property
    def test_rate(self) -> float:
        return self.n_test_won / self.n_test if self.n_test else float("nan")

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    def to_markdown(self) -> str:
        """A table for docs/benchmarks: one row per scorer."""
        lines = [
            f"Train: {self.n_train} leads ({self.n_train_won} won) before {self.cutoff}; "
            f"test: {self.n_test} leads ({self.n_test_won} won, {self.test_rate:.1%})"
            + (f", {self.n_test_excluded} excluded as censored" if self.n_test_excluded else "")
            + ".",
            "",
            "| scorer | AUC | AUC 95% CI | first − this, 95% CI | lift@10% | lift@20% | Brier "
            "| calibration slope | mean predicted | fit s | score s |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in self.results:
            ci = f"{r.auc_ci[0]:.3f} to {r.auc_ci[1]:.3f}" if r.auc_ci else "–"
            gap = r.auc_gap_to_first_ci
            gap_text = f"{gap[0]:+.3f} to {gap[1]:+.3f}" if gap else "–"
            brier = f"{r.brier:.4f}" if r.brier is not None else "n/a (points)"
            mean = f"{r.mean_predicted:.3f}" if r.mean_predicted is not None else "–"
            slope = f"{r.calibration_slope:.2f}" if r.calibration_slope is not None else "–"
            lines.append(
                f"| {r.name} | {r.auc:.3f} | {ci} | {gap_text} | {r.lift_10:.2f} | {r.lift_20:.2f} | {brier} | {slope} | {mean} "
                f"| {r.fit_seconds:.2f} | {r.score_seconds:.3f} |"
            )
        return "\n".join(lines)


def evaluate_holdout(
    frame: pl.DataFrame | pa.Table,
    *,
    label: str,
    time_column: str,
    scorers: Sequence[Scorer],
    train_fraction: float = 0.75,
    censor_after: date | datetime | None = None,
    bootstrap_rounds: int = 0,
) -> HoldoutReport:
    """Train every scorer on the early leads and measure it on the late ones.

    ``bootstrap_rounds > 0`` adds AUC intervals and paired intervals of the first
    scorer's AUC minus each other's (put the model first to compare it with baselines).

    ``censor_after``: test leads whose time is later than this had too little time to
    convert before the data ends; they are dropped from the test set (and counted in
    ``n_test_excluded``) rather than scored as lost. Every scorer sees the same split.
    """
    df = as_polars(frame).filter(pl.col(label).is_not_null())
    train, test, cutoff = time_ordered_split(df, time_column, train_fraction)
    excluded = 0
    if censor_after is not None:
        kept = test.filter(pl.col(time_column) <= censor_after)
        excluded = test.height - kept.height
        test = kept
    y_train = train.get_column(label).cast(pl.Int8).to_numpy()
    y_test = test.get_column(label).cast(pl.Int8).to_numpy().astype(int)
    report = HoldoutReport(
        cutoff=str(cutoff),
        n_train=train.height,
        n_train_won=int(y_train.sum()),
        n_test=test.height,
        n_test_won=int(y_test.sum()),
        n_test_excluded=excluded,
    )
    all_scores: list[np.ndarray] = []
    for scorer in scorers:
        start = time.perf_counter()
        scorer.fit(train, label)
        fitted = time.perf_counter()
        score = np.asarray(scorer.score(test), dtype=float)
        scored = time.perf_counter()
        all_scores.append(score)
        report.results.append(
            ScorerResult(
                name=scorer.name,
                auc=safe_auc(y_test, score),
                auc_ci=None,
                auc_gap_to_first_ci=None,
                lift_10=lift_at(y_test, score, 0.10),
                lift_20=lift_at(y_test, score, 0.20),
                brier=float(brier_score_loss(y_test, score)) if scorer.produces_probability else None,
                calibration_slope=calibration_slope(y_test, score) if scorer.produces_probability else None,
                mean_predicted=float(score.mean()) if scorer.produces_probability else None,
                fit_seconds=fitted - start,
                score_seconds=scored - fitted,
            )
        )
    if bootstrap_rounds and len(np.unique(y_test)) == 2:
        each, diffs = bootstrap_auc_intervals(y_test, all_scores, rounds=bootstrap_rounds)
        for result, ci, diff in zip(report.results, each, diffs, strict=True):
            result.auc_ci, result.auc_gap_to_first_ci = ci, diff
    return report


@dataclass
class NaiveBayesDateAware:
    """Naive Bayes fed the same prepared columns as the predictive model (date parts too)."""

    features: FeatureSpec
    fields: Sequence[str]
    name: str = "naive Bayes (Odoo-style frequencies)"
    produces_probability: bool = True
    model: FrequencyNaiveBayes | None = None
    # Pool values seen on fewer training leads than this into one "rare" value, as the
    # model does (None: every value has its own counts, as in Odoo).
    min_frequency: int | None = None
    frequent: dict[str, set[str]] | None = None

    def _prepare(self, frame: pl.DataFrame, label: str | None = None) -> pl.DataFrame:
        prepared = prepare_features(frame, self.features).with_columns(
            pl.col(c).replace(MISSING, None) for c in self.fields
        )
        if self.frequent is not None:
            prepared = pool_rare(prepared, self.frequent)
        return prepared.with_columns(frame.get_column(label)) if label else prepared

    def fit(self, train: pl.DataFrame, label: str) -> None:
        self.frequent = None
        if self.min_frequency is not None:
            self.frequent = frequent_values(self._prepare(train), self.fields, self.min_frequency)
        self.model = FrequencyNaiveBayes(self.fields).fit(self._prepare(train, label), label)

    def score(self, frame: pl.DataFrame) -> np.ndarray:
        assert self.model is not None
        return self.model.predict_proba(self._prepare(frame))


def default_scorers(
    features: FeatureSpec,
    *,
    rules: PointsSpec | None = None,
    rule_fields: Sequence[str] | None = None,
    without_pooling: bool = True,
) -> list[Scorer]:
    """The standard comparison: predictive, naive Bayes and rule points on the same fields.

    Every learned scorer gets the same inputs and the same preparation as the model (the
    categorical fields plus the date parts; values on fewer than ``min_frequency``
    training leads pooled as one "rare" value), so the comparison is of methods, not of
    data or of preparation. With ``without_pooling`` each is also scored without pooling
    (the model too), so the effect of the preparation is reported on its own.
    """
    nb_fields = [c for c, _ in features.derived_categorical()]
    rule_on = list(rule_fields or features.categorical)
    pooled = features.min_frequency
    scorers: list[Scorer] = [
        PredictiveScorer(features),
        NaiveBayesDateAware(
            features, nb_fields, name="naive Bayes (Odoo-style), rare values pooled", min_frequency=pooled
        ),
    ]
    if rules is not None:
        scorers.append(RuleScorer(rules))
    scorers.append(
        LearnedRuleScorer(
            rule_on, name="rule points (suggested from history), rare values pooled", min_frequency=pooled
        )
    )
    if without_pooling:
        scorers += [
            PredictiveScorer(replace(features, min_frequency=1), name="predictive, no pooling"),
            NaiveBayesDateAware(features, nb_fields, name="naive Bayes (Odoo-style), no pooling"),
            LearnedRuleScorer(rule_on, name="rule points (suggested from history), no pooling"),
        ]
    return scorers
