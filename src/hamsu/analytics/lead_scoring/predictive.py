"""Predictive lead scoring trained on the company's own won/lost history.

The model is a scikit-learn pipeline: one-hot encoding of categorical fields (values
seen on fewer than ``min_frequency`` training leads share one "rare" column, so a
landing page with 495 ids does not become 495 noisy coefficients), median-imputed and
standardised numeric fields, calendar parts of date fields, then a logistic
regression whose probabilities are calibrated with Platt scaling
(``CalibratedClassifierCV(method="sigmoid", ensemble=False)``).

Why logistic regression rather than gradient boosting: with a few thousand closed
leads the gain of trees is small, and a linear model explains itself exactly. With
sigmoid calibration the calibrated log-odds is ``a·(w·x + b) + c``, still linear in
the features, so each field's share of a lead's score is exact:
``a · Σ_j w_j (x_j - mean_j)`` over the field's columns. That is the field's Shapley
value for a linear model (relative to the average training lead), and ``exp`` of it
is the factor by which the field multiplies the odds: "origin = paid_search raises the
odds ×1.8". These are the reasons shown to the seller.

Frames are Polars DataFrames or Arrow tables; the fitted scorer serialises to bytes
(joblib) so the Django side can store it and a background job can retrain it. Only
load bytes that Hamsu itself wrote: joblib, like pickle, runs code on load.
"""

from __future__ import annotations

import io
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import joblib
import numpy as np
import polars as pl
import pyarrow as pa
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from hamsu.analytics.lead_scoring.naive_bayes import as_polars

MISSING = "(missing)"
DATE_PARTS = ("weekday", "month", "day_of_month", "hour")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class FeatureSpec:
    """Which columns feed the model and how.

    ``dates`` are turned into the calendar parts in ``date_parts`` (categorical, so a
    Saturday effect needs no ordering assumption). A raw "days since epoch" feature is
    deliberately not offered: a time-ordered holdout always lies outside the training
    range, and a linear trend extrapolated there is a guess, not a signal.
    """

    categorical: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    date_parts: tuple[str, ...] = ("weekday",)
    min_frequency: int = 20
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.date_parts) - set(DATE_PARTS)
        if unknown:
            raise ValueError(f"unknown date part(s) {sorted(unknown)}; choose from {DATE_PARTS}")
        if not (self.categorical or self.numeric or self.dates):
            raise ValueError("FeatureSpec needs at least one feature column")

    @property
    def columns(self) -> tuple[str, ...]:
        """The input columns the frame must have."""
        return (*self.categorical, *self.numeric, *self.dates)

    def derived_categorical(self) -> list[tuple[str, str]]:
        """(model column, display name) of every categorical input, dates included."""
        out = [(c, self.labels.get(c, c)) for c in self.categorical]
        for d in self.dates:
            for part in self.date_parts:
                out.append((f"{d}.{part}", f"{self.labels.get(d, d)} {part.replace('_', ' ')}"))
        return out


def prepare_features(frame: pl.DataFrame | pa.Table, spec: FeatureSpec) -> pl.DataFrame:
    """Select and shape the model's input columns; what fit, predict and explain share.

    Categorical values become strings with nulls as ``(missing)``: a missing channel
    is information (it often means a form without tracking), not a value to impute.
    """
    df = as_polars(frame)
    missing = [c for c in spec.columns if c not in df.columns]
    if missing:
        raise ValueError(f"frame lacks feature column(s): {', '.join(missing)}")
    exprs: list[pl.Expr] = [
        pl.col(c).cast(pl.String).replace("", None).fill_null(MISSING).alias(c) for c in spec.categorical
    ]
    exprs += [pl.col(c).cast(pl.Float64).alias(c) for c in spec.numeric]
    for d in spec.dates:
        col = pl.col(d)
        if df.schema[d] == pl.String:
            col = col.str.to_datetime(strict=False)
        for part in spec.date_parts:
            if part == "weekday":
                expr = col.dt.weekday().replace_strict(
                    dict(enumerate(_WEEKDAYS, start=1)), return_dtype=pl.String
                )
            elif part == "month":
                expr = col.dt.month().cast(pl.String).str.zfill(2)
            elif part == "day_of_month":
                expr = col.dt.day().cast(pl.String).str.zfill(2)
            else:
                expr = col.dt.hour().cast(pl.String).str.zfill(2)
            exprs.append(expr.fill_null(MISSING).alias(f"{d}.{part}"))
    return df.select(exprs)


def model_columns(spec: FeatureSpec) -> list[str]:
    """Model input columns in transformer order; transformer ``f{i}`` encodes column ``i``.

    Transformers get positional names because scikit-learn forbids ``__`` in them,
    and field names are the user's to choose.
    """
    return [c for c, _ in spec.derived_categorical()] + list(spec.numeric)


def _build_pipeline(spec: FeatureSpec, c_value: float) -> Pipeline:
    """One transformer per input field, so every encoded column maps back to a field."""
    transformers: list[tuple[str, Any, list[str]]] = []
    n_categorical = len(spec.derived_categorical())
    for i, column in enumerate(model_columns(spec)):
        if i < n_categorical:
            encoder: Any = OneHotEncoder(
                handle_unknown="infrequent_if_exist", min_frequency=spec.min_frequency, sparse_output=False
            )
        else:
            encoder = Pipeline(
                [
                    ("impute", SimpleImputer(strategy="median", add_indicator=True)),
                    ("scale", StandardScaler()),
                ]
            )
        transformers.append((f"f{i}", encoder, [column]))
    return Pipeline(
        [
            ("encode", ColumnTransformer(transformers, remainder="drop")),
            ("model", LogisticRegression(C=c_value, max_iter=2000)),
        ]
    )


@dataclass(frozen=True)
class Reason:
    """One field's effect on a lead's odds of winning, relative to an average lead."""

    field: str
    value: str
    log_odds: float

    @property
    def odds_ratio(self) -> float:
        return math.exp(self.log_odds)

    @property
    def text(self) -> str:
        """Plain words for the seller, e.g. 'origin = paid_search raises the odds ×1.8'."""
        verb = "raises" if self.log_odds > 0 else "lowers"
        ratio = self.odds_ratio
        shown = f"{ratio:.1f}" if ratio >= 1 else f"{ratio:.2f}"
        return f"{self.field} = {self.value} {verb} the odds ×{shown}"


@dataclass(frozen=True)
class LeadExplanation:
    """A lead's calibrated probability and the reasons behind it (strongest first)."""

    probability: float
    baseline_probability: float
    reasons: tuple[Reason, ...]

    def top_positive(self, n: int = 3) -> list[Reason]:
        return [r for r in self.reasons if r.log_odds > 0][:n]

    def top_negative(self, n: int = 3) -> list[Reason]:
        return [r for r in self.reasons if r.log_odds < 0][:n]


@dataclass
class TrainingInfo:
    """What the stored model was trained on, for the admin page and for audits."""

    trained_at: str
    n_leads: int
    n_won: int
    c_value: float
    seconds: float
    sklearn_version: str


class PredictiveLeadScorer:
    """Calibrated logistic-regression lead scorer with per-lead reasons.

    ``C`` is the inverse regularisation strength; ``None`` picks it from
    ``DEFAULT_C_GRID`` by stratified cross-validated log-loss on the training data only.
    """

    def __init__(
        self,
        features: FeatureSpec,
        *,
        C: float | None = None,  # noqa: N803 - scikit-learn's name for it
        cv: int = 5,
        random_state: int = 0,
    ) -> None:
        self.features = features
        self.C = C
        self.cv = cv
        self.random_state = random_state
        self.model: CalibratedClassifierCV | None = None
        self.info: TrainingInfo | None = None
        self._x_mean: np.ndarray | None = None

    def _folds(self, y: np.ndarray) -> StratifiedKFold:
        n_splits = min(self.cv, int(np.bincount(y, minlength=2).min()))
        if n_splits < 2:
            raise ValueError("need at least two won and two lost leads to train and calibrate")
        return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)

    def _choose_c(self, x: pl.DataFrame, y: np.ndarray) -> float:
        if self.C is not None:
            return self.C
        folds = self._folds(y)
        scores = []
        for c_value in DEFAULT_C_GRID:
            pipe = _build_pipeline(self.features, c_value)
            scores.append(cross_val_score(pipe, x, y, cv=folds, scoring="neg_log_loss").mean())
        return DEFAULT_C_GRID[int(np.argmax(scores))]

    def fit(self, frame: pl.DataFrame | pa.Table, label: str) -> PredictiveLeadScorer:
        """Train on closed leads (label True/1 = won, False/0 = lost; null rows skipped)."""
        start = time.perf_counter()
        df = as_polars(frame).filter(pl.col(label).is_not_null())
        y = df.get_column(label).cast(pl.Int8).to_numpy().astype(int)
        if not set(np.unique(y)) <= {0, 1}:
            raise ValueError(f"label {label!r} must be boolean or 0/1")
        x = prepare_features(df, self.features)
        folds = self._folds(y)
        c_value = self._choose_c(x, y)
        with warnings.catch_warnings():
            # rare categories seen only in one fold are expected with min_frequency
            warnings.filterwarnings("ignore", message="Found unknown categories")
            self.model = CalibratedClassifierCV(
                _build_pipeline(self.features, c_value), method="sigmoid", cv=folds, ensemble=False
            ).fit(x, y)
        self._x_mean = self._encoder().transform(x).mean(axis=0)
        self.info = TrainingInfo(
            trained_at=datetime.now(UTC).isoformat(timespec="seconds"),
            n_leads=int(y.size),
            n_won=int(y.sum()),
            c_value=c_value,
            seconds=time.perf_counter() - start,
            sklearn_version=sklearn.__version__,
        )
        return self

    def _fitted(self) -> CalibratedClassifierCV:
        if self.model is None:
            raise RuntimeError("call fit before predicting")
        return self.model

    def _base(self) -> Pipeline:
        pipe = self._fitted().calibrated_classifiers_[0].estimator
        assert isinstance(pipe, Pipeline)
        return pipe

    def _encoder(self) -> ColumnTransformer:
        encoder = self._base().named_steps["encode"]
        assert isinstance(encoder, ColumnTransformer)
        return encoder

    def _slope_intercept(self) -> tuple[float, float]:
        """Platt scaling maps decision f to logit ``-(a f + b)``; return (-a, -b)."""
        calibrator = self._fitted().calibrated_classifiers_[0].calibrators[0]
        return -float(calibrator.a_), -float(calibrator.b_)

    def predict_proba(self, frame: pl.DataFrame | pa.Table) -> np.ndarray:
        """Calibrated probability of winning for every lead in the frame."""
        x = prepare_features(frame, self.features)
        won: np.ndarray = self._fitted().predict_proba(x)[:, 1]  # scikit-learn is untyped
        return won

    def explain(self, frame: pl.DataFrame | pa.Table, *, min_effect: float = 0.05) -> list[LeadExplanation]:
        """Per-lead probability and field reasons with |log-odds| >= ``min_effect``.

        The reasons plus the baseline add up exactly to the lead's calibrated log-odds
        (see the module docstring), so what the seller reads is what the model did.
        """
        df = as_polars(frame)
        x = prepare_features(df, self.features)
        encoder = self._encoder()
        z = encoder.transform(x)
        weights = self._base().named_steps["model"].coef_[0]
        intercept = float(self._base().named_steps["model"].intercept_[0])
        slope, offset = self._slope_intercept()
        assert self._x_mean is not None
        contrib = slope * weights * (z - self._x_mean)
        baseline = slope * (float(weights @ self._x_mean) + intercept) + offset
        names = dict(self.features.derived_categorical())
        names |= {c: self.features.labels.get(c, c) for c in self.features.numeric}
        groups = [
            (name, encoder.output_indices_[f"f{i}"]) for i, name in enumerate(model_columns(self.features))
        ]
        per_field = np.column_stack([contrib[:, s].sum(axis=1) for _, s in groups])
        logits = baseline + per_field.sum(axis=1)
        out: list[LeadExplanation] = []
        for i, row in enumerate(x.iter_rows(named=True)):
            reasons = [
                Reason(names[name], self._display_value(name, row[name]), float(per_field[i, k]))
                for k, (name, _) in enumerate(groups)
                if abs(per_field[i, k]) >= min_effect
            ]
            reasons.sort(key=lambda r: -abs(r.log_odds))
            out.append(LeadExplanation(_sigmoid(logits[i]), _sigmoid(baseline), tuple(reasons)))
        return out

    def _display_value(self, column: str, value: Any) -> str:
        """The lead's value as the seller knows it, flagging values the model lumps as rare."""
        if column in self.features.numeric:
            return (
                MISSING if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:g}"
            )
        index = model_columns(self.features).index(column)
        encoder = self._encoder().named_transformers_[f"f{index}"]
        known = set(encoder.categories_[0])
        infrequent = encoder.infrequent_categories_[0]
        rare = set() if infrequent is None else set(infrequent)
        if value in rare or value not in known:
            return f"{value} (rare value)"
        return str(value)

    def to_bytes(self) -> bytes:
        """Serialise the fitted scorer (joblib) for storage in the database."""
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> PredictiveLeadScorer:
        """Load a scorer written by :meth:`to_bytes`; only for bytes Hamsu wrote itself."""
        scorer = joblib.load(io.BytesIO(data))
        if not isinstance(scorer, PredictiveLeadScorer):
            raise TypeError("bytes do not hold a PredictiveLeadScorer")
        if scorer.info and scorer.info.sklearn_version != sklearn.__version__:
            warnings.warn(
                f"model trained with scikit-learn {scorer.info.sklearn_version}, running "
                f"{sklearn.__version__}: retrain it",
                stacklevel=2,
            )
        return scorer


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


def train_lead_scorer(
    frame: pl.DataFrame | pa.Table, label: str, features: FeatureSpec, **kwargs: Any
) -> tuple[PredictiveLeadScorer, bytes]:
    """What the background retraining job calls: fit, then serialise for storage."""
    scorer = PredictiveLeadScorer(features, **kwargs).fit(frame, label)
    return scorer, scorer.to_bytes()


def explain_texts(explanation: LeadExplanation, n: int = 3) -> Sequence[str]:
    """The strongest reasons each way, as sentences, for the seller's lead page."""
    return [r.text for r in explanation.top_positive(n) + explanation.top_negative(n)]
