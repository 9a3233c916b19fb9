"""Reads about how the funnel is used and who shapes it: the funnel in force and who owns its
stages, leads delivered and handoffs answered, who changes the funnel's definitions and
scoring, the rules of engagement and handoffs in place. The alignment diagnostic reads its
evidence here (it sits above the funnel); each function is one or two aggregate queries."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from hamsu.crm.models import StageEvent
from hamsu.funnel.models import (
    EngagementRule,
    FunnelVersion,
    Handoff,
    HandoffStatus,
    LeadDefinition,
    LeadState,
    ScoringSpec,
)
from hamsu.funnel.services.funnel import current_funnel_stages, current_funnel_version


@dataclass(frozen=True)
class FunnelInForce:
    version: int | None  # None: the built-in default funnel, in force until one is published
    owners: dict[str, int]  # stages per owning function ("marketing", "sales", "shared")


def funnel_in_force() -> FunnelInForce:
    """The funnel every page counts with: the latest published version, else the default."""
    version = current_funnel_version()
    owners = Counter(stage["owner_function"] for stage in current_funnel_stages())
    return FunnelInForce(version.number if version else None, dict(owners))


@dataclass(frozen=True)
class LeadFlow:
    mqls: int  # leads that became marketing-qualified (marketing's side delivering)
    handoffs_answered: int  # handoffs sales accepted or returned (sales's side working them)


def lead_flow(*, since: datetime.datetime, until: datetime.datetime) -> LeadFlow:
    """Leads that reached MQL and handoffs sales answered in [since, until]."""
    mqls = StageEvent.objects.filter(
        object_type=StageEvent.ObjectType.LEAD, to_stage=LeadState.MQL, at__gte=since, at__lte=until
    ).count()
    answered = Handoff.objects.filter(
        status__in=[HandoffStatus.ACCEPTED, HandoffStatus.RETURNED],
        closed_at__gte=since,
        closed_at__lte=until,
    ).count()
    return LeadFlow(mqls, answered)


def funnel_changes_by_function(*, since: datetime.datetime, until: datetime.datetime) -> dict[str, int]:
    """The work that makes the funnel more predictable, by the function of who did it, in
    [since, until]: funnel versions published, lead definitions proposed and scoring point
    specs written. Changes by a login with no directory person count under "".
    """
    out: Counter[str] = Counter()
    for model, user_field, at_field in (
        (FunnelVersion, "created_by", "created_at"),
        (LeadDefinition, "proposed_by", "proposed_at"),
        (ScoringSpec, "created_by", "created_at"),
    ):
        rows = (
            model.objects.filter(
                **{f"{user_field}__isnull": False, f"{at_field}__gte": since, f"{at_field}__lte": until}
            )
            .values(f"{user_field}__person__function")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            out[row[f"{user_field}__person__function"] or ""] += row["n"]
    return dict(out)


def active_engagement_rules() -> int:
    """Rules of engagement in force."""
    return EngagementRule.objects.filter(is_active=True).count()


def handoffs_opened(*, since: datetime.datetime, until: datetime.datetime) -> int:
    return Handoff.objects.filter(opened_at__gte=since, opened_at__lte=until).count()
