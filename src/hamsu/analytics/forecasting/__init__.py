"""Revenue forecasting and forecast accuracy (pure: Polars/NumPy, no Django).

- :mod:`.snapshots` — rebuild the pipeline and the known history as of any past date;
- :mod:`.survival` — censoring-aware exit tables (when and where deals leave a stage);
- :mod:`.stage_probabilities` — CRM default probabilities and learned, smoothed,
  age-conditioned ones;
- :mod:`.weighted` — weighted pipeline forecasts (fixed and learned) and new-deal run-rate;
- :mod:`.calendar` — calendar-aware (quarter-lag) exit tables;
- :mod:`.monte_carlo` — seeded, vectorised simulation giving P10/P50/P90;
- :mod:`.calls` — seller commit/best-case calls with manager overrides, rolled up per team;
- :mod:`.accuracy` — APE, MAPE, WAPE and signed bias per method and horizon;
- :mod:`.maven` and :mod:`.backtest` — the back-test on the Maven CRM data set.
"""

from hamsu.analytics.forecasting.accuracy import forecast_accuracy, forecast_errors, summarise_errors
from hamsu.analytics.forecasting.calendar import CalendarHazards, fit_calendar_hazards, fit_calendar_tables
from hamsu.analytics.forecasting.calls import effective_calls, roll_up_calls
from hamsu.analytics.forecasting.monte_carlo import (
    Arrivals,
    MonteCarloForecast,
    Window,
    simulate_independent_wins,
    simulate_won_value,
)
from hamsu.analytics.forecasting.snapshots import (
    LOST,
    WON,
    next_quarter,
    open_deals_as_of,
    outcome_spells_as_of,
    quarter_end,
    quarter_start,
    stage_spells_as_of,
    weekly_snapshot_dates,
)
from hamsu.analytics.forecasting.stage_probabilities import (
    HUBSPOT_DEFAULT_PROBABILITIES,
    SALESFORCE_DEFAULT_PROBABILITIES,
    age_conditioned_win_probability,
    fit_outcome_tables,
    fit_stage_tables,
    mapped_probabilities,
    stage_win_rates,
)
from hamsu.analytics.forecasting.survival import ExitTable, fit_exit_table
from hamsu.analytics.forecasting.weighted import (
    arrival_rate,
    deal_win_probabilities_in_period,
    expected_new_pipeline,
    fixed_new_pipeline,
    fixed_weighted_forecast,
    learned_weighted_forecast,
    nominal_close_dates,
    weighted_pipeline,
)

__all__ = [
    "HUBSPOT_DEFAULT_PROBABILITIES",
    "LOST",
    "SALESFORCE_DEFAULT_PROBABILITIES",
    "WON",
    "Arrivals",
    "CalendarHazards",
    "ExitTable",
    "MonteCarloForecast",
    "Window",
    "age_conditioned_win_probability",
    "arrival_rate",
    "deal_win_probabilities_in_period",
    "effective_calls",
    "expected_new_pipeline",
    "fit_calendar_hazards",
    "fit_calendar_tables",
    "fit_exit_table",
    "fit_outcome_tables",
    "fit_stage_tables",
    "fixed_new_pipeline",
    "fixed_weighted_forecast",
    "forecast_accuracy",
    "forecast_errors",
    "learned_weighted_forecast",
    "mapped_probabilities",
    "next_quarter",
    "nominal_close_dates",
    "open_deals_as_of",
    "outcome_spells_as_of",
    "quarter_end",
    "quarter_start",
    "roll_up_calls",
    "simulate_independent_wins",
    "simulate_won_value",
    "stage_spells_as_of",
    "stage_win_rates",
    "summarise_errors",
    "weekly_snapshot_dates",
    "weighted_pipeline",
]
