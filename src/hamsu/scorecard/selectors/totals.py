"""Stage totals, cycles, open pipeline, lead totals and costs, read from the aggregate
tables under ``Filters``."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum

from hamsu.core import spend
from hamsu.scorecard.aggregates import MEASURES, SALES_ORDER
from hamsu.scorecard.models import (
    CostEntry,
    FunnelMonthRollup,
    FunnelMonthStat,
    LeadMonthStat,
    OpenPipelineStat,
    SellerMonthStat,
    WonCycle,
)
from hamsu.scorecard.periods import Period
from hamsu.scorecard.selectors.filters import ZERO, Filters


def _stat_rows(filters: Filters, months: list[datetime.date]):
    qs: QuerySet[SellerMonthStat] | QuerySet[FunnelMonthStat] | QuerySet[FunnelMonthRollup]
    if filters.owner is not None:  # by seller
        qs = SellerMonthStat.objects.filter(month__in=months, owner_id=filters.owner)
    else:
        # Products live only in the full table; everything else reads the roll-up, which
        # holds a fraction of its rows (see FunnelMonthRollup).
        model = FunnelMonthStat if filters.product else FunnelMonthRollup
        qs = model.objects.filter(month__in=months)
    for name in ("team", "segment", "product"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.influenced is not None:
        qs = qs.filter(influenced=filters.influenced)
    return qs


def stage_totals(filters: Filters, months: list[datetime.date] | None = None) -> dict[str, dict]:
    """Per stage, the sum of every measure over the period's months (one grouped query)."""
    months = months if months is not None else filters.period.months()
    rows = _stat_rows(filters, months).values("stage").annotate(**{m: Sum(m) for m in MEASURES})
    out = {stage: dict.fromkeys(MEASURES, 0) for stage in [*SALES_ORDER, "lost"]}
    for row in rows:
        out[row["stage"]] = {m: row[m] or 0 for m in MEASURES}
    return out


def monthly_series(filters: Filters, months: list[datetime.date], stages: list[str]) -> dict[tuple, dict]:
    """(month, stage) → measures, for trend charts."""
    rows = (
        _stat_rows(filters, months)
        .filter(stage__in=stages)
        .values("month", "stage")
        .annotate(**{m: Sum(m) for m in MEASURES})
    )
    return {(row["month"], row["stage"]): row for row in rows}


def product_won(filters: Filters) -> dict[int | None, Decimal]:
    """Won revenue per product in the period (for the new-offerings share)."""
    model = SellerMonthStat if filters.by_seller else FunnelMonthStat
    qs = model.objects.filter(month__in=filters.period.months(), stage="won")
    for name in ("team", "segment", "product", "owner"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    rows = qs.values("product_id").annotate(total=Sum("reached_amount"))
    return {row["product_id"]: row["total"] or ZERO for row in rows}


def won_cycles(filters: Filters, months: list[datetime.date] | None = None):
    """The first wins in the period's months (or ``months``) that the filters select."""
    qs = WonCycle.objects.filter(month__in=months if months is not None else filters.period.months())
    for name in ("team", "segment", "product", "owner"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.influenced is not None:
        qs = qs.filter(influenced=filters.influenced)
    return qs


def median_cycle_seconds(filters: Filters, months: list[datetime.date] | None = None) -> float | None:
    """The median sales cycle of the deals won in the period (None: none won).

    The database sorts; only the one or two middle rows are read.
    """
    qs = won_cycles(filters, months)
    n = qs.count()
    if not n:
        return None
    middle = list(
        qs.order_by("cycle_seconds").values_list("cycle_seconds", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    return sum(middle) / len(middle)


def open_pipeline(filters: Filters) -> dict[str, dict]:
    """The open pipeline now, per stage: deals and value."""
    qs = OpenPipelineStat.objects.all()
    for name in ("team", "segment", "product", "owner"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    rows = qs.values("stage").annotate(deals=Sum("deals"), amount=Sum("amount"))
    return {row["stage"]: {"deals": row["deals"] or 0, "amount": row["amount"] or ZERO} for row in rows}


def lead_totals(months: list[datetime.date]) -> dict[str, dict]:
    rows = (
        LeadMonthStat.objects.filter(month__in=months)
        .values("stage")
        .annotate(
            reached=Sum("reached"),
            exits=Sum("exits"),
            exit_seconds=Sum("exit_seconds"),
            cohort_reached=Sum("cohort_reached"),
        )
    )
    return {row["stage"]: row for row in rows}


def leads_measured() -> bool:
    """Lead-stage figures exist only once the funnel app writes lead stage events."""
    return LeadMonthStat.objects.exists()


def ledger_total(
    start: datetime.date | None, end: datetime.date | None, function: str | None
) -> Decimal | None:
    """The cost ledger's entries with their month in ``[start, end]`` (None: none at all)."""
    qs = CostEntry.objects.order_by()
    if start:
        qs = qs.filter(month__gte=start)
    if end:
        qs = qs.filter(month__lte=end)
    if not qs.exists():
        return None
    if function:
        qs = qs.filter(function=function)
    return qs.aggregate(total=Sum("amount_base"))["total"] or ZERO


def costs(
    period: Period, *, function: str | None = None, category: str | None = None, segments=None
) -> Decimal | None:
    """Spend in the period (None when nothing at all was recorded: not measured).

    Without a category or segment this is ``hamsu.core.spend``: the cost ledger plus
    campaign spend, which is marketing's — the same "marketing spend" the closed loop
    shows. A category or segment narrows to the cost ledger, whose entries carry them.
    """
    if category is None and segments is None:
        return spend.total(start=period.start, end=period.end, function=function)
    qs = CostEntry.objects.filter(month__gte=period.start, month__lte=period.end)
    if not qs.exists():
        return None
    if function:
        qs = qs.filter(function=function)
    if category:
        qs = qs.filter(category=category)
    if segments is not None:
        qs = qs.filter(segment_id__in=segments)
    return qs.aggregate(total=Sum("amount_base"))["total"] or ZERO
