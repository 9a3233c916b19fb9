"""Reads for the scorecard. Dashboards read the aggregate tables, never the deal tables.

``Filters`` narrows every figure to a period and optionally a team, segment, product,
seller and source, in any combination: the funnel tables carry every dimension but the
seller, the per-seller table carries every dimension with the seller. A figure whose
records have no such split (costs, lead stages, targets of a combination) says it is not
measured for the filters rather than showing the whole company's.

One module per subject: ``filters`` (and who may see whose figures), ``totals``,
``targets`` and ``forecasts``; the names below are the package's, so a caller reads
``selectors.stage_totals(...)`` whichever module holds it.
"""

from hamsu.scorecard.selectors.filters import (
    ZERO,
    Filters,
    current_period,
    restrict_filters,
)
from hamsu.scorecard.selectors.forecasts import (
    CallTotals,
    ForecastView,
    call_list,
    call_totals,
    calls_for,
    calls_made_by,
    calls_visible_to,
    forecast_accuracy,
    forecast_lines,
    forecast_view,
    latest_snapshots,
    plan_list,
    sees_every_call,
    segments_discovered,
    snapshot_history,
)
from hamsu.scorecard.selectors.targets import (
    target_for,
    target_list,
)
from hamsu.scorecard.selectors.totals import (
    costs,
    lead_totals,
    leads_measured,
    ledger_total,
    median_cycle_seconds,
    monthly_series,
    open_pipeline,
    product_won,
    stage_totals,
    won_cycles,
)

__all__ = [
    "CallTotals",
    "Filters",
    "ForecastView",
    "ZERO",
    "call_list",
    "call_totals",
    "calls_for",
    "calls_made_by",
    "calls_visible_to",
    "costs",
    "current_period",
    "forecast_accuracy",
    "forecast_lines",
    "forecast_view",
    "latest_snapshots",
    "lead_totals",
    "leads_measured",
    "ledger_total",
    "median_cycle_seconds",
    "monthly_series",
    "open_pipeline",
    "plan_list",
    "product_won",
    "restrict_filters",
    "sees_every_call",
    "segments_discovered",
    "snapshot_history",
    "stage_totals",
    "target_for",
    "target_list",
    "won_cycles",
]
