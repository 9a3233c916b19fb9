"""The two-sided SLA as counts per sales team, computed by the database.

``selectors.sla_adherence`` also works out business-hours follow-up times, which means
reading every handoff of the period into Python — fine for the funnel's SLA page over a
few weeks, far too slow for a dashboard over a year of a large company (hundreds of
thousands of handoffs). The scorecard's SLA metrics and the meeting agenda need only
counts, so they read them here: one grouped query over the handoffs of the period plus
one for the policies, whatever the volume.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from hamsu.funnel.models import Handoff, HandoffStatus, SlaPolicy

DECIDED = (HandoffStatus.ACCEPTED, HandoffStatus.RETURNED)


@dataclass
class SlaCounts:
    team_id: int | None
    team: str
    mqls: int = 0
    mql_target: int = 0
    accepted: int = 0
    returned: int = 0
    acceptance_rate: float | None = None
    acceptance_target: float = 0.0
    handoffs_closed: int = 0
    on_time: int = 0
    breaches: int = 0
    open_overdue: int = 0
    # The policy the team's handoffs are held to (its own, else the default), for callers
    # that need more of it than the targets above.
    policy: SlaPolicy | None = field(default=None, repr=False, compare=False)


def sla_counts(*, start: datetime.datetime, end: datetime.datetime) -> list[SlaCounts]:
    """Handoffs opened in [start, end) per sales team: what marketing sent, how sales answered."""
    now = timezone.now()
    rows = (
        Handoff.objects.filter(opened_at__gte=start, opened_at__lt=end)
        .values("team_id", "team__name")
        .annotate(
            mqls=Count("id"),
            accepted=Count("id", filter=Q(status=HandoffStatus.ACCEPTED)),
            returned=Count("id", filter=Q(status=HandoffStatus.RETURNED)),
            closed=Count("id", filter=Q(status__in=DECIDED, closed_at__isnull=False)),
            on_time=Count(
                "id", filter=Q(status__in=DECIDED, closed_at__isnull=False, closed_at__lte=F("due_at"))
            ),
            breaches=Count("id", filter=Q(escalated_at__isnull=False)),
            open_overdue=Count("id", filter=Q(status=HandoffStatus.OPEN, due_at__lt=now)),
        )
        .order_by()
    )
    # Every policy at once (there are a handful): the team's own, else the default —
    # the rule ``services.handoff.policy_for`` applies to one team at a time.
    policies = {p.team_id: p for p in SlaPolicy.objects.select_related("calendar").order_by("-pk")}
    default = policies.get(None)
    months = max((end - start).days / 30.4, 1 / 30.4)
    out = []
    for row in rows:
        policy = policies.get(row["team_id"], default) if row["team_id"] else default
        decided = row["accepted"] + row["returned"]
        out.append(
            SlaCounts(
                team_id=row["team_id"],
                team=row["team__name"] or "—",
                mqls=row["mqls"],
                mql_target=round(policy.mql_target_per_month * months) if policy else 0,
                accepted=row["accepted"],
                returned=row["returned"],
                acceptance_rate=row["accepted"] / decided * 100 if decided else None,
                acceptance_target=float(policy.acceptance_rate_target) if policy else 0.0,
                handoffs_closed=row["closed"],
                on_time=row["on_time"],
                breaches=row["breaches"],
                open_overdue=row["open_overdue"],
                policy=policy,
            )
        )
    return sorted(out, key=lambda f: f.team)
