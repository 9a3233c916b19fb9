"""Frequency naive Bayes in the manner of Odoo's CRM "predictive lead scoring".

This is the baseline the predictive model must beat: it is what a seller moving from
Odoo already has. It mirrors ``crm.lead._pls_get_naive_bayes_probabilities`` and the
``crm.lead.scoring.frequency`` table (read in odoo/odoo, ``addons/crm/models/crm_lead.py``):

* For every scoring field and every value seen on a closed lead, the table holds
  ``won_count`` and ``lost_count``. When a (field, value) row is created Odoo adds
  **0.1** to both counts ("should be +1 but it weights too much on small recordset"),
  so the smoothing is 0.1, not Laplace's 1.
* Values are compared as strings; unset values (None, empty) are not counted and do
  not enter the product (Odoo "rejects unset values").
* ``P(value | won) = won_count(value) / sum of won_count over the field's values``
  (each field's own total, which includes the 0.1s); the same for lost.
* The prior comes from the counts on the first pipeline stage, which every closed lead
  passes, i.e. ``(W + 0.1, L + 0.1)``; ``P(won) = (W + 0.1) / (W + L + 0.2)``.
* ``probability = P(won)·Π P(v|won) / (P(won)·Π P(v|won) + P(lost)·Π P(v|lost))``.
  A value never seen in training is skipped (factor 1). With no won or no lost lead
  Odoo cannot score; here ``fit`` refuses.

Differences, on purpose: Odoo also puts ``stage_id`` in the product, but a lead scored at
MQL time is in the first stage, whose factor is ``(W+0.1)/(W+0.1)`` = 1 for won and
for lost alike, so leaving it out changes nothing. Odoo keeps one table per sales team
with a company-wide fallback; here there is one table (fit one model per team if you
need that). Odoo rounds to 2 decimals of a percent and clamps to [0.01, 99.99];
``predict_proba`` returns the unrounded probability (rounding creates ties that blur
AUC) and :func:`odoo_percent` reproduces the display. Products are taken in log space,
which is the same number without underflow when there are many fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

ODOO_SMOOTHING = 0.1


def as_polars(frame: pl.DataFrame | pa.Table) -> pl.DataFrame:
    """Accept a Polars frame or an Arrow table (what the Django side hands over)."""
    if isinstance(frame, pa.Table):
        result = pl.from_arrow(frame)
        assert isinstance(result, pl.DataFrame)
        return result
    return frame


def _value_strings(frame: pl.DataFrame, field: str) -> pl.Series:
    """A field as strings with unset values (null, empty) as null, as Odoo compares them."""
    col = frame.get_column(field)
    is_bool = col.dtype == pl.Boolean
    text = col.cast(pl.String)
    # booleans as True/False, the str() of a Python bool, which is what Odoo stores
    return (text.str.to_titlecase() if is_bool else text).replace("", None)


@dataclass(frozen=True)
class FieldScore:
    """One field's pull on a lead, Odoo tooltip style: score > 0.5 raises the chance."""

    field: str
    value: str
    score: float

    @property
    def text(self) -> str:
        direction = "raises" if self.score > 0.5 else "lowers"
        return f"{self.field} = {self.value} {direction} the chance (Odoo score {self.score:.2f})"


class FrequencyNaiveBayes:
    """Odoo-style per-field-value won/lost counting classifier.

    ``fit`` takes closed leads only (label True = won, False = lost; null labels are
    open leads and are skipped), as Odoo's table is built from won and lost leads.
    """

    def __init__(self, fields: Sequence[str], *, smoothing: float = ODOO_SMOOTHING) -> None:
        if not fields:
            raise ValueError("FrequencyNaiveBayes needs at least one field")
        if smoothing <= 0:
            raise ValueError("smoothing must be positive (Odoo uses 0.1)")
        self.fields = tuple(fields)
        self.smoothing = smoothing
        self.table: dict[str, dict[str, tuple[float, float]]] = {}
        self.won = 0.0
        self.lost = 0.0

    def fit(self, frame: pl.DataFrame | pa.Table, label: str) -> FrequencyNaiveBayes:
        """Build the frequency table from closed leads."""
        df = as_polars(frame).filter(pl.col(label).is_not_null())
        y = df.get_column(label).cast(pl.Boolean)
        self.won = float(y.sum())
        self.lost = float(df.height - y.sum())
        if self.won == 0 or self.lost == 0:
            raise ValueError("the frequency table needs at least one won and one lost lead")
        self.table = {}
        for name in self.fields:
            counts = (
                pl.DataFrame({"v": _value_strings(df, name), "y": y})
                .drop_nulls("v")
                .group_by("v")
                .agg(won=pl.col("y").sum(), lost=(~pl.col("y")).sum())
            )
            self.table[name] = {
                v: (float(w) + self.smoothing, float(lo) + self.smoothing) for v, w, lo in counts.iter_rows()
            }
        return self

    @property
    def prior(self) -> float:
        """P(won) as Odoo computes it from the first-stage counts (with the 0.1s)."""
        return (self.won + self.smoothing) / (self.won + self.lost + 2 * self.smoothing)

    def _field_log_ratios(self, name: str) -> dict[str, float]:
        """ln P(v|won) - ln P(v|lost) for every value of a field (field totals as Odoo)."""
        values = self.table.get(name, {})
        won_total = sum(w for w, _ in values.values())
        lost_total = sum(lo for _, lo in values.values())
        if not won_total or not lost_total:
            return {}
        return {v: math.log(w / won_total) - math.log(lo / lost_total) for v, (w, lo) in values.items()}

    def decision_function(self, frame: pl.DataFrame | pa.Table) -> np.ndarray:
        """Log-odds of winning per lead (prior plus one term per known field value)."""
        if not self.table:
            raise RuntimeError("call fit before scoring")
        df = as_polars(frame)
        logit = np.full(df.height, math.log(self.won + self.smoothing) - math.log(self.lost + self.smoothing))
        for name in self.fields:
            ratios = self._field_log_ratios(name)
            values = _value_strings(df, name)
            terms = values.replace_strict(ratios, default=0.0, return_dtype=pl.Float64).fill_null(0.0)
            logit += terms.to_numpy()
        return logit

    def predict_proba(self, frame: pl.DataFrame | pa.Table) -> np.ndarray:
        """Probability of winning per lead (unrounded; see :func:`odoo_percent`)."""
        probability: np.ndarray = 1.0 / (1.0 + np.exp(-self.decision_function(frame)))
        return probability

    def explain(self, lead: Mapping[str, Any]) -> list[FieldScore]:
        """Per-field scores for one lead, as Odoo's tooltip: P(v|won) / (P(v|won)+P(v|lost))."""
        out: list[FieldScore] = []
        for name in self.fields:
            raw = lead.get(name)
            if raw is None or raw == "":
                continue
            value = str(raw)
            ratio = self._field_log_ratios(name).get(value)
            if ratio is None:
                continue
            out.append(FieldScore(name, value, 1.0 / (1.0 + math.exp(-ratio))))
        out.sort(key=lambda s: -abs(s.score - 0.5))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The frequency table as JSON-ready data (it is data, no pickle needed)."""
        return {
            "fields": list(self.fields),
            "smoothing": self.smoothing,
            "won": self.won,
            "lost": self.lost,
            "table": {f: {v: [w, lo] for v, (w, lo) in vals.items()} for f, vals in self.table.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FrequencyNaiveBayes:
        """Rebuild a fitted model from :meth:`to_dict` output."""
        model = cls(data["fields"], smoothing=float(data["smoothing"]))
        model.won, model.lost = float(data["won"]), float(data["lost"])
        model.table = {
            f: {v: (float(c[0]), float(c[1])) for v, c in vals.items()} for f, vals in data["table"].items()
        }
        return model


def odoo_percent(probability: float) -> float:
    """Display a probability as Odoo does: percent, 2 decimals, clamped to [0.01, 99.99]."""
    return min(max(round(100 * probability, 2), 0.01), 99.99)
