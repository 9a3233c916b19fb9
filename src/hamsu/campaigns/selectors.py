"""Reads for campaigns, spend and touchpoints (the attribution reads live in journeys.py,
attribution_runs.py and closed_loop.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

# LEAD_FORMS comes from the models, not journeys: journeys imports Polars, and these
# selectors load when Django starts (the worker must not pay for Polars; see
# tests/funnel/test_worker_start.py).
from hamsu.campaigns.models import LEAD_FORMS, Campaign, CampaignStatus, CostLine, Touchpoint, TouchpointKind
from hamsu.core.api_kit import not_found
from hamsu.directory.visibility import visible

_MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class CampaignFilters:
    q: str = ""
    channel: str = ""
    status: str = ""
    type: str = ""


def _with_totals(queryset: QuerySet) -> QuerySet:
    """Spend and touch counts as subqueries, so a list page is one query however long."""
    spend = (
        CostLine.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("amount_base"))
        .values("total")
    )
    touches = (
        Touchpoint.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        spend_base=Coalesce(
            Subquery(spend, output_field=_MONEY), Value(Decimal("0.00"), output_field=_MONEY)
        ),
        touch_count=Coalesce(Subquery(touches), Value(0)),
    )


def campaign_list(*, user, filters: CampaignFilters | None = None) -> QuerySet:
    """Campaigns are company-wide marketing plans: everyone allowed to view them sees all."""
    filters = filters or CampaignFilters()
    queryset = Campaign.objects.select_related("segment", "product", "owner")
    if filters.q:
        queryset = queryset.filter(name__icontains=filters.q) | queryset.filter(
            utm_campaign__icontains=filters.q.lower()
        )
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.type:
        queryset = queryset.filter(type=filters.type)
    return _with_totals(queryset).order_by("-start_date", "name", "pk")


def campaign_get(*, user, pk: int) -> Campaign:
    campaign = (
        _with_totals(Campaign.objects.select_related("segment", "product", "owner")).filter(pk=pk).first()
    )
    if campaign is None:
        raise not_found(Campaign, pk, "campaign")
    return campaign


def campaigns_in_dates(
    *, user, start: datetime.date, end: datetime.date, now: datetime.datetime, limit: int
) -> list[Campaign]:
    """Campaigns whose dates meet [start, end] (running then, starting or ending then;
    cancelled ones left out), earliest start first, each with ``leads_so_far``
    (glossary ``campaigns.leads_so_far``): the people who handed over their details
    through it up to ``now`` — distinct contacts with a form fill or content download of
    the campaign, among the touches ``user`` may see."""
    people = (
        touchpoints_visible(user=user)
        .filter(campaign=OuterRef("pk"), kind__in=LEAD_FORMS, contact__isnull=False, occurred_at__lte=now)
        .order_by()
        .values("campaign")
        .annotate(n=Count("contact", distinct=True))
        .values("n")
    )
    return list(
        Campaign.objects.filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .exclude(status=CampaignStatus.CANCELLED)
        .annotate(leads_so_far=Coalesce(Subquery(people), Value(0)))
        .order_by("start_date", "name", "pk")[:limit]
    )


def cost_lines(*, campaign: Campaign) -> QuerySet:
    return CostLine.objects.filter(campaign=campaign).order_by("period_start", "pk")


def cost_lines_booked(*, start: datetime.date | None = None, end: datetime.date | None = None) -> QuerySet:
    """Cost lines booked in ``[start, end]``: a line counts on its ``period_start``
    (the rule of every spend figure, see ``hamsu.core.spend``)."""
    queryset = CostLine.objects.order_by()
    if start:
        queryset = queryset.filter(period_start__gte=start)
    if end:
        queryset = queryset.filter(period_start__lte=end)
    return queryset


def spend_by_campaign(
    *, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[int, Decimal]:
    """Campaign spend in base currency per campaign id, for lines booked in the period."""
    return dict(
        cost_lines_booked(start=start, end=end)
        .values("campaign")
        .annotate(total=Sum("amount_base"))
        .values_list("campaign", "total")
    )


def campaign_spend(*, start: datetime.date | None = None, end: datetime.date | None = None) -> Decimal | None:
    """All campaign spend booked in the period; None when no line is (the ledger's answer
    to ``hamsu.core.spend``). Campaign spend is marketing's."""
    lines = cost_lines_booked(start=start, end=end)
    if not lines.exists():
        return None
    return lines.aggregate(total=Sum("amount_base"))["total"] or Decimal("0")


def campaign_ledger_total(start, end, function) -> Decimal | None:
    if function not in (None, "marketing"):
        return None
    return campaign_spend(start=start, end=end)


def touchpoints_visible(*, user) -> QuerySet:
    """Touches follow the visibility of the account they belong to."""
    return visible(Touchpoint.objects.all(), user, owner_field="account__owner", team_field="account__team")


def touchpoint_list(
    *,
    user,
    campaign: int | None = None,
    contact: int | None = None,
    account: int | None = None,
    limit: int = 100,
    before_id: int | None = None,
) -> list[Touchpoint]:
    queryset = touchpoints_visible(user=user).select_related("campaign", "contact", "account")
    if campaign:
        queryset = queryset.filter(campaign_id=campaign)
    if contact:
        queryset = queryset.filter(contact_id=contact)
    if account:
        queryset = queryset.filter(account_id=account)
    if before_id:
        queryset = queryset.filter(pk__lt=before_id)
    return list(queryset.order_by("-pk")[:limit])


def touch_counts_by_kind(*, campaign: Campaign) -> list[dict]:
    """The campaign's touches counted by kind (all of them, like the campaign's total),
    most frequent first, each with the kind's name in the active language."""
    labels = dict(TouchpointKind.choices)
    rows = (
        Touchpoint.objects.filter(campaign=campaign)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("-n", "kind")
    )
    return [{**row, "label": str(labels.get(row["kind"], row["kind"]))} for row in rows]


def touches_for_opportunity(*, user, opportunity) -> QuerySet:
    """The touches that count towards a deal: its account's and its contacts' touches up
    to its close (or up to now while it is open), oldest first."""
    queryset = touchpoints_visible(user=user).filter(account_id=opportunity.account_id)
    if opportunity.closed_at:
        queryset = queryset.filter(occurred_at__lte=opportunity.closed_at)
    return queryset.select_related("campaign", "contact").order_by("occurred_at", "pk")


def opportunities_touched(*, touchpoint: Touchpoint) -> QuerySet:
    """Deals a touch counts towards: its account's deals still open or closed after it."""
    from django.db.models import Q

    from hamsu.crm.models import Opportunity

    if touchpoint.account_id is None:
        return Opportunity.objects.none()
    return Opportunity.objects.filter(account_id=touchpoint.account_id).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=touchpoint.occurred_at)
    )
