"""The period an attribution or closed-loop report covers: one rule for the pages and the API.

The pages once defaulted to the last twelve months while the API defaulted to all time, so
a reader and an API client asking the same question without dates were told different
figures. Both now ask ``report_window``:
- dates given (either or both): exactly those dates (an open bound is open);
- otherwise the period chosen: ``last_12_months`` (the default, which also bounds the work
  on a large database) or ``all_time`` (no bounds).

A report runs from the start of ``since`` up to, not including, the start of ``until``,
both in the company's time zone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LAST_12_MONTHS = "last_12_months"
ALL_TIME = "all_time"
DATES = "dates"  # the window of a report given its dates (not a choice of its own)
DEFAULT_PERIOD = LAST_12_MONTHS
PERIOD_CHOICES = (
    (LAST_12_MONTHS, _("Last 12 months")),
    (ALL_TIME, _("All time")),
)
PERIODS = tuple(key for key, _label in PERIOD_CHOICES)
# Twelve months as 365 days: the same length whichever day the report is asked on.
TWELVE_MONTHS = datetime.timedelta(days=365)


@dataclass(frozen=True)
class ReportWindow:
    period: str  # one of PERIODS, or DATES when the report was given dates
    since: datetime.date | None
    until: datetime.date | None

    @staticmethod
    def _moment(day: datetime.date | None) -> datetime.datetime | None:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time())) if day else None

    @property
    def start(self) -> datetime.datetime | None:
        return self._moment(self.since)

    @property
    def end(self) -> datetime.datetime | None:
        return self._moment(self.until)


def report_window(
    *,
    period: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ReportWindow:
    """The window a report covers (see the module's docstring). An unknown ``period`` is
    the default: callers validate what they accept (the API's type, the page's choices)."""
    if since is not None or until is not None:
        return ReportWindow(DATES, since, until)
    if period == ALL_TIME:
        return ReportWindow(ALL_TIME, None, None)
    today = today or timezone.localdate()
    return ReportWindow(LAST_12_MONTHS, today - TWELVE_MONTHS, None)
