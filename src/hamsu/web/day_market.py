"""A marketer's day: the MQLs sales returned lately and why, sales' answers to the leads
marketing handed over (in time, late, still waiting with their clocks), and the week's
campaigns with the leads each has brought so far.

The reads are the funnel's and the campaigns' (``funnel.selectors_day``,
``campaigns.selectors.campaigns_in_dates``); this module only picks the window."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from hamsu.campaigns.selectors import campaigns_in_dates
from hamsu.core.company import company_settings
from hamsu.core.models import FiscalCalendar
from hamsu.funnel import selectors_day

# The first day of the week: Saturday where the company keeps the Jalali calendar (the
# Iranian week), Monday otherwise (ISO). Python numbers Monday 0 … Sunday 6.
SATURDAY, MONDAY = 5, 0


def week_of(day: datetime.date, calendar: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the company's week that holds ``day``."""
    first = SATURDAY if calendar == FiscalCalendar.JALALI else MONDAY
    start = day - datetime.timedelta(days=(day.weekday() - first) % 7)
    return start, start + datetime.timedelta(days=6)


@dataclass
class MarketDay:
    since: datetime.datetime
    returns: selectors_day.Returns
    sla: selectors_day.SlaOnLeads
    week: tuple[datetime.date, datetime.date]
    campaigns: list


def market_day(user, *, now: datetime.datetime, limit: int) -> MarketDay:
    since = selectors_day.recent_since(now)
    week = week_of(timezone.localdate(now), company_settings().fiscal_calendar)
    campaigns = campaigns_in_dates(user=user, start=week[0], end=week[1], now=now, limit=limit)
    for campaign in campaigns:
        campaign.starts_this_week = campaign.start_date >= week[0]
        campaign.ends_this_week = campaign.end_date is not None and campaign.end_date <= week[1]
    return MarketDay(
        since=since,
        returns=selectors_day.returned_leads(user=user, since=since, limit=limit),
        sla=selectors_day.sla_on_leads(user=user, since=since, limit=limit),
        week=week,
        campaigns=campaigns,
    )
