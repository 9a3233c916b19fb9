"""The closed loop: what marketing's money bought, in pipeline and revenue.

Marketing-sourced: the deal's source is marketing. Marketing-influenced: the deal's
account had at least one marketing touch (any channel but direct sales calls and direct
traffic) before the deal closed (or, while it is open, at any time so far). Cost per MQL
and per SQL count the leads that reached MQL / SQL in the period (``hamsu.funnel.reach``:
a stage skipped on the way counts); when no lead has ever moved through the funnel they
are "not measured yet", never zero.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, Now

from hamsu.campaigns.attribution_runs import compare_models
from hamsu.campaigns.journeys import _campaign_labels
from hamsu.campaigns.models import NON_MARKETING_CHANNELS, Campaign, CostLine, Touchpoint
from hamsu.crm.models import Opportunity, Source
from hamsu.crm.stages import Stage
from hamsu.funnel import reach
from hamsu.funnel.models import StageEvent


@dataclass
class Split:
    count: int = 0
    amount: Decimal = Decimal("0")


@dataclass
class ClosedLoop:
    since: datetime.datetime | None
    until: datetime.datetime | None
    pipeline: dict[str, Split]  # total / sourced / influenced
    revenue: dict[str, Split]
    spend: Decimal
    mqls: int | None  # None: the lead funnel is not measured yet
    sqls: int | None
    model: str
    by_campaign: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    # The attributed returns come from snapshots on a large database (see attribution_runs).
    pending: bool = False
    stale: bool = False
    computed_at: datetime.datetime | None = None

    def _per(self, count: int | None) -> Decimal | None:
        if not count:
            return None
        return (self.spend / count).quantize(Decimal("0.01"))

    @property
    def cost_per_mql(self) -> Decimal | None:
        return self._per(self.mqls)

    @property
    def cost_per_sql(self) -> Decimal | None:
        return self._per(self.sqls)

    @property
    def cost_per_won_deal(self) -> Decimal | None:
        """Spend over the won deals marketing touched (sourced or influenced)."""
        return self._per(self.revenue["influenced_or_sourced"].count)

    @property
    def roi(self) -> float | None:
        if not self.spend:
            return None
        return float((self.revenue["influenced_or_sourced"].amount - self.spend) / self.spend)


def _marketing_touch_before_close() -> Exists:
    return Exists(
        Touchpoint.objects.filter(
            account_id=OuterRef("account_id"), occurred_at__lte=Coalesce(OuterRef("closed_at"), Now())
        ).exclude(channel__in=[str(c) for c in NON_MARKETING_CHANNELS])
    )


def _splits(queryset) -> dict[str, Split]:
    """Total, sourced, influenced and either, in one aggregate query."""
    marketing = Q(source=Source.MARKETING)
    influenced = Q(_influenced=True)
    rows = queryset.annotate(_influenced=_marketing_touch_before_close()).aggregate(
        n=Count("pk"),
        v=Sum("amount_base"),
        sn=Count("pk", filter=marketing),
        sv=Sum("amount_base", filter=marketing),
        inn=Count("pk", filter=influenced),
        iv=Sum("amount_base", filter=influenced),
        en=Count("pk", filter=marketing | influenced),
        ev=Sum("amount_base", filter=marketing | influenced),
    )
    zero = Decimal("0")
    return {
        "total": Split(rows["n"], rows["v"] or zero),
        "sourced": Split(rows["sn"], rows["sv"] or zero),
        "influenced": Split(rows["inn"], rows["iv"] or zero),
        "influenced_or_sourced": Split(rows["en"], rows["ev"] or zero),
    }


def _period(queryset, field_name: str, since, until):
    if since:
        queryset = queryset.filter(**{f"{field_name}__gte": since})
    if until:
        queryset = queryset.filter(**{f"{field_name}__lt": until})
    return queryset


def _lead_count(stage: str, since, until) -> int | None:
    """Leads that first reached ``stage`` in the period, by the funnel's one definition
    (a skipped stage counts as passed), as the funnel page and the scorecard count them."""
    if not StageEvent.objects.filter(object_type=StageEvent.ObjectType.LEAD).exists():
        return None
    return reach.reached_between(stage, since=since, until=until)


def _spend_query(since, until):
    lines = CostLine.objects.all()
    if since:
        lines = lines.filter(period_start__gte=since.date())
    if until:
        lines = lines.filter(period_start__lt=until.date())
    return lines


def closed_loop(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    model: str = "position_based",
    lookback_days: int | None = 180,
    background: bool = False,
) -> ClosedLoop:
    deals = Opportunity.objects.order_by()
    pipeline = _splits(_period(deals, "created_at", since, until))
    revenue = _splits(_period(deals.filter(stage=Stage.WON), "closed_at", since, until))
    lines = _spend_query(since, until)
    spend = lines.aggregate(total=Sum("amount_base"))["total"] or Decimal("0")
    loop = ClosedLoop(
        since=since,
        until=until,
        pipeline=pipeline,
        revenue=revenue,
        spend=spend,
        mqls=_lead_count("mql", since, until),
        sqls=_lead_count("sql", since, until),
        model=model,
    )
    for level in ("campaign", "channel"):
        rows, comparisons = _returns_by(
            level,
            lines,
            model=model,
            lookback_days=lookback_days,
            since=since,
            until=until,
            background=background,
        )
        setattr(loop, f"by_{level}", rows)
        loop.pending |= any(c.pending for c in comparisons)
        loop.stale |= any(c.stale for c in comparisons)
        stamps = [c.computed_at for c in comparisons if c.computed_at]
        if stamps:
            loop.computed_at = min([*stamps, loop.computed_at] if loop.computed_at else stamps)
    return loop


def _returns_by(level: str, lines, *, model: str, lookback_days, since, until, background: bool = False):
    """Attributed revenue and pipeline against spend per campaign or channel: ROI, ROAS."""
    common = {
        "level": level,
        "lookback_days": lookback_days,
        "since": since,
        "until": until,
        "models": (model,),
    }
    revenue = compare_models(measure="revenue", background=background, **common)
    pipeline = compare_models(measure="pipeline", background=background, **common)
    if level == "campaign":
        by_id = dict(
            lines.order_by().values("campaign").annotate(t=Sum("amount_base")).values_list("campaign", "t")
        )
        labels = _campaign_labels(set(by_id) | set(Campaign.objects.values_list("pk", flat=True)))
        spend = {labels[pk]: total for pk, total in by_id.items() if pk in labels}
        channel_of = dict(Campaign.objects.values_list("pk", "channel"))
        meta = {labels[pk]: {"campaign_id": pk, "channel": channel_of.get(pk, "")} for pk in labels}
    else:
        spend = dict(
            lines.order_by()
            .values("campaign__channel")
            .annotate(t=Sum("amount_base"))
            .values_list("campaign__channel", "t")
        )
        meta = {}
    keys = sorted(set(spend) | set(revenue.keys) | set(pipeline.keys))
    rows = []
    for key in keys:
        cost = spend.get(key) or Decimal("0")
        attributed_revenue = revenue.amount(model, key)
        attributed_pipeline = pipeline.amount(model, key)
        rows.append(
            {
                "key": key,
                **meta.get(key, {"campaign_id": None, "channel": key if level == "channel" else ""}),
                "spend": cost,
                "revenue": attributed_revenue,
                "pipeline": attributed_pipeline,
                "won": revenue.credit.get(model, {}).get(key, {}).get("conversions", 0.0),
                "roas": attributed_revenue / float(cost) if cost else None,
                "roi": (attributed_revenue - float(cost)) / float(cost) if cost else None,
            }
        )
    rows.sort(key=lambda row: (-row["revenue"], row["key"]))
    return rows, (revenue, pipeline)
