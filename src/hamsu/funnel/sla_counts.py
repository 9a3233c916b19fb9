"""The two-sided SLA as counts per sales team, computed by the database.

``selectors.sla_adherence`` also works out business-hours follow-up times, which means
reading every handoff of the period into Python — fine for the funnel's SLA page over a
few weeks, far too slow for a dashboard over a year of a large company (hundreds of
thousands of handoffs). The scorecard's SLA metrics and the meeting agenda need only
counts, so they read them here, from the day totals the database keeps
(``hamsu.funnel.handoff_totals``): a handful of queries over a few thousand rows,
whatever the volume.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from hamsu.directory.models import Team
from hamsu.funnel.models import Handoff, HandoffDayTotal, HandoffStatus, SlaPolicy

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


MEASURES = ("mqls", "accepted", "returned", "closed", "on_time", "breaches")
MIDNIGHT = datetime.time(0)


def _whole_utc_days(start: datetime.datetime, end: datetime.datetime):
    """The UTC days lying wholly inside [start, end), as (first day, day after the last),
    and the instants where they begin and end; None when there is no whole day."""
    first = start.astimezone(datetime.UTC)
    first_day = first.date() if first.time() == MIDNIGHT else first.date() + datetime.timedelta(days=1)
    stop_day = end.astimezone(datetime.UTC).date()
    if first_day >= stop_day:
        return None
    return first_day, stop_day, _utc_midnight(first_day), _utc_midnight(stop_day)


def _utc_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, MIDNIGHT, tzinfo=datetime.UTC)


def _counts(start: datetime.datetime, end: datetime.datetime) -> dict[int, dict]:
    """Per team id (0: none), every measure over the handoffs opened in [start, end).

    Whole UTC days come from the trigger-kept day totals; the partial day at either end
    (a period starts at local midnight, which is rarely UTC midnight) from the handoffs.
    """
    out: dict[int, dict] = {}

    def add(team: int, row: dict) -> None:
        into = out.setdefault(team, dict.fromkeys(MEASURES, 0))
        for name in MEASURES:
            into[name] += row[name] or 0

    days = _whole_utc_days(start, end)
    edges = Q(opened_at__gte=start, opened_at__lt=end)
    if days is not None:
        first_day, stop_day, first_at, stop_at = days
        totals = (
            HandoffDayTotal.objects.filter(day__gte=first_day, day__lt=stop_day)
            .values("team_key")
            .annotate(**{name: Sum(name) for name in MEASURES})
            .order_by()
        )
        for row in totals:
            add(row["team_key"], row)
        edges = Q(opened_at__gte=start, opened_at__lt=first_at) | Q(opened_at__gte=stop_at, opened_at__lt=end)
    rows = (
        Handoff.objects.filter(edges)
        .values("team_id")
        .annotate(
            mqls=Count("id"),
            accepted=Count("id", filter=Q(status=HandoffStatus.ACCEPTED)),
            returned=Count("id", filter=Q(status=HandoffStatus.RETURNED)),
            closed=Count("id", filter=Q(status__in=DECIDED, closed_at__isnull=False)),
            on_time=Count(
                "id", filter=Q(status__in=DECIDED, closed_at__isnull=False, closed_at__lte=F("due_at"))
            ),
            breaches=Count("id", filter=Q(escalated_at__isnull=False)),
        )
        .order_by()
    )
    for row in rows:
        add(row["team_id"] or 0, row)
    return out


def sla_counts(*, start: datetime.datetime, end: datetime.datetime) -> list[SlaCounts]:
    """Handoffs opened in [start, end) per sales team: what marketing sent, how sales answered."""
    counts = _counts(start, end)
    # "Open and overdue" depends on the moment asked, so it is counted live; open handoffs
    # are few at any time (a partial index holds just them).
    overdue = {
        team or 0: n
        for team, n in Handoff.objects.filter(
            opened_at__gte=start, opened_at__lt=end, status=HandoffStatus.OPEN, due_at__lt=timezone.now()
        )
        .values("team_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("team_id", "n")
    }
    names = dict(Team.objects.filter(pk__in=[t for t in counts if t]).values_list("pk", "name"))
    # Every policy at once (there are a handful): the team's own, else the default —
    # the rule ``services.handoff.policy_for`` applies to one team at a time.
    policies = {p.team_id: p for p in SlaPolicy.objects.select_related("calendar").order_by("-pk")}
    default = policies.get(None)
    months = max((end - start).days / 30.4, 1 / 30.4)
    out = []
    for team, row in counts.items():
        if not row["mqls"]:
            continue  # a team whose handoffs all moved elsewhere leaves a row of zeros
        policy = policies.get(team, default) if team else default
        decided = row["accepted"] + row["returned"]
        out.append(
            SlaCounts(
                team_id=team or None,
                team=names.get(team, "—"),
                mqls=row["mqls"],
                mql_target=round(policy.mql_target_per_month * months) if policy else 0,
                accepted=row["accepted"],
                returned=row["returned"],
                acceptance_rate=row["accepted"] / decided * 100 if decided else None,
                acceptance_target=float(policy.acceptance_rate_target) if policy else 0.0,
                handoffs_closed=row["closed"],
                on_time=row["on_time"],
                breaches=row["breaches"],
                open_overdue=overdue.get(team, 0),
                policy=policy,
            )
        )
    return sorted(out, key=lambda f: f.team)
