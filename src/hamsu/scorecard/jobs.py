"""The weekly forecast snapshot and its back-fill, shared by the task, the command and the demo."""

from __future__ import annotations

import datetime

from django.utils import timezone

from hamsu.core.company import company_settings
from hamsu.scorecard import aggregates, forecast_selection, forecasts, snapshots
from hamsu.scorecard.periods import QUARTER, period_containing


def periods_for(day: datetime.date) -> list:
    """The quarter containing ``day`` and the next one (what a weekly forecast looks at)."""
    current = period_containing(day, QUARTER, company_settings().fiscal_calendar)
    return [current, current.next()]


def weekly_snapshot(*, as_of: str | datetime.date | None = None, history=None) -> list:
    """Snapshot this quarter and the next, then re-score every method's track record."""
    day = datetime.date.fromisoformat(as_of) if isinstance(as_of, str) else (as_of or timezone.localdate())
    aggregates.fill()
    history = history if history is not None else forecasts.load_history()
    rows = snapshots.snapshot_take(as_of=day, periods=periods_for(day), history=history)
    forecast_selection.track_record_refresh(history=history)
    return rows


def backfill(
    *,
    weeks: int,
    products_every: int = 4,
    until: datetime.date | None = None,
    products: bool = True,
    progress=None,
) -> int:
    """Snapshots for each of the last ``weeks`` Sundays, each using only what was known then."""
    until = until or timezone.localdate()
    history = forecasts.load_history()
    last_sunday = until - datetime.timedelta(days=(until.weekday() + 1) % 7)
    days = [last_sunday - datetime.timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
    # Each period keeps the deal lines of its newest snapshot only (see ForecastLine).
    newest = {period.key: day for day in days for period in periods_for(day)}
    written = 0
    for i, day in enumerate(days):
        written += len(
            snapshots.snapshot_take(
                as_of=day,
                periods=periods_for(day),
                history=history,
                lines={key for key, last in newest.items() if last == day},
                # Per-product forecasts are monthly: enough to score them, a quarter of the work.
                products=products and i % products_every == 0,
            )
        )
        if progress and (i + 1) % 10 == 0:
            progress(f"forecast snapshots: {i + 1}/{len(days)} weeks")
    forecast_selection.track_record_refresh(history=history)
    return written
