"""The sales-marketing alignment diagnostic: pure scoring and its CLI.

Import from here; the submodules are ``responses`` (reading and validating answers),
``scoring`` (the maths) and ``cli`` (``hamsu diagnostic score FILE``).
"""

from hamsu.analytics.diagnostic.responses import (
    MARKETING,
    SALES,
    STATEMENTS,
    DiagnosticInputError,
    Response,
    parse_responses_csv,
    responses_from_mappings,
)
from hamsu.analytics.diagnostic.scoring import (
    ConfidenceInterval,
    DiagnosticResult,
    Relationship,
    RoundDelta,
    StatementGap,
    band,
    function_means,
    mean_with_ci,
    perception_gaps,
    score_csv_text,
    score_responses,
    statement_matrix,
    suppress_small_groups,
    trend,
)

__all__ = [
    "MARKETING",
    "SALES",
    "STATEMENTS",
    "ConfidenceInterval",
    "DiagnosticInputError",
    "DiagnosticResult",
    "Relationship",
    "Response",
    "RoundDelta",
    "StatementGap",
    "band",
    "function_means",
    "mean_with_ci",
    "parse_responses_csv",
    "perception_gaps",
    "responses_from_mappings",
    "score_csv_text",
    "score_responses",
    "statement_matrix",
    "suppress_small_groups",
    "trend",
]
