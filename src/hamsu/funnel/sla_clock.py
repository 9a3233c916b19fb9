"""What an MQL's SLA badge says: how long sales has left to answer, or that the deadline
passed — plainly "overdue", never "0 minutes left".

The inbox, the handoff queue and the lead page all draw the badge from here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from hamsu.core import dates

MINUTE = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class SlaClock:
    overdue: bool
    text: str


def sla_clock(due_at: datetime.datetime, now: datetime.datetime) -> SlaClock:
    """The deadline is met at ``due_at`` itself: from that moment the lead is overdue."""
    if due_at <= now:
        if now - due_at < MINUTE:
            return SlaClock(overdue=True, text=_("Overdue"))
        return SlaClock(overdue=True, text=_("Overdue by %(time)s") % {"time": _span(due_at, now)})
    if due_at - now < MINUTE:
        return SlaClock(overdue=False, text=_("Less than a minute left"))
    return SlaClock(overdue=False, text=_("%(time)s left") % {"time": _span(now, due_at)})


def _span(start: datetime.datetime, end: datetime.datetime) -> str:
    # Two units at most ("2 days, 3 hours"): enough to act on; digits as the page's language.
    text = timesince(start, end, depth=2)
    return dates.to_persian_digits(text) if dates.uses_jalali() else text
