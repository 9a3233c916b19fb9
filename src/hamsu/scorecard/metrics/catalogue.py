"""The metric catalogue, as data: each metric says what it is (keyword fields, every
text lazily translated so it is rendered in the language of the page that shows it),
how it is computed (``compute``) and where its records are (``drill``).

It is built once, at import: nothing in it is translated until it is shown, so the
first request's language never sticks to it (issue 16).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.scorecard.aggregates import SALES_ORDER
from hamsu.scorecard.metrics import compute as calc
from hamsu.scorecard.metrics.base import (
    DOWN,
    DOWNSTREAM,
    FUNNEL,
    NO_SPLIT,
    SALES,
    SHARED,
    UP,
    UPSTREAM,
    Metric,
    crm_url,
    lazy_format,
    ratio,
)


def _won_drill(f):
    return crm_url(f, stage="won")


def _open_drill(f):
    return crm_url(f, open=1)


SALES_AND_FUNNEL = (
    Metric(
        code="quota_attainment",
        label=_("Percent of quota achieved"),
        group=SALES,
        owner="sales",
        direction=UP,
        unit="ratio",
        period="quarter",
        definition=_("Revenue won in the period divided by the target or quota for the same scope."),
        formula=_("revenue won ÷ target"),
        compute=calc.quota,
        drill=_won_drill,
    ),
    Metric(
        code="new_customers",
        label=_("New customers"),
        group=SALES,
        owner="sales",
        direction=UP,
        unit="count",
        period="quarter",
        definition=_("Accounts whose first ever won deal closed in the period."),
        formula=_("number of accounts whose first won deal was won in the period"),
        compute=lambda c: c.won("new_customers"),
        drill=_won_drill,
    ),
    Metric(
        code="sales_closed",
        label=_("Sales closed"),
        group=SALES,
        owner="sales",
        direction=UP,
        unit="count",
        period="quarter",
        definition=_("Deals won in the period."),
        formula=_("number of deals won in the period"),
        compute=lambda c: c.won("reached"),
        drill=_won_drill,
    ),
    Metric(
        code="gross_profit_per_customer",
        label=_("Average gross profit per customer sale"),
        group=SALES,
        owner="sales",
        direction=UP,
        unit="money",
        period="quarter",
        definition=_(
            "Gross profit of deals won in the period divided by the number of deals won (a customer buying twice counts twice)."
        ),
        formula=_("gross profit of the deals won ÷ number of deals won"),
        compute=lambda c: ratio(c.won("gross_profit"), c.won("reached")),
        drill=_won_drill,
    ),
    Metric(
        code="sales_expense_ratio",
        label=_("Sales expense to total sales"),
        group=SALES,
        owner="sales",
        direction=DOWN,
        unit="ratio",
        period="quarter",
        definition=_("Sales costs entered for the period divided by revenue won in it."),
        formula=_("sales costs ÷ revenue won"),
        compute=calc.sales_expense,
        splits=NO_SPLIT,
    ),
    Metric(
        code="win_rate",
        label=_("Win rate"),
        group=SALES,
        owner="sales",
        direction=UP,
        unit="ratio",
        period="quarter",
        definition=_("Deals won divided by deals closed (won or lost) in the period."),
        formula=_("deals won ÷ (deals won + deals lost)"),
        compute=calc.win_rate,
        drill=lambda f: crm_url(f),
    ),
    Metric(
        code="avg_deal_size",
        label=_("Average deal size"),
        group=SALES,
        owner="sales",
        direction=UP,
        unit="money",
        period="quarter",
        definition=_("Revenue won divided by the number of deals won in the period."),
        formula=_("revenue won ÷ number of deals won"),
        compute=lambda c: ratio(c.won(), c.won("reached")),
        drill=_won_drill,
    ),
    Metric(
        code="sales_cycle_days",
        label=_("Mean sales cycle (days)"),
        group=SALES,
        owner="sales",
        direction=DOWN,
        unit="days",
        period="quarter",
        definition=_("Mean days from a deal's creation to its win, over deals won in the period."),
        formula=_("sum of the days from creation to win ÷ number of deals won"),
        compute=calc.cycle,
        drill=_won_drill,
    ),
    Metric(
        code="sales_cycle_median_days",
        label=_("Median sales cycle (days)"),
        group=SALES,
        owner="sales",
        direction=DOWN,
        unit="days",
        period="quarter",
        definition=_(
            "The middle of the days from a deal's creation to its win, over deals won in the "
            "period: half the deals took longer, half less. A few very long deals pull the mean "
            "up but not the median."
        ),
        formula=_("median of the days from creation to win of the deals won"),
        compute=calc.median_cycle,
        drill=_won_drill,
    ),
    Metric(
        code="pipeline_coverage",
        label=_("Pipeline coverage of the remaining target"),
        group=FUNNEL,
        owner="sales",
        direction=UP,
        unit="multiple",
        period="quarter",
        definition=_(
            "Open pipeline now divided by what is still missing to the target (3.0 means three times)."
        ),
        formula=_("open pipeline now ÷ (target − revenue won)"),
        compute=calc.coverage,
        drill=_open_drill,
    ),
    Metric(
        code="leakage",
        label=_("Funnel leakage"),
        group=FUNNEL,
        owner="shared",
        direction=DOWN,
        unit="ratio",
        period="quarter",
        definition=_("Of the deals that entered the funnel in the period, the share that is lost now."),
        formula=_(
            "deals that entered the funnel in the period and are lost now ÷ deals that entered the funnel in the period"
        ),
        compute=calc.leakage,
        drill=lambda f: crm_url(f, stage="lost"),
    ),
)


def _conversions() -> tuple[Metric, ...]:
    """One conversion per pair of successive sales stages."""
    metrics = []
    for a, b in zip(SALES_ORDER, SALES_ORDER[1:], strict=False):
        la, lb = Stage(a).label, Stage(b).label
        metrics.append(
            Metric(
                code=f"conversion_{a}_to_{b}",
                label=lazy_format(_("Conversion: %(a)s → %(b)s"), a=la, b=lb),
                group=FUNNEL,
                owner="shared",
                direction=UP,
                unit="ratio",
                period="quarter",
                definition=lazy_format(
                    _(
                        "Of the deals that entered the funnel in the period and reached %(a)s, the share "
                        "that has reached %(b)s so far (a deal that skipped a stage passed through it)."
                    ),
                    a=la,
                    b=lb,
                ),
                formula=lazy_format(
                    _(
                        "deals that entered the funnel in the period and reached %(b)s ÷ those of them that reached %(a)s"
                    ),
                    a=la,
                    b=lb,
                ),
                compute=calc.conversion(a, b),
                drill=lambda f, b=b: crm_url(f, stage=b),
            )
        )
    return tuple(metrics)


def _velocities() -> tuple[Metric, ...]:
    """Days spent in each open stage."""
    metrics = []
    for stage in OPEN_STAGES:
        metrics.append(
            Metric(
                code=f"velocity_{stage.value}",
                label=lazy_format(_("Days in %(s)s"), s=stage.label),
                group=FUNNEL,
                owner="sales",
                direction=DOWN,
                unit="days",
                period="quarter",
                definition=lazy_format(
                    _("Mean days deals spent in %(s)s, over stays that ended in the period."), s=stage.label
                ),
                formula=lazy_format(
                    _("total days of the stays in %(s)s that ended in the period ÷ number of those stays"),
                    s=stage.label,
                ),
                compute=calc.velocity(stage.value),
                drill=lambda f, s=stage.value: crm_url(f, stage=s),
            )
        )
    return tuple(metrics)


MARKETING_AND_SHARED = (
    Metric(
        code="mqls",
        label=_("Marketing-qualified leads"),
        group=DOWNSTREAM,
        owner="downstream_marketing",
        direction=UP,
        unit="count",
        period="month",
        definition=_("Leads reaching MQL in the period."),
        formula=_("number of leads whose first arrival at MQL or a later stage falls in the period"),
        compute=lambda c: c.lead("mql"),
        splits=NO_SPLIT,
    ),
    Metric(
        code="mql_to_sal",
        label=_("MQL → SAL rate"),
        group=DOWNSTREAM,
        owner="shared",
        direction=UP,
        unit="ratio",
        period="month",
        definition=_(
            "Of the leads that entered the funnel in the period and reached MQL, the share that "
            "sales has accepted (reached SAL) so far."
        ),
        formula=_(
            "leads that entered the funnel in the period and reached SAL ÷ those of them that reached MQL"
        ),
        compute=calc.lead_rate("mql", "sal"),
        splits=NO_SPLIT,
    ),
    Metric(
        code="sal_to_sql",
        label=_("SAL → SQL rate"),
        group=DOWNSTREAM,
        owner="shared",
        direction=UP,
        unit="ratio",
        period="month",
        definition=_(
            "Of the leads that entered the funnel in the period and reached SAL, the share that "
            "sales has qualified (reached SQL) so far."
        ),
        formula=_(
            "leads that entered the funnel in the period and reached SQL ÷ those of them that reached SAL"
        ),
        compute=calc.lead_rate("sal", "sql"),
        splits=NO_SPLIT,
    ),
    Metric(
        code="marketing_sourced_pipeline",
        label=_("Marketing-sourced pipeline"),
        group=DOWNSTREAM,
        owner="downstream_marketing",
        direction=UP,
        unit="money",
        period="quarter",
        definition=_("Value of marketing-sourced deals created in the period."),
        formula=_("sum of the value of marketing-sourced deals that entered the funnel in the period"),
        compute=calc.sourced(OPEN_STAGES[0].value),
        drill=lambda f: crm_url(f, source="marketing"),
    ),
    Metric(
        code="marketing_sourced_revenue",
        label=_("Marketing-sourced revenue"),
        group=DOWNSTREAM,
        owner="downstream_marketing",
        direction=UP,
        unit="money",
        period="quarter",
        definition=_("Revenue won in the period from marketing-sourced deals."),
        formula=_("revenue won from marketing-sourced deals"),
        compute=calc.sourced("won"),
        drill=lambda f: crm_url(f, source="marketing", stage="won"),
    ),
    Metric(
        code="marketing_influenced_pipeline",
        label=_("Marketing-influenced pipeline"),
        group=DOWNSTREAM,
        owner="downstream_marketing",
        direction=UP,
        unit="money",
        period="quarter",
        definition=_(
            "Value of deals entering the funnel in the period whose account had a marketing touch in the "
            "company's influence window before the deal was created."
        ),
        formula=_("sum of the value of marketing-influenced deals that entered the funnel in the period"),
        compute=calc.influenced(OPEN_STAGES[0].value),
    ),
    Metric(
        code="marketing_influenced_revenue",
        label=_("Marketing-influenced revenue"),
        group=DOWNSTREAM,
        owner="downstream_marketing",
        direction=UP,
        unit="money",
        period="quarter",
        definition=_(
            "Revenue won in the period from deals whose account had a marketing touch in the company's "
            "influence window before the deal was created."
        ),
        formula=_("revenue won from marketing-influenced deals"),
        compute=calc.influenced("won"),
    ),
    Metric(
        code="cost_per_mql",
        label=_("Cost per MQL"),
        group=DOWNSTREAM,
        owner="downstream_marketing",
        direction=DOWN,
        unit="money",
        period="month",
        definition=_(
            "Marketing spend of the period (campaign spend and the cost ledger's marketing costs) divided by "
            "MQLs in it."
        ),
        formula=_("marketing spend (campaign spend and marketing costs) ÷ MQLs"),
        compute=calc.cost_per_mql,
        splits=NO_SPLIT,
    ),
    Metric(
        code="customer_acquisition_cost",
        label=_("Customer acquisition cost"),
        group=DOWNSTREAM,
        owner="shared",
        direction=DOWN,
        unit="money",
        period="quarter",
        definition=_(
            "Sales and marketing costs of the period, campaign spend included, divided by new customers in it."
        ),
        formula=_("sales and marketing costs, campaign spend included ÷ new customers"),
        compute=calc.cac,
        drill=_won_drill,
        splits=NO_SPLIT,
    ),
    Metric(
        code="product_forecast_accuracy",
        label=_("Accuracy of product forecasts"),
        group=UPSTREAM,
        owner="upstream_marketing",
        direction=UP,
        unit="ratio",
        period="year",
        definition=_(
            "One minus the weighted absolute percentage error of the per-product forecasts of ended periods."
        ),
        formula=_(
            "1 − (sum of |product forecast − product revenue won| ÷ sum of product revenue won), over the per-product forecasts of ended periods; never below 0"
        ),
        compute=calc.product_forecast_accuracy,
        splits=NO_SPLIT,
    ),
    Metric(
        code="new_segments",
        label=_("New segments discovered"),
        group=UPSTREAM,
        owner="upstream_marketing",
        direction=UP,
        unit="count",
        period="year",
        definition=_("Segments whose discovery date falls in the period."),
        formula=_("number of segments whose discovery date falls in the period"),
        compute=calc.new_segments,
        splits=NO_SPLIT,
    ),
    Metric(
        code="new_offering_revenue_share",
        label=_("Revenue share of offerings launched in the last two years"),
        group=UPSTREAM,
        owner="upstream_marketing",
        direction=UP,
        unit="ratio",
        period="year",
        definition=_(
            "Won revenue from products launched in the two years to the period's end, divided by all won revenue."
        ),
        formula=_("revenue won from products launched in the 730 days to the period's end ÷ revenue won"),
        compute=calc.new_offering_share,
        drill=_won_drill,
    ),
    Metric(
        code="cost_of_sales",
        label=_("Cost of sales"),
        group=SHARED,
        owner="shared",
        direction=DOWN,
        unit="ratio",
        period="quarter",
        definition=_(
            "Sales and marketing costs of the period, campaign spend included, divided by revenue won in it."
        ),
        formula=_("sales and marketing costs, campaign spend included ÷ revenue won"),
        compute=calc.cost_of_sales,
        splits=NO_SPLIT,
    ),
    Metric(
        code="market_entry_cost",
        label=_("Market-entry cost per new segment"),
        group=SHARED,
        owner="shared",
        direction=DOWN,
        unit="money",
        period="year",
        definition=_(
            "Costs booked as new-segment entry for segments discovered in the last two years, per such segment."
        ),
        formula=_(
            "market-entry costs booked against the segments discovered in the 730 days to the period's end ÷ number of those segments"
        ),
        compute=calc.market_entry,
        splits=NO_SPLIT,
    ),
    Metric(
        code="sla_adherence_marketing",
        label=_("SLA adherence — marketing"),
        group=SHARED,
        owner="downstream_marketing",
        direction=UP,
        unit="ratio",
        period="month",
        definition=_(
            "MQLs handed to sales divided by the MQLs marketing committed to in the SLA, in the period."
        ),
        formula=_("MQLs handed to sales ÷ MQLs committed in the SLA for the period"),
        compute=calc.sla("marketing"),
        splits=NO_SPLIT,
    ),
    Metric(
        code="sla_adherence_sales",
        label=_("SLA adherence — sales"),
        group=SHARED,
        owner="sales",
        direction=UP,
        unit="ratio",
        period="month",
        definition=_(
            "Handoffs sales accepted or returned within the SLA divided by handoffs decided, in the period."
        ),
        formula=_("handoffs answered by their deadline ÷ handoffs answered"),
        compute=calc.sla("sales"),
        splits=NO_SPLIT,
    ),
    Metric(
        code="forecast_accuracy",
        label=_("Forecast accuracy (whole period)"),
        group=SHARED,
        owner="shared",
        direction=UP,
        unit="ratio",
        period="quarter",
        definition=_(
            "One minus the weighted absolute percentage error of the learned weighted forecast, over ended periods and all horizons."
        ),
        formula=_(
            "1 − (sum of |learned weighted forecast − revenue won| ÷ sum of revenue won), over the weekly forecasts of ended periods; never below 0"
        ),
        compute=calc.forecast_accuracy,
        splits=NO_SPLIT,
    ),
)


METRICS: tuple[Metric, ...] = (*SALES_AND_FUNNEL, *_conversions(), *_velocities(), *MARKETING_AND_SHARED)
