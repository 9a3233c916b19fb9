"""The closed loop: what marketing's money bought, in pipeline and revenue.

Every figure has its entry in the glossary (``campaigns/glossary/``) and a
reconciliation test (``tests/reconcile/test_campaigns_closed_loop.py``):
- marketing-sourced: the deal's source is marketing;
- marketing-influenced: ``hamsu.campaigns.influence`` — a marketing touch on the deal's
  account in the company's window (90 days unless changed) before the deal was created;
- marketing spend: ``hamsu.core.spend`` — campaign spend plus the cost ledger's
  marketing costs, the same figure the scorecard divides by;
- ROI: revenue attributed (under the chosen model) to the campaigns that spent in the
  period, against what those campaigns spent in the period — the same campaigns, the
  same period, so the return is never set against a fraction of its cost.
Cost per MQL and per SQL count the leads that reached MQL / SQL in the period
(``hamsu.funnel.reach``: a stage skipped on the way counts); when no lead has ever moved
through the funnel they are "not measured yet", never zero.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from hamsu.campaigns import influence, selectors
from hamsu.campaigns.attribution_runs import compare_models
from hamsu.campaigns.journeys import _campaign_labels, key_label
from hamsu.campaigns.models import Campaign
from hamsu.core import spend as spend_ledgers
from hamsu.crm.models import Opportunity, Source, StageEvent
from hamsu.crm.stages import Stage
from hamsu.funnel import reach

CENT = Decimal("0.01")


@dataclass
class Split:
    count: int = 0
    amount: Decimal = Decimal("0")


@dataclass
class ClosedLoop:
    since: datetime.datetime | None
    until: datetime.datetime | None
    influence_days: int
    pipeline: dict[str, Split]  # total / sourced / influenced / influenced_or_sourced
    revenue: dict[str, Split]
    # None: neither ledger recorded anything in the period (not measured, not zero).
    marketing_spend: Decimal | None
    campaign_spend: Decimal
    mqls: int | None  # None: the lead funnel is not measured yet
    sqls: int | None
    model: str
    by_campaign: list[dict] = field(default_factory=list)
    by_channel: list[dict] = field(default_factory=list)
    # The attributed returns come from snapshots on a large database (see attribution_runs).
    pending: bool = False
    stale: bool = False
    computed_at: datetime.datetime | None = None

    @property
    def spend(self) -> Decimal:
        """Marketing spend, zero when nothing was recorded (what unit costs divide)."""
        return self.marketing_spend or Decimal("0")

    @property
    def other_marketing_spend(self) -> Decimal:
        """The part of marketing spend that is no campaign's (salaries, tools …)."""
        return self.spend - self.campaign_spend

    def _per(self, count: int | None) -> Decimal | None:
        if not count or self.marketing_spend is None:
            return None
        return (self.marketing_spend / count).quantize(CENT)

    @property
    def cost_per_mql(self) -> Decimal | None:
        return self._per(self.mqls)

    @property
    def cost_per_sql(self) -> Decimal | None:
        return self._per(self.sqls)

    @property
    def cost_per_won_deal(self) -> Decimal | None:
        """Marketing spend over the won deals marketing sourced or influenced."""
        return self._per(self.revenue["influenced_or_sourced"].count)

    @property
    def returned(self) -> float | None:
        """Revenue attributed to the campaigns that spent in the period (None: pending)."""
        if self.pending:
            return None
        return sum(row["revenue"] for row in self.by_campaign if row["campaign_id"] and row["spend"])

    @property
    def roas(self) -> float | None:
        if not self.campaign_spend or self.returned is None:
            return None
        return self.returned / float(self.campaign_spend)

    @property
    def roi(self) -> float | None:
        """(Attributed revenue − spend) / spend, over the campaigns that spent."""
        if self.roas is None:
            return None
        return self.roas - 1.0


def _splits(queryset, days: int) -> dict[str, Split]:
    """Total, sourced, influenced and either, in one aggregate query."""
    marketing = Q(source=Source.MARKETING)
    influenced = Q(_influenced=True)
    rows = queryset.annotate(_influenced=influence.influenced(days)).aggregate(
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


def booking_days(
    since: datetime.datetime | None, until: datetime.datetime | None
) -> tuple[datetime.date | None, datetime.date | None]:
    """The days spend is booked on for a report from ``since`` up to (not including)
    ``until``: the local dates from since's to the day before until's."""
    start = timezone.localtime(since).date() if since else None
    end = timezone.localtime(until).date() - datetime.timedelta(days=1) if until else None
    return start, end


def closed_loop(
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    model: str = "position_based",
    lookback_days: int | None = 180,
    background: bool = False,
) -> ClosedLoop:
    days = influence.lookback_days()
    deals = Opportunity.objects.order_by()
    pipeline = _splits(_period(deals, "created_at", since, until), days)
    revenue = _splits(_period(deals.filter(stage=Stage.WON), "closed_at", since, until), days)
    start, end = booking_days(since, until)
    loop = ClosedLoop(
        since=since,
        until=until,
        influence_days=days,
        pipeline=pipeline,
        revenue=revenue,
        marketing_spend=spend_ledgers.total(start=start, end=end, function=spend_ledgers.MARKETING),
        campaign_spend=selectors.campaign_spend(start=start, end=end) or Decimal("0"),
        mqls=_lead_count("mql", since, until),
        sqls=_lead_count("sql", since, until),
        model=model,
    )
    by_campaign = selectors.spend_by_campaign(start=start, end=end)
    for level in ("campaign", "channel"):
        rows, comparisons = _returns_by(
            level,
            by_campaign,
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


def _returns_by(
    level: str, spend_of: dict[int, Decimal], *, model: str, lookback_days, since, until, background=False
):
    """Attributed revenue and pipeline against spend per campaign or channel: ROI, ROAS.

    ``spend_of`` is each campaign's spend in the period; a channel's spend is the sum
    over its campaigns, so both tables add up to the same campaign spend.
    """
    common = {
        "level": level,
        "lookback_days": lookback_days,
        "since": since,
        "until": until,
        "models": (model,),
    }
    revenue = compare_models(measure="revenue", background=background, **common)
    pipeline = compare_models(measure="pipeline", background=background, **common)
    campaigns = dict(Campaign.objects.values_list("pk", "channel"))
    if level == "campaign":
        labels = _campaign_labels(set(spend_of) | set(campaigns))
        spend = {labels[pk]: total for pk, total in spend_of.items() if pk in labels}
        meta = {
            label: {"campaign_id": pk, "channel": campaigns.get(pk, ""), "label": label}
            for pk, label in labels.items()
        }
    else:
        spend = {}
        for pk, total in spend_of.items():
            channel = campaigns.get(pk, "")
            spend[channel] = spend.get(channel, Decimal("0")) + total
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
                **(meta.get(key) or _meta_without_campaign(level, key)),
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


def _meta_without_campaign(level: str, key: str) -> dict:
    """A channel row, or the campaign-level row of touches that had no campaign: the
    attribution key is then the channel in brackets (see ``journeys.journey_frame``)."""
    bracketed = key.startswith("(") and key.endswith(")")
    channel = key[1:-1] if level == "campaign" and bracketed else key
    return {"campaign_id": None, "channel": channel, "label": key_label(level, key)}
