"""Reads for the funnel: lead lists and queues, the funnel with live counts and conversion,
and both sides' SLA adherence. Record visibility is applied here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from statistics import median

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from hamsu.core.pagination import Page, keyset_page
from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.core.visibility import person_of, visible
from hamsu.crm.models import Opportunity
from hamsu.funnel.models import (
    DefinitionKind,
    FollowUpTask,
    Handoff,
    HandoffStatus,
    Lead,
    LeadDefinition,
    LeadQueue,
    LeadState,
    StageEvent,
)
from hamsu.funnel.services.funnel import current_funnel_stages
from hamsu.funnel.sla_counts import SlaCounts, sla_counts

LEAD_SORTS = {"created": "created_at", "score": "score", "changed": "state_changed_at"}
OPEN_FOR_SALES = (LeadState.MQL, LeadState.SAL, LeadState.SQL)


def leads_visible(user) -> QuerySet[Lead]:
    return visible(Lead.objects.all(), user)


def _open_handoff_due():
    return Subquery(
        Handoff.objects.filter(lead=OuterRef("pk"), status=HandoffStatus.OPEN)
        .order_by("-opened_at")
        .values("due_at")[:1]
    )


@dataclass(frozen=True)
class LeadFilters:
    q: str = ""
    state: str = ""
    queue: str = ""
    owner: int | None = None
    team: int | None = None


def lead_list(
    *, user, filters: LeadFilters, sort: str = "-created", cursor: str | None = None, limit: int = 50
) -> Page:
    qs = leads_visible(user).select_related("owner", "segment", "account")
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(email__icontains=term) | Q(last_name__icontains=term) | Q(company__icontains=term))
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.queue:
        qs = qs.filter(queue=filters.queue)
    if filters.owner:
        qs = qs.filter(owner_id=filters.owner)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    return keyset_page(qs, sort=sort, allowed=LEAD_SORTS, cursor=cursor, limit=limit)


def lead_detail(*, user, pk: int) -> Lead | None:
    return (
        leads_visible(user)
        .select_related("owner", "team", "segment", "account", "contact", "opportunity", "mql_definition")
        .filter(pk=pk)
        .first()
    )


def lead_events(lead: Lead) -> QuerySet[StageEvent]:
    return (
        StageEvent.objects.filter(object_type=StageEvent.ObjectType.LEAD, object_id=lead.pk)
        .select_related("actor")
        .order_by("at", "pk")
    )


def my_leads(*, user, limit: int = 200) -> list[Lead]:
    """The seller's open leads, the ones waiting on them first (soonest deadline first)."""
    person = person_of(user)
    if person is None:
        return []
    return list(
        Lead.objects.filter(owner=person, state__in=OPEN_FOR_SALES)
        .select_related("segment", "account")
        .annotate(due_at=_open_handoff_due())
        .order_by("state", "due_at", "-score")[:limit]
    )


def handoff_queue(*, user, limit: int = 200) -> list[Lead]:
    """MQLs not yet accepted, soonest deadline first: the manager's teams (all, for heads)."""
    qs = Lead.objects.filter(state=LeadState.MQL)
    if not (user.is_superuser or roles_of(user) & SEES_EVERYTHING):
        person = person_of(user)
        if person is None:
            return []
        qs = qs.filter(
            Q(team_id__in=person.visible_team_ids())
            | Q(owner=person)
            | Q(owner__isnull=True, team__isnull=True)
        )
    return list(
        qs.select_related("owner", "segment", "team", "account")
        .annotate(due_at=_open_handoff_due())
        .order_by("due_at", "pk")[:limit]
    )


def recycle_pool(*, limit: int = 200) -> list[Lead]:
    """Returned, lost-and-recycled and disqualified leads waiting for marketing."""
    return list(
        Lead.objects.filter(queue=LeadQueue.RECYCLE)
        .select_related("segment", "account")
        .order_by("-state_changed_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------- the funnel page


@dataclass
class StageRow:
    funnel: str
    code: str
    name: str
    owner_function: str
    entry_criteria: str
    exit_criteria: str
    marketing_contribution: str
    materials: list
    tracks: list
    count: int | None = None
    reached: int | None = None
    conversion: float | None = None


@dataclass
class FunnelView:
    funnels: dict[str, list[StageRow]] = field(default_factory=dict)
    since: datetime.date | None = None


def funnel_overview(*, since: datetime.datetime | None = None) -> FunnelView:
    """Every stage with its live count and the conversion to the next stage.

    Live counts: leads by state and open deals by stage (two grouped queries). Conversion:
    of the objects that entered a stage since ``since``, the share that entered the next
    (one grouped query over the stage-event log).
    """
    since = since or (timezone.now() - datetime.timedelta(days=365))
    live = {f"lead:{row['state']}": row["n"] for row in Lead.objects.values("state").annotate(n=Count("id"))}
    live |= {
        f"opportunity:{row['stage']}": row["n"]
        for row in Opportunity.objects.values("stage").annotate(n=Count("id"))
    }
    reached = {
        f"{row['object_type']}:{row['to_stage']}": row["n"]
        for row in StageEvent.objects.filter(at__gte=since)
        .values("object_type", "to_stage")
        .annotate(n=Count("object_id", distinct=True))
    }
    view = FunnelView(since=since.date())
    for stage in current_funnel_stages():
        row = StageRow(
            **{
                k: stage.get(k) or ([] if k in ("materials", "tracks") else "")
                for k in StageRow.__dataclass_fields__
                if k not in ("count", "reached", "conversion")
            }
        )
        if row.tracks:
            row.count = sum(live.get(t, 0) for t in row.tracks)
            row.reached = sum(reached.get(t, 0) for t in row.tracks)
        view.funnels.setdefault(row.funnel, []).append(row)
    for rows in view.funnels.values():
        for current, following in zip(rows, rows[1:], strict=False):
            if current.reached and following.reached is not None:
                current.conversion = following.reached / current.reached
    return view


# ---------------------------------------------------------------- definitions


def definitions_by_kind() -> dict[str, list[LeadDefinition]]:
    rows = (
        LeadDefinition.objects.select_related("proposed_by")
        .prefetch_related("approvals__user")
        .order_by("kind", "-number")
    )
    out: dict[str, list[LeadDefinition]] = {kind: [] for kind in DefinitionKind.values}
    for row in rows:
        out[row.kind].append(row)
    return out


# ---------------------------------------------------------------- two-sided SLA


@dataclass
class SideFigures(SlaCounts):
    """A team's SLA counts (``sla_counts``) plus what the SLA page measures in Python."""

    on_time_rate: float | None = None
    follow_up_hours_median: float | None = None
    follow_up_on_time_rate: float | None = None
    attempts_before_disqualify: float | None = None
    min_attempts: int = 0


def sla_adherence(*, start: datetime.datetime, end: datetime.datetime) -> list[SideFigures]:
    """Marketing's MQL volume and acceptance rate, sales' response time and follow-up depth,
    per sales team, for handoffs opened in [start, end).

    The counts come from the database (``sla_counts``); only the follow-up times, which are
    measured in each team's business hours, are worked out here, over the accepted handoffs
    that have a follow-up — read as plain values, not model instances.
    """
    from hamsu.funnel.services.handoff import calendar_spec

    counted = sla_counts(start=start, end=end)
    policies = {c.team_id: c.policy for c in counted}
    in_period = Handoff.objects.filter(opened_at__gte=start, opened_at__lt=end)
    follow_ups: dict[int | None, list[float]] = {}
    follow_on_time: dict[int | None, list[bool]] = {}
    specs: dict[int, object] = {}
    rows = in_period.filter(
        status=HandoffStatus.ACCEPTED, lead__accepted_at__isnull=False, lead__first_follow_up_at__isnull=False
    ).values_list("team_id", "lead__accepted_at", "lead__first_follow_up_at")
    for team_id, accepted_at, followed_at in rows.iterator(chunk_size=5000):
        policy = policies.get(team_id)
        if policy is None:
            continue
        spec = specs.get(policy.pk)
        if spec is None:
            spec = specs[policy.pk] = calendar_spec(policy.calendar)
        hours = spec.business_seconds_between(accepted_at, followed_at) / 3600
        follow_ups.setdefault(team_id, []).append(hours)
        follow_on_time.setdefault(team_id, []).append(hours <= float(policy.follow_up_within_hours))
    attempts = dict(
        in_period.filter(
            status=HandoffStatus.RETURNED,
            lead__return_reason__in=("bad_fit", "wrong_contact", "duplicate", "no_budget", "not_now"),
        )
        .values("team_id")
        .annotate(mean=Avg("lead__follow_up_attempts"))
        .values_list("team_id", "mean")
        .order_by()
    )
    counted_fields = [f.name for f in fields(SlaCounts)]
    out = []
    for c in counted:
        fig = SideFigures(
            **{name: getattr(c, name) for name in counted_fields},
            on_time_rate=c.on_time / c.handoffs_closed * 100 if c.handoffs_closed else None,
            min_attempts=c.policy.min_attempts if c.policy else 0,
        )
        if follow_ups.get(c.team_id):
            fig.follow_up_hours_median = median(follow_ups[c.team_id])
            on_time = follow_on_time[c.team_id]
            fig.follow_up_on_time_rate = sum(on_time) / len(on_time) * 100
        if attempts.get(c.team_id) is not None:
            fig.attempts_before_disqualify = float(attempts[c.team_id])
        out.append(fig)
    return out


# ---------------------------------------------------------------- my tasks
# (My notices are the shared inbox: hamsu.core.selectors.notifications_for.)


def my_tasks(*, user, limit: int = 50) -> list[FollowUpTask]:
    person = person_of(user)
    if person is None:
        return []
    return list(
        FollowUpTask.objects.filter(assignee=person, done_at__isnull=True).order_by("due_at", "pk")[:limit]
    )
