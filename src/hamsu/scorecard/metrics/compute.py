"""How each metric of the catalogue is computed from a ``Context`` (the aggregate tables
for one set of filters), raising ``NotMeasured`` with the reason when it cannot be."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from hamsu.crm.stages import OPEN_STAGES
from hamsu.scorecard import selectors
from hamsu.scorecard.metrics.base import Context, NotMeasured, ratio
from hamsu.scorecard.models import CostCategory, CostFunction


def quota(c: Context):
    if c.target is None:
        raise NotMeasured(_("No target or quota is set for this period and scope."))
    return ratio(c.won(), c.target)


def sales_expense(c: Context):
    return ratio(c.cost(CostFunction.SALES), c.won())


def win_rate(c: Context):
    won, lost = c.totals["won"]["reached"], c.totals["lost"]["reached"]
    return ratio(won, won + lost)


def cycle(c: Context):
    return ratio(c.won("cycle_seconds"), c.won("reached") * 86400)


def median_cycle(c: Context):
    seconds = c.median_cycle_seconds
    if seconds is None:
        raise NotMeasured(_("No deal was won in this period."))
    return Decimal(str(seconds)) / 86400


def coverage(c: Context):
    if c.target is None:
        raise NotMeasured(_("No target or quota is set for this period and scope."))
    remaining = Decimal(c.target) - Decimal(c.won())
    if remaining <= 0:
        raise NotMeasured(_("The target is already met: no coverage is needed."))
    return sum((row["amount"] for row in c.open.values()), Decimal("0")) / remaining


def leakage(c: Context):
    return ratio(c.totals["lost"]["cohort_reached"], c.totals[OPEN_STAGES[0].value]["cohort_reached"])


def conversion(a: str, b: str):
    # One cohort (deals that entered the funnel in the period): of those that reached a,
    # the share that has reached b so far — never above 1.
    return lambda c: ratio(c.totals[b]["cohort_reached"], c.totals[a]["cohort_reached"])


def velocity(stage: str):
    return lambda c: ratio(c.totals[stage]["exit_seconds"], c.totals[stage]["exits"] * 86400)


def lead_rate(a: str, b: str):
    return lambda c: ratio(c.lead(b, "cohort_reached"), c.lead(a, "cohort_reached"))


def sourced(measure_stage: str):
    def compute(c: Context):
        if c.f.source not in ("", "marketing"):
            return Decimal("0")  # no marketing-sourced deal among the deals of another source
        filtered = selectors.stage_totals(replace(c.f, source="marketing"))
        return filtered[measure_stage]["reached_amount"]

    return compute


def influenced(measure_stage: str):
    def compute(c: Context):
        from django.apps import apps

        if not apps.is_installed("hamsu.campaigns"):
            raise NotMeasured(_("Needs campaign touchpoints (the campaigns app)."))
        filtered = selectors.stage_totals(replace(c.f, influenced=True))
        return filtered[measure_stage]["reached_amount"]

    return compute


def cost_per_mql(c: Context):
    return ratio(c.cost(CostFunction.MARKETING), c.lead("mql"))


def cac(c: Context):
    total = c.cost()
    return ratio(total, c.won("new_customers"))


def product_forecast_accuracy(c: Context):
    from hamsu.scorecard import accuracy

    result = accuracy.forecast_accuracy(scope="product")
    if result["headline"] is None:
        raise NotMeasured(_("No product forecasts of an ended period yet."))
    wape = result["headline"]["wape"]
    return None if wape is None else Decimal(str(max(0.0, 1 - wape)))


def new_segments(c: Context):
    return selectors.segments_discovered(c.f.period)


def new_offering_share(c: Context):
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
    return ratio(sum((v for k, v in by_product.items() if k in recent), Decimal("0")), total)


def cost_of_sales(c: Context):
    return ratio(c.cost(), c.won())


def market_entry(c: Context):
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
    return ratio(c.cost(category=CostCategory.MARKET_ENTRY, segments=new), len(new))


def sla(side: str):
    def compute(c: Context):
        # Thin adapter over the funnel app's two-sided SLA report (per sales team):
        # sales keeps its side when handoffs are decided within the SLA; marketing when it
        # delivers the MQL volume it committed to.
        try:
            figures = c.sla_counts
        except ImportError as error:
            raise NotMeasured(_("Handoff SLAs are not recorded yet (the funnel app).")) from error
        if side == "sales":
            return ratio(sum(f.on_time for f in figures), sum(f.handoffs_closed for f in figures))
        return ratio(sum(f.mqls for f in figures), sum(f.mql_target for f in figures))

    return compute


def forecast_accuracy(c: Context):
    result = selectors.forecast_accuracy(None)
    if result["headline"] is None:
        raise NotMeasured(result["reason"] or _("No forecast snapshots of an ended period yet."))
    wape = result["headline"]["wape"]
    return None if wape is None else Decimal(str(max(0.0, 1 - wape)))


# ---------------------------------------------------------------- the catalogue
