"""Reads about joint work in the CRM: marketers in deal activities, in deal roles, on the key
accounts and the big deals. The alignment diagnostic reads its evidence here (it sits above
the CRM); each function is a couple of aggregate queries, whatever the company's size."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from hamsu.crm.models import Activity, ActivityParticipant, Opportunity, OpportunityParticipant
from hamsu.crm.stages import OPEN_STAGES, Stage

YEAR = datetime.timedelta(days=365)
KEY_ACCOUNTS = 10


@dataclass(frozen=True)
class Share:
    """``part`` of ``total`` records have what was asked for."""

    total: int
    part: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.total if self.total else None


def key_account_ids(*, now: datetime.datetime, limit: int = KEY_ACCOUNTS) -> list[int]:
    """The key accounts: the ``limit`` largest by revenue won in the year to ``now``, else by
    revenue won at any time (a company with no recent win still has its big customers)."""
    won = Opportunity.objects.filter(stage=Stage.WON, closed_at__lte=now)
    for qs in (won.filter(closed_at__gt=now - YEAR), won):
        ids = list(
            qs.values("account_id")
            .annotate(total=Sum("amount_base"))
            .order_by("-total", "account_id")
            .values_list("account_id", flat=True)[:limit]
        )
        if ids:
            return ids
    return []


def _with_participant(functions: Iterable[str]):
    return Exists(ActivityParticipant.objects.filter(activity=OuterRef("pk"), function__in=sorted(functions)))


def account_activities_joined(
    *, account_ids: list[int], functions: Iterable[str], since: datetime.datetime, until: datetime.datetime
) -> Share:
    """Activities on these accounts (directly or on their deals) in [since, until], and how many
    had a participant of one of ``functions``."""
    counts = Activity.objects.filter(
        Q(account_id__in=account_ids) | Q(opportunity__account_id__in=account_ids),
        occurred_at__gte=since,
        occurred_at__lte=until,
    ).aggregate(n=Count("pk"), part=Count("pk", filter=Q(_with_participant(functions))))
    return Share(counts["n"], counts["part"])


def deal_activities_joined(
    *, functions: Iterable[str], since: datetime.datetime, until: datetime.datetime
) -> Share:
    """Activities on deals in [since, until], and how many had a participant of ``functions``."""
    counts = Activity.objects.filter(
        opportunity__isnull=False, occurred_at__gte=since, occurred_at__lte=until
    ).aggregate(n=Count("pk"), part=Count("pk", filter=Q(_with_participant(functions))))
    return Share(counts["n"], counts["part"])


def accounts_with_deal_role(*, account_ids: list[int], functions: Iterable[str]) -> set[int]:
    """Which of these accounts have a person of ``functions`` in a role on one of their deals."""
    return set(
        OpportunityParticipant.objects.filter(
            opportunity__account_id__in=account_ids, person__function__in=sorted(functions)
        )
        .values_list("opportunity__account_id", flat=True)
        .distinct()
    )


def open_big_deals_covered(*, threshold: Decimal, functions: Iterable[str]) -> Share:
    """Open deals worth at least ``threshold`` (company currency), and how many have a person
    of ``functions`` in a role on them."""
    role = OpportunityParticipant.objects.filter(
        opportunity=OuterRef("pk"), person__function__in=sorted(functions)
    )
    counts = Opportunity.objects.filter(stage__in=OPEN_STAGES, amount_base__gte=threshold).aggregate(
        n=Count("pk"), part=Count("pk", filter=Q(Exists(role)))
    )
    return Share(counts["n"], counts["part"])


def won_opportunities(*, since: datetime.datetime, until: datetime.datetime):
    """Deals won (closed as won) in [since, until]."""
    return Opportunity.objects.filter(stage=Stage.WON, closed_at__gte=since, closed_at__lte=until)
