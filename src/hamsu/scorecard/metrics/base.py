"""The parts a metric is made of (``Metric``: its group, owner, direction, unit and
period, named by the constants and labels below) and the inputs every metric of one set
of filters shares (``Context``, read lazily from the aggregate tables)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from hamsu.scorecard import selectors

SALES, FUNNEL, DOWNSTREAM, UPSTREAM, SHARED = (
    "sales",
    "funnel",
    "downstream_marketing",
    "upstream_marketing",
    "shared",
)
GROUP_LABELS = {
    SALES: _("Sales"),
    FUNNEL: _("Funnel"),
    DOWNSTREAM: _("Downstream marketing"),
    UPSTREAM: _("Upstream marketing"),
    SHARED: _("Shared"),
}
UP, DOWN = "up", "down"
DIRECTION_LABELS = {UP: _("higher is better"), DOWN: _("lower is better")}
UNIT_LABELS = {
    "money": _("money"),
    "count": _("count"),
    "ratio": _("share (%)"),
    "days": _("days"),
    "multiple": _("multiple"),
}
# The natural period a metric is judged over, as the catalogue page names it.
PERIOD_LABELS = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}
# The filters a page offers beyond the period, as ``selectors.Filters`` names them.
DEAL_FILTERS = ("team", "segment", "product", "owner", "source")
# Costs, lead stages, segments and forecast accuracy are kept for the whole company only.
NO_SPLIT: tuple[str, ...] = ()
FILTER_LABELS = {
    "team": _("team"),
    "segment": _("segment"),
    "product": _("product"),
    "owner": _("seller"),
    "source": _("source"),
}


def no_drill(filters: selectors.Filters) -> None:
    """A metric with no list of records behind it."""
    return None


class NotMeasured(Exception):
    """The metric's source does not exist yet (or has no data for the period)."""


@dataclass(frozen=True, kw_only=True)
class Metric:
    code: str
    label: str
    group: str
    owner: str  # owning function
    direction: str  # "up": higher is better; "down": lower is better
    unit: str  # money, count, ratio, days, multiple
    period: str  # the natural period to judge it over
    definition: str  # in words (lazily translated)
    # How it is computed, as a reader would write it (lazily translated): the glossary
    # and every page show this, never code, so a Persian page reads Persian throughout.
    formula: str
    compute: Callable[[Context], float | Decimal | None]
    drill: Callable[[selectors.Filters], str | None] = no_drill
    # The filters its records can be split by; any other active filter makes it "not
    # measured" for the page (never the whole company's figure under a team's name).
    splits: tuple[str, ...] = DEAL_FILTERS


def lazy_format(message, **values):
    """``message % values`` in the language active when it is shown (the catalogue is
    built once and cached, so a label formatted at build time would stay in one language)."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in values.items()}, str)()


def ratio(num, den):
    if not den:
        raise NotMeasured(_("Nothing to divide by in this period."))
    return Decimal(num) / Decimal(den)


class Context:
    """Lazily computed inputs shared by every metric for one set of filters."""

    def __init__(self, filters: selectors.Filters):
        self.f = filters

    @cached_property
    def sla_counts(self) -> list:
        """The funnel's SLA counts for the period, asked once for both sides' metrics."""
        from hamsu.funnel.sla_counts import sla_counts  # ImportError: the funnel app is absent

        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.f.period.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(
            self.f.period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return sla_counts(start=start, end=end)

    @cached_property
    def totals(self) -> dict:
        return selectors.stage_totals(self.f)

    @cached_property
    def open(self) -> dict:
        return selectors.open_pipeline(self.f)

    @cached_property
    def target(self):
        return selectors.target_for(self.f)

    @cached_property
    def leads(self) -> dict:
        return selectors.lead_totals(self.f.period.months())

    @cached_property
    def leads_measured(self) -> bool:
        return selectors.leads_measured()

    def cost(self, function=None, category=None, segments=None):
        value = selectors.costs(self.f.period, function=function, category=category, segments=segments)
        if value is None:
            raise NotMeasured(_("No costs entered for this period."))
        return value

    @cached_property
    def median_cycle_seconds(self) -> float | None:
        return selectors.median_cycle_seconds(self.f)

    def won(self, name: str = "reached_amount"):
        return self.totals["won"][name]

    def lead(self, stage: str, measure: str = "reached") -> int:
        if not self.leads_measured:
            raise NotMeasured(_("Lead stages are not recorded yet (the funnel app's lead lifecycle)."))
        return (self.leads.get(stage) or {}).get(measure) or 0


def crm_url(filters: selectors.Filters, **extra) -> str:
    return f"{reverse('crm:opportunities')}?{filters.crm_query(**extra)}"
