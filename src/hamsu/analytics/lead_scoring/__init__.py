"""Lead scoring: rule points, a calibrated predictive model, an Odoo-style baseline.

* :mod:`.rules` - fit and engagement points with half-life decay (JSON spec, no eval).
* :mod:`.predictive` - scikit-learn model with calibrated probabilities and reasons.
* :mod:`.naive_bayes` - Odoo CRM's frequency naive Bayes, the baseline to beat.
* :mod:`.evaluation` - time-ordered holdout: AUC, lift@10%/20%, Brier score.
* :mod:`.olist` - the real Olist marketing funnel as a modelling frame.

Pure: no Django. See docs/lead_scoring.md.

The names below load their module on first use (PEP 562): importing the package must not
load scikit-learn (seconds), because the capture worker only needs the rule points.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> the submodule that defines it
_HOME = {
    "Contribution": "rules",
    "EngagementRule": "rules",
    "FeatureSpec": "predictive",
    "FieldScore": "naive_bayes",
    "FitRule": "rules",
    "FrequencyNaiveBayes": "naive_bayes",
    "HoldoutReport": "evaluation",
    "LeadExplanation": "predictive",
    "LearnedRuleScorer": "evaluation",
    "NaiveBayesDateAware": "evaluation",
    "NaiveBayesScorer": "evaluation",
    "PointsSpec": "rules",
    "PredictiveLeadScorer": "predictive",
    "PredictiveScorer": "evaluation",
    "Reason": "predictive",
    "RuleScore": "rules",
    "RuleScorer": "evaluation",
    "Scorer": "evaluation",
    "ScorerResult": "evaluation",
    "SpecError": "rules",
    "Touch": "rules",
    "decayed_points": "rules",
    "default_scorers": "evaluation",
    "evaluate_holdout": "evaluation",
    "lift_at": "evaluation",
    "odoo_percent": "naive_bayes",
    "points_from_history": "rules",
    "prepare_features": "predictive",
    "score_frame": "rules",
    "score_lead": "rules",
    "time_ordered_split": "evaluation",
    "train_lead_scorer": "predictive",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    try:
        module = _HOME[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
