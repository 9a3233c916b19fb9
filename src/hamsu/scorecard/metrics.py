"""The metric catalogue: what each figure means, who owns it, which way is good, and how
it is computed — a definition and a formula, both in words a reader of either language
can follow — plus where to drill down to the records behind it.

Every value is computed from the aggregate tables (``selectors``), never by scanning
deals. A metric whose source does not exist yet says "not measured yet" with the reason,
rather than showing a zero that would be read as a real result.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.scorecard import selectors
from hamsu.scorecard.aggregates import SALES_ORDER
from hamsu.scorecard.models import CostCategory, CostFunction
from hamsu.scorecard.periods import YEAR, Period

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


class NotMeasured(Exception):
    """The metric's source does not exist yet (or has no data for the period)."""


@dataclass(frozen=True)
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
    drill: Callable[[selectors.Filters], str | None] = lambda f: None
    # The filters its records can be split by; any other active filter makes it "not
    # measured" for the page (never the whole company's figure under a team's name).
    splits: tuple[str, ...] = DEAL_FILTERS


def _lazy_format(message, **values):
    """``message % values`` in the language active when it is shown (the catalogue is
    built once and cached, so a label formatted at build time would stay in one language)."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in values.items()}, str)()


def _ratio(num, den):
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


# ---------------------------------------------------------------- compute functions


def _quota(c: Context):
    if c.target is None:
        raise NotMeasured(_("No target or quota is set for this period and scope."))
    return _ratio(c.won(), c.target)


def _sales_expense(c: Context):
    return _ratio(c.cost(CostFunction.SALES), c.won())


def _win_rate(c: Context):
    won, lost = c.totals["won"]["reached"], c.totals["lost"]["reached"]
    return _ratio(won, won + lost)


def _cycle(c: Context):
    return _ratio(c.won("cycle_seconds"), c.won("reached") * 86400)


def _median_cycle(c: Context):
    seconds = c.median_cycle_seconds
    if seconds is None:
        raise NotMeasured(_("No deal was won in this period."))
    return Decimal(str(seconds)) / 86400


def _coverage(c: Context):
    if c.target is None:
        raise NotMeasured(_("No target or quota is set for this period and scope."))
    remaining = Decimal(c.target) - Decimal(c.won())
    if remaining <= 0:
        raise NotMeasured(_("The target is already met: no coverage is needed."))
    return sum((row["amount"] for row in c.open.values()), Decimal("0")) / remaining


def _leakage(c: Context):
    return _ratio(c.totals["lost"]["cohort_reached"], c.totals[OPEN_STAGES[0].value]["cohort_reached"])


def _conversion(a: str, b: str):
    # One cohort (deals that entered the funnel in the period): of those that reached a,
    # the share that has reached b so far — never above 1.
    return lambda c: _ratio(c.totals[b]["cohort_reached"], c.totals[a]["cohort_reached"])


def _velocity(stage: str):
    return lambda c: _ratio(c.totals[stage]["exit_seconds"], c.totals[stage]["exits"] * 86400)


def _lead_rate(a: str, b: str):
    return lambda c: _ratio(c.lead(b, "cohort_reached"), c.lead(a, "cohort_reached"))


def _sourced(measure_stage: str):
    def compute(c: Context):
        if c.f.source not in ("", "marketing"):
            return Decimal("0")  # no marketing-sourced deal among the deals of another source
        filtered = selectors.stage_totals(replace(c.f, source="marketing"))
        return filtered[measure_stage]["reached_amount"]

    return compute


def _influenced(measure_stage: str):
    def compute(c: Context):
        from django.apps import apps

        if not apps.is_installed("hamsu.campaigns"):
            raise NotMeasured(_("Needs campaign touchpoints (the campaigns app)."))
        filtered = selectors.stage_totals(replace(c.f, influenced=True))
        return filtered[measure_stage]["reached_amount"]

    return compute


def _cost_per_mql(c: Context):
    return _ratio(c.cost(CostFunction.MARKETING), c.lead("mql"))


def _cac(c: Context):
    total = c.cost()
    return _ratio(total, c.won("new_customers"))


def _product_forecast_accuracy(c: Context):
    from hamsu.scorecard import accuracy

    result = accuracy.forecast_accuracy(scope="product")
    if result["headline"] is None:
        raise NotMeasured(_("No product forecasts of an ended period yet."))
    wape = result["headline"]["wape"]
    return None if wape is None else Decimal(str(max(0.0, 1 - wape)))


def _new_segments(c: Context):
    return selectors.segments_discovered(c.f.period)


def _new_offering_share(c: Context):
    import datetime

    from hamsu.crm.models import Product

    cutoff = c.f.period.end - datetime.timedelta(days=730)
    recent = set(
        Product.objects.filter(launched_on__gt=cutoff, launched_on__lte=c.f.period.end).values_list(
            "pk", flat=True
        )
    )
    by_product = selectors.product_won(c.f)
    total = sum(by_product.values(), Decimal("0"))
    return _ratio(sum((v for k, v in by_product.items() if k in recent), Decimal("0")), total)


def _cost_of_sales(c: Context):
    return _ratio(c.cost(), c.won())


def _market_entry(c: Context):
    import datetime

    from hamsu.crm.models import Segment

    since = c.f.period.end - datetime.timedelta(days=730)
    new = list(
        Segment.objects.filter(discovered_on__gt=since, discovered_on__lte=c.f.period.end).values_list(
            "pk", flat=True
        )
    )
    if not new:
        raise NotMeasured(_("No segment discovered in the two years to this period."))
    return _ratio(c.cost(category=CostCategory.MARKET_ENTRY, segments=new), len(new))


def _sla(side: str):
    def compute(c: Context):
        # Thin adapter over the funnel app's two-sided SLA report (per sales team):
        # sales keeps its side when handoffs are decided within the SLA; marketing when it
        # delivers the MQL volume it committed to.
        try:
            figures = c.sla_counts
        except ImportError as error:
            raise NotMeasured(_("Handoff SLAs are not recorded yet (the funnel app).")) from error
        if side == "sales":
            return _ratio(sum(f.on_time for f in figures), sum(f.handoffs_closed for f in figures))
        return _ratio(sum(f.mqls for f in figures), sum(f.mql_target for f in figures))

    return compute


def _forecast_accuracy(c: Context):
    result = selectors.forecast_accuracy(None)
    if result["headline"] is None:
        raise NotMeasured(result["reason"] or _("No forecast snapshots of an ended period yet."))
    wape = result["headline"]["wape"]
    return None if wape is None else Decimal(str(max(0.0, 1 - wape)))


# ---------------------------------------------------------------- the catalogue


def _won_drill(f):
    return crm_url(f, stage="won")


def _open_drill(f):
    return crm_url(f, open=1)


def _build() -> list[Metric]:
    m: list[Metric] = [
        Metric(
            "quota_attainment",
            _("Percent of quota achieved"),
            SALES,
            "sales",
            UP,
            "ratio",
            "quarter",
            _("Revenue won in the period divided by the target or quota for the same scope."),
            _("revenue won ÷ target"),
            _quota,
            _won_drill,
        ),
        Metric(
            "new_customers",
            _("New customers"),
            SALES,
            "sales",
            UP,
            "count",
            "quarter",
            _("Accounts whose first ever won deal closed in the period."),
            _("number of accounts whose first won deal was won in the period"),
            lambda c: c.won("new_customers"),
            _won_drill,
        ),
        Metric(
            "sales_closed",
            _("Sales closed"),
            SALES,
            "sales",
            UP,
            "count",
            "quarter",
            _("Deals won in the period."),
            _("number of deals won in the period"),
            lambda c: c.won("reached"),
            _won_drill,
        ),
        Metric(
            "gross_profit_per_customer",
            _("Average gross profit per customer sale"),
            SALES,
            "sales",
            UP,
            "money",
            "quarter",
            _(
                "Gross profit of deals won in the period divided by the number of deals won (a customer buying twice counts twice)."
            ),
            _("gross profit of the deals won ÷ number of deals won"),
            lambda c: _ratio(c.won("gross_profit"), c.won("reached")),
            _won_drill,
        ),
        Metric(
            "sales_expense_ratio",
            _("Sales expense to total sales"),
            SALES,
            "sales",
            DOWN,
            "ratio",
            "quarter",
            _("Sales costs entered for the period divided by revenue won in it."),
            _("sales costs ÷ revenue won"),
            _sales_expense,
            splits=NO_SPLIT,
        ),
        Metric(
            "win_rate",
            _("Win rate"),
            SALES,
            "sales",
            UP,
            "ratio",
            "quarter",
            _("Deals won divided by deals closed (won or lost) in the period."),
            _("deals won ÷ (deals won + deals lost)"),
            _win_rate,
            lambda f: crm_url(f),
        ),
        Metric(
            "avg_deal_size",
            _("Average deal size"),
            SALES,
            "sales",
            UP,
            "money",
            "quarter",
            _("Revenue won divided by the number of deals won in the period."),
            _("revenue won ÷ number of deals won"),
            lambda c: _ratio(c.won(), c.won("reached")),
            _won_drill,
        ),
        Metric(
            "sales_cycle_days",
            _("Mean sales cycle (days)"),
            SALES,
            "sales",
            DOWN,
            "days",
            "quarter",
            _("Mean days from a deal's creation to its win, over deals won in the period."),
            _("sum of the days from creation to win ÷ number of deals won"),
            _cycle,
            _won_drill,
        ),
        Metric(
            "sales_cycle_median_days",
            _("Median sales cycle (days)"),
            SALES,
            "sales",
            DOWN,
            "days",
            "quarter",
            _(
                "The middle of the days from a deal's creation to its win, over deals won in the "
                "period: half the deals took longer, half less. A few very long deals pull the mean "
                "up but not the median."
            ),
            _("median of the days from creation to win of the deals won"),
            _median_cycle,
            _won_drill,
        ),
        Metric(
            "pipeline_coverage",
            _("Pipeline coverage of the remaining target"),
            FUNNEL,
            "sales",
            UP,
            "multiple",
            "quarter",
            _("Open pipeline now divided by what is still missing to the target (3.0 means three times)."),
            _("open pipeline now ÷ (target − revenue won)"),
            _coverage,
            _open_drill,
        ),
        Metric(
            "leakage",
            _("Funnel leakage"),
            FUNNEL,
            "shared",
            DOWN,
            "ratio",
            "quarter",
            _("Of the deals that entered the funnel in the period, the share that is lost now."),
            _(
                "deals that entered the funnel in the period and are lost now ÷ deals that entered the funnel in the period"
            ),
            _leakage,
            lambda f: crm_url(f, stage="lost"),
        ),
    ]
    for a, b in zip(SALES_ORDER, SALES_ORDER[1:], strict=False):
        la, lb = Stage(a).label, Stage(b).label
        m.append(
            Metric(
                f"conversion_{a}_to_{b}",
                _lazy_format(_("Conversion: %(a)s → %(b)s"), a=la, b=lb),
                FUNNEL,
                "shared",
                UP,
                "ratio",
                "quarter",
                _lazy_format(
                    _(
                        "Of the deals that entered the funnel in the period and reached %(a)s, the share "
                        "that has reached %(b)s so far (a deal that skipped a stage passed through it)."
                    ),
                    a=la,
                    b=lb,
                ),
                _lazy_format(
                    _(
                        "deals that entered the funnel in the period and reached %(b)s ÷ those of them that reached %(a)s"
                    ),
                    a=la,
                    b=lb,
                ),
                _conversion(a, b),
                lambda f, b=b: crm_url(f, stage=b),
            )
        )
    for stage in OPEN_STAGES:
        m.append(
            Metric(
                f"velocity_{stage.value}",
                _lazy_format(_("Days in %(s)s"), s=stage.label),
                FUNNEL,
                "sales",
                DOWN,
                "days",
                "quarter",
                _lazy_format(
                    _("Mean days deals spent in %(s)s, over stays that ended in the period."), s=stage.label
                ),
                _lazy_format(
                    _("total days of the stays in %(s)s that ended in the period ÷ number of those stays"),
                    s=stage.label,
                ),
                _velocity(stage.value),
                lambda f, s=stage.value: crm_url(f, stage=s),
            )
        )
    m += [
        Metric(
            "mqls",
            _("Marketing-qualified leads"),
            DOWNSTREAM,
            "downstream_marketing",
            UP,
            "count",
            "month",
            _("Leads reaching MQL in the period."),
            _("number of leads whose first arrival at MQL or a later stage falls in the period"),
            lambda c: c.lead("mql"),
            splits=NO_SPLIT,
        ),
        Metric(
            "mql_to_sal",
            _("MQL → SAL rate"),
            DOWNSTREAM,
            "shared",
            UP,
            "ratio",
            "month",
            _(
                "Of the leads that entered the funnel in the period and reached MQL, the share that "
                "sales has accepted (reached SAL) so far."
            ),
            _("leads that entered the funnel in the period and reached SAL ÷ those of them that reached MQL"),
            _lead_rate("mql", "sal"),
            splits=NO_SPLIT,
        ),
        Metric(
            "sal_to_sql",
            _("SAL → SQL rate"),
            DOWNSTREAM,
            "shared",
            UP,
            "ratio",
            "month",
            _(
                "Of the leads that entered the funnel in the period and reached SAL, the share that "
                "sales has qualified (reached SQL) so far."
            ),
            _("leads that entered the funnel in the period and reached SQL ÷ those of them that reached SAL"),
            _lead_rate("sal", "sql"),
            splits=NO_SPLIT,
        ),
        Metric(
            "marketing_sourced_pipeline",
            _("Marketing-sourced pipeline"),
            DOWNSTREAM,
            "downstream_marketing",
            UP,
            "money",
            "quarter",
            _("Value of marketing-sourced deals created in the period."),
            _("sum of the value of marketing-sourced deals that entered the funnel in the period"),
            _sourced(OPEN_STAGES[0].value),
            lambda f: crm_url(f, source="marketing"),
        ),
        Metric(
            "marketing_sourced_revenue",
            _("Marketing-sourced revenue"),
            DOWNSTREAM,
            "downstream_marketing",
            UP,
            "money",
            "quarter",
            _("Revenue won in the period from marketing-sourced deals."),
            _("revenue won from marketing-sourced deals"),
            _sourced("won"),
            lambda f: crm_url(f, source="marketing", stage="won"),
        ),
        Metric(
            "marketing_influenced_pipeline",
            _("Marketing-influenced pipeline"),
            DOWNSTREAM,
            "downstream_marketing",
            UP,
            "money",
            "quarter",
            _(
                "Value of deals entering the funnel in the period whose account had a marketing touch in the "
                "company's influence window before the deal was created."
            ),
            _("sum of the value of marketing-influenced deals that entered the funnel in the period"),
            _influenced(OPEN_STAGES[0].value),
        ),
        Metric(
            "marketing_influenced_revenue",
            _("Marketing-influenced revenue"),
            DOWNSTREAM,
            "downstream_marketing",
            UP,
            "money",
            "quarter",
            _(
                "Revenue won in the period from deals whose account had a marketing touch in the company's "
                "influence window before the deal was created."
            ),
            _("revenue won from marketing-influenced deals"),
            _influenced("won"),
        ),
        Metric(
            "cost_per_mql",
            _("Cost per MQL"),
            DOWNSTREAM,
            "downstream_marketing",
            DOWN,
            "money",
            "month",
            _(
                "Marketing spend of the period (campaign spend and the cost ledger's marketing costs) divided by "
                "MQLs in it."
            ),
            _("marketing spend (campaign spend and marketing costs) ÷ MQLs"),
            _cost_per_mql,
            splits=NO_SPLIT,
        ),
        Metric(
            "customer_acquisition_cost",
            _("Customer acquisition cost"),
            DOWNSTREAM,
            "shared",
            DOWN,
            "money",
            "quarter",
            _(
                "Sales and marketing costs of the period, campaign spend included, divided by new customers in it."
            ),
            _("sales and marketing costs, campaign spend included ÷ new customers"),
            _cac,
            _won_drill,
            splits=NO_SPLIT,
        ),
        Metric(
            "product_forecast_accuracy",
            _("Accuracy of product forecasts"),
            UPSTREAM,
            "upstream_marketing",
            UP,
            "ratio",
            "year",
            _(
                "One minus the weighted absolute percentage error of the per-product forecasts of ended periods."
            ),
            _(
                "1 − (sum of |product forecast − product revenue won| ÷ sum of product revenue won), over the per-product forecasts of ended periods; never below 0"
            ),
            _product_forecast_accuracy,
            splits=NO_SPLIT,
        ),
        Metric(
            "new_segments",
            _("New segments discovered"),
            UPSTREAM,
            "upstream_marketing",
            UP,
            "count",
            "year",
            _("Segments whose discovery date falls in the period."),
            _("number of segments whose discovery date falls in the period"),
            _new_segments,
            splits=NO_SPLIT,
        ),
        Metric(
            "new_offering_revenue_share",
            _("Revenue share of offerings launched in the last two years"),
            UPSTREAM,
            "upstream_marketing",
            UP,
            "ratio",
            "year",
            _(
                "Won revenue from products launched in the two years to the period's end, divided by all won revenue."
            ),
            _("revenue won from products launched in the 730 days to the period's end ÷ revenue won"),
            _new_offering_share,
            _won_drill,
        ),
        Metric(
            "cost_of_sales",
            _("Cost of sales"),
            SHARED,
            "shared",
            DOWN,
            "ratio",
            "quarter",
            _(
                "Sales and marketing costs of the period, campaign spend included, divided by revenue won in it."
            ),
            _("sales and marketing costs, campaign spend included ÷ revenue won"),
            _cost_of_sales,
            splits=NO_SPLIT,
        ),
        Metric(
            "market_entry_cost",
            _("Market-entry cost per new segment"),
            SHARED,
            "shared",
            DOWN,
            "money",
            "year",
            _(
                "Costs booked as new-segment entry for segments discovered in the last two years, per such segment."
            ),
            _(
                "market-entry costs booked against the segments discovered in the 730 days to the period's end ÷ number of those segments"
            ),
            _market_entry,
            splits=NO_SPLIT,
        ),
        Metric(
            "sla_adherence_marketing",
            _("SLA adherence — marketing"),
            SHARED,
            "downstream_marketing",
            UP,
            "ratio",
            "month",
            _("MQLs handed to sales divided by the MQLs marketing committed to in the SLA, in the period."),
            _("MQLs handed to sales ÷ MQLs committed in the SLA for the period"),
            _sla("marketing"),
            splits=NO_SPLIT,
        ),
        Metric(
            "sla_adherence_sales",
            _("SLA adherence — sales"),
            SHARED,
            "sales",
            UP,
            "ratio",
            "month",
            _(
                "Handoffs sales accepted or returned within the SLA divided by handoffs decided, in the period."
            ),
            _("handoffs answered by their deadline ÷ handoffs answered"),
            _sla("sales"),
            splits=NO_SPLIT,
        ),
        Metric(
            "forecast_accuracy",
            _("Forecast accuracy"),
            SHARED,
            "shared",
            UP,
            "ratio",
            "quarter",
            _(
                "One minus the weighted absolute percentage error of the learned weighted forecast, over ended periods and all horizons."
            ),
            _(
                "1 − (sum of |learned weighted forecast − revenue won| ÷ sum of revenue won), over the weekly forecasts of ended periods; never below 0"
            ),
            _forecast_accuracy,
            splits=NO_SPLIT,
        ),
    ]
    return m


_CATALOGUE: list[Metric] | None = None


def catalogue() -> list[Metric]:
    global _CATALOGUE
    if _CATALOGUE is None:
        _CATALOGUE = _build()
    return _CATALOGUE


def metric(code: str) -> Metric | None:
    return next((m for m in catalogue() if m.code == code), None)


def evaluate(
    filters: selectors.Filters, codes: list[str] | None = None, *, context: Context | None = None
) -> list[dict]:
    """Each metric's value for the filters: measured, or not measured yet with the reason."""
    c = context or Context(filters)
    out = []
    for m in catalogue():
        if codes is not None and m.code not in codes:
            continue
        try:
            unsplit = [
                name
                for name in DEAL_FILTERS
                if getattr(filters, name) not in (None, "") and name not in m.splits
            ]
            if unsplit:
                raise NotMeasured(
                    _("Not split by %(filters)s: clear that filter to see it.")
                    % {"filters": ", ".join(str(FILTER_LABELS[name]) for name in unsplit)}
                )
            value = m.compute(c)
            status, note = ("measured", "") if value is not None else ("not_measured", str(_("No data.")))
        except NotMeasured as error:
            value, status, note = None, "not_measured", str(error.args[0])
        out.append(
            {
                "metric": m,
                "code": m.code,
                "term": f"scorecard_metrics.{m.code}",
                "value": None if value is None else Decimal(value).quantize(Decimal("0.0001")),
                "status": status,
                "note": note,
                "drill": m.drill(filters),
            }
        )
    return out


def natural_period(m: Metric, period: Period) -> str:
    return YEAR if m.period == YEAR else period.kind
