"""Lead scoring: rule points, a calibrated predictive model, an Odoo-style baseline.

* :mod:`.rules` - fit and engagement points with half-life decay (JSON spec, no eval).
* :mod:`.predictive` - scikit-learn model with calibrated probabilities and reasons.
* :mod:`.naive_bayes` - Odoo CRM's frequency naive Bayes, the baseline to beat.
* :mod:`.evaluation` - time-ordered holdout: AUC, lift@10%/20%, Brier score.
* :mod:`.olist` - the real Olist marketing funnel as a modelling frame.

Pure: no Django. See docs/lead_scoring.md.
"""

from hamsu.analytics.lead_scoring.evaluation import (
    HoldoutReport,
    LearnedRuleScorer,
    NaiveBayesDateAware,
    NaiveBayesScorer,
    PredictiveScorer,
    RuleScorer,
    Scorer,
    ScorerResult,
    default_scorers,
    evaluate_holdout,
    lift_at,
    time_ordered_split,
)
from hamsu.analytics.lead_scoring.naive_bayes import FieldScore, FrequencyNaiveBayes, odoo_percent
from hamsu.analytics.lead_scoring.predictive import (
    FeatureSpec,
    LeadExplanation,
    PredictiveLeadScorer,
    Reason,
    prepare_features,
    train_lead_scorer,
)
from hamsu.analytics.lead_scoring.rules import (
    Contribution,
    EngagementRule,
    FitRule,
    PointsSpec,
    RuleScore,
    SpecError,
    Touch,
    decayed_points,
    points_from_history,
    score_frame,
    score_lead,
)

__all__ = [
    "Contribution",
    "EngagementRule",
    "FeatureSpec",
    "FieldScore",
    "FitRule",
    "FrequencyNaiveBayes",
    "HoldoutReport",
    "LeadExplanation",
    "LearnedRuleScorer",
    "NaiveBayesDateAware",
    "NaiveBayesScorer",
    "PointsSpec",
    "PredictiveLeadScorer",
    "PredictiveScorer",
    "Reason",
    "RuleScore",
    "RuleScorer",
    "Scorer",
    "ScorerResult",
    "SpecError",
    "Touch",
    "decayed_points",
    "default_scorers",
    "evaluate_holdout",
    "lift_at",
    "odoo_percent",
    "points_from_history",
    "prepare_features",
    "score_frame",
    "score_lead",
    "time_ordered_split",
    "train_lead_scorer",
]
