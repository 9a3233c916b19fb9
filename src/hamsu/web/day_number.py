"""The CRO's day: the number (target, the sellers' commit and what is won so far) for the
current quarter, the forecast with its range, and the alignment score.

Every figure is read through the scorecard's and the alignment diagnostic's own selectors,
as their pages read them, so the home page and those pages cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hamsu.alignment import selectors as alignment
from hamsu.alignment.models import Round
from hamsu.alignment.statements import RELATIONSHIP_LABELS
from hamsu.analytics.diagnostic import DiagnosticResult
from hamsu.scorecard import forecast_selection, selectors
from hamsu.scorecard.periods import Period


@dataclass
class NumberDay:
    period: Period
    filters: selectors.Filters
    target: Decimal | None  # None: no target set for the period
    commit: Decimal | None  # None: no call the reader may see summed
    calls: int
    won: Decimal
    forecast_view: selectors.ForecastView | None
    forecast_shown: forecast_selection.DefaultForecast | None
    alignment: DiagnosticResult | None
    alignment_round: Round | None

    min_forecasts = forecast_selection.MIN_FORECASTS

    @property
    def relationship_label(self) -> str:
        return str(RELATIONSHIP_LABELS[self.alignment.relationship]) if self.alignment else ""


def number_day(user) -> NumberDay:
    period = selectors.current_period()
    filters = selectors.restrict_filters(user, selectors.Filters(period=period))
    calls = selectors.calls_for(selectors.call_list(user=user, period=period), filters) or []
    # A sum of calls is shown only to whom may see every call in it (the forecast page's rule).
    summed = bool(calls) and selectors.sees_every_call(user, calls)
    totals = selectors.call_totals(calls)
    result, round_ = alignment.current_result()
    return NumberDay(
        period=period,
        filters=filters,
        target=selectors.target_for(filters),
        commit=totals.commit if summed else None,
        calls=totals.sellers if summed else 0,
        won=selectors.stage_totals(filters)["won"]["reached_amount"],
        forecast_view=selectors.forecast_view(filters),
        # The whole company's forecast is the method with the best track record, as on the
        # scorecard; a narrowed reader gets the learned model (see dashboards.overview).
        forecast_shown=None if filters.narrowed else forecast_selection.default_forecast(period),
        alignment=result,
        alignment_round=round_,
    )
