"""The targets that apply to ``Filters``, and the list of targets."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum

from hamsu.scorecard.models import (
    Target,
    TargetScope,
)
from hamsu.scorecard.periods import Period
from hamsu.scorecard.selectors.filters import Filters


def _scope_filter(filters: Filters) -> Q | None:
    """The one target scope the filters name; None for a combination or a source, which no
    target is set for (a team's target is not its target within one segment)."""
    named = [name for name in ("owner", "team", "segment", "product") if getattr(filters, name) is not None]
    if len(named) > 1 or filters.source:
        return None
    if filters.owner:
        return Q(scope=TargetScope.SELLER, person_id=filters.owner)
    if filters.team:
        return Q(scope=TargetScope.TEAM, team_id=filters.team)
    if filters.segment:
        return Q(scope=TargetScope.SEGMENT, segment_id=filters.segment)
    if filters.product:
        return Q(scope=TargetScope.PRODUCT, product_id=filters.product)
    return Q(scope=TargetScope.COMPANY)


def target_for(filters: Filters) -> Decimal | None:
    """The target for the filters' scope and period.

    An exact period match wins; otherwise the targets of shorter periods that lie inside
    it are summed (four quarterly numbers make the year). None when nothing was set.
    """
    period = filters.period
    scope = _scope_filter(filters)
    if scope is None:
        return None
    base = Target.objects.filter(scope, calendar=period.calendar)
    exact = base.filter(period_key=period.key).values_list("amount", flat=True).first()
    if exact is not None:
        return exact
    inside = base.filter(period_start__gte=period.start, period_end__lte=period.end).exclude(
        period_kind=period.kind
    )
    kinds = list(inside.values_list("period_kind", flat=True).distinct())
    if not kinds:
        return None
    # Use one granularity only (quarters if set, else months), so nothing is counted twice.
    kind = "quarter" if "quarter" in kinds else "month"
    return inside.filter(period_kind=kind).aggregate(total=Sum("amount"))["total"]


def target_list(*, period: Period | None = None, scope: str = "") -> list[Target]:
    qs = Target.objects.select_related("team", "segment", "product", "person")
    if period is not None:
        qs = qs.filter(calendar=period.calendar, period_key=period.key)
    if scope:
        qs = qs.filter(scope=scope)
    return list(qs.order_by("-period_start", "scope", "id")[:500])
