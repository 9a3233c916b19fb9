"""Reads about the organisation's shape: who heads sales and marketing and whom they report
to, which functions have teams, how fresh the profiles are. The alignment diagnostic reads
its evidence here (it sits above the directory)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from hamsu.directory.models import Person, RoleTitle, Team


@dataclass(frozen=True)
class RevenueHeads:
    head_of_sales: Person | None
    head_of_marketing: Person | None


def revenue_heads() -> RevenueHeads:
    """The active heads of sales and marketing, with their managers loaded."""
    heads = {
        p.role_title: p
        for p in Person.objects.filter(
            is_active=True, role_title__in=[RoleTitle.HEAD_OF_SALES, RoleTitle.HEAD_OF_MARKETING]
        )
        .select_related("manager")
        .order_by("-pk")  # the dict keeps the last row: the first-created head of each kind
    }
    return RevenueHeads(heads.get(RoleTitle.HEAD_OF_SALES), heads.get(RoleTitle.HEAD_OF_MARKETING))


@dataclass(frozen=True)
class ProfileFreshness:
    active: int
    fresh: int  # active people whose profile was updated since the date asked


def profile_freshness(*, since: datetime.datetime) -> ProfileFreshness:
    counts = Person.objects.filter(is_active=True).aggregate(
        n=Count("pk"), fresh=Count("pk", filter=Q(profile_updated_at__gte=since))
    )
    return ProfileFreshness(counts["n"], counts["fresh"])


def functions_with_staffed_teams() -> set[str]:
    """Functions that have a team with at least one active member."""
    return set(Team.objects.filter(members__is_active=True).values_list("function", flat=True).distinct())


def active_people(*, function: str = "", role_title: str = "") -> int:
    qs = Person.objects.filter(is_active=True)
    if function:
        qs = qs.filter(function=function)
    if role_title:
        qs = qs.filter(role_title=role_title)
    return qs.count()


def function_moves(
    *, between: tuple[set[str], set[str]], since: datetime.datetime, until: datetime.datetime
) -> int:
    """People whose function changed from one side of ``between`` to the other in [since,
    until], read from the audit log (each recorded change of a person's function counts)."""
    from hamsu.core.models import AuditEntry

    one, other = between
    moves = 0
    for changes in AuditEntry.objects.filter(
        object_type=Person._meta.label_lower, at__gte=since, at__lte=until, changes__has_key="function"
    ).values_list("changes", flat=True):
        change = changes["function"]
        if not isinstance(change, list) or len(change) != 2:
            continue
        before, after = change
        if (before in one and after in other) or (before in other and after in one):
            moves += 1
    return moves
