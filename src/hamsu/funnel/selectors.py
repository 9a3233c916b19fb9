"""Reads for the funnel: lead lists and queues, the funnel with live counts and conversion,
and both sides' SLA adherence. Record visibility is applied here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields
from statistics import median
from typing import Any

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed
from hamsu.core.pagination import Page, keyset_page
from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.core.search import filter_words
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.directory.visibility import person_of, visible
from hamsu.funnel import reach
from hamsu.funnel.calendars import CalendarSpec, calendar_spec
from hamsu.funnel.models import (
    OPEN_FOR_SALES,
    DefinitionKind,
    FollowUpTask,
    Handoff,
    HandoffStatus,
    Lead,
    LeadDefinition,
    LeadQueue,
    LeadState,
)
from hamsu.funnel.services.funnel import current_funnel_stages
from hamsu.funnel.sla_counts import SlaCounts, sla_counts

LEAD_SEARCHED = ("first_name", "last_name", "email", "company")  # what the search box reads
LEAD_SORTS = {"created": "created_at", "score": "score", "changed": "state_changed_at"}


def leads_visible(user) -> QuerySet[Lead]:
    return visible(Lead.objects.all(), user)


def leads_open_to(user) -> QuerySet[Lead]:
    """The leads ``user`` may open and act on: the ones they may see, plus every lead
    waiting in a queue — nobody owns those, so managers and marketers act on them. The
    lead page, the API and the rule pages' lead pickers all ask here."""
    return leads_visible(user) | Lead.objects.exclude(queue="")


def _open_handoff(column: str):
    return Subquery(
        Handoff.objects.filter(lead=OuterRef("pk"), status=HandoffStatus.OPEN)
        .order_by("-opened_at")
        .values(column)[:1]
    )


def _open_handoff_due():
    return _open_handoff("due_at")


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
        qs = filter_words(qs, filters.q, LEAD_SEARCHED)
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
    """The lead ``pk`` if ``user`` may open it (``leads_open_to``), else None."""
    return (
        leads_open_to(user)
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


def _mine(user, states) -> QuerySet[Lead]:
    person = person_of(user)
    if person is None:
        return Lead.objects.none()
    return Lead.objects.filter(owner=person, state__in=states)


def my_leads(*, user, limit: int = 200, states=OPEN_FOR_SALES) -> list[Lead]:
    """The seller's open leads (or those in ``states``), the ones waiting on them first
    (soonest deadline first). The states are filtered in the query, so ``limit`` counts
    only leads of those states."""
    return list(
        _mine(user, states)
        .select_related("segment", "account")
        .annotate(due_at=_open_handoff_due(), handoff_reason=_open_handoff("reason"))
        .order_by("state", F("due_at").asc(nulls_last=True), "-score")[:limit]
    )


def my_leads_count(*, user, states=OPEN_FOR_SALES) -> int:
    """How many leads ``my_leads`` would list without a limit."""
    return _mine(user, states).count()


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
        .annotate(due_at=_open_handoff_due(), handoff_reason=_open_handoff("reason"))
        # A lead without an open deadline last, on SQLite as on PostgreSQL (their default
        # places for NULL differ).
        .order_by(F("due_at").asc(nulls_last=True), "pk")[:limit]
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
    # Figures over the cohort (see funnel_overview); None where the stage counts nothing.
    count: int | None = None
    reached: int | None = None
    conversion: float | None = None
    # The stage the conversion goes to, and whether this stage is a step of the path
    # (a recycled-lead stage is counted, but nothing converts into or out of it).
    converts_to: str = ""
    on_path: bool = False


@dataclass(frozen=True)
class FunnelFilters:
    """The cohort the funnel page counts: objects created in the last ``days`` days (None:
    all of them), of one team and one segment if given."""

    days: int | None = 365
    team: int | None = None
    segment: int | None = None


FUNNEL_PERIODS = (90, 365, 730, None)


@dataclass
class FunnelView:
    funnels: dict[str, list[StageRow]] = field(default_factory=dict)
    since: datetime.date | None = None
    filters: FunnelFilters = field(default_factory=FunnelFilters)


def funnel_cohort(filters: FunnelFilters, *, now: datetime.datetime | None = None) -> dict[str, QuerySet]:
    """Leads and opportunities created in the period, of the team and segment if given."""
    cohort: dict[str, QuerySet] = {
        reach.LEAD: Lead.objects.all(),
        reach.OPPORTUNITY: Opportunity.objects.all(),
    }
    for kind, qs in cohort.items():
        if filters.days is not None:
            qs = qs.filter(created_at__gte=_cohort_start(filters, now))
        if filters.team:
            qs = qs.filter(team_id=filters.team)
        if filters.segment:
            qs = qs.filter(segment_id=filters.segment)
        cohort[kind] = qs
    return cohort


def _cohort_start(filters: FunnelFilters, now: datetime.datetime | None) -> datetime.datetime | None:
    if filters.days is None:
        return None
    return (now or timezone.now()) - datetime.timedelta(days=filters.days)


def _stage_shape(tracks: list[str]) -> tuple[str | None, list[str], int | None]:
    """(object type, states, depth on the path or None when the stage is off the path)."""
    kinds = {t.split(":", 1)[0] for t in tracks}
    states = [t.split(":", 1)[1] for t in tracks]
    if len(kinds) != 1 or next(iter(kinds)) not in reach.PATHS:
        return None, states, None
    kind = next(iter(kinds))
    if not all(s in reach.PATHS[kind] for s in states):
        return kind, states, None
    # Every state is on the path (checked above), so each has a depth.
    return kind, states, min(d for s in states if (d := reach.depth(kind, s)) is not None)


class _CohortCounts:
    """The cohort's counts the funnel page needs, each asked of the database once, when
    first needed: who is in each state now, and how many reached each depth of a path."""

    def __init__(self, cohort: dict[str, QuerySet]):
        self.cohort = cohort
        self._live: dict[str, dict[str, int]] = {}
        self._depths: dict[str, dict[int, int]] = {}

    def now_in(self, kind: str) -> dict[str, int]:
        if kind not in self._live:
            field_name = "state" if kind == reach.LEAD else "stage"
            self._live[kind] = dict(
                self.cohort[kind]
                .order_by()
                .values(field_name)
                .annotate(n=Count("pk"))
                .values_list(field_name, "n")
            )
        return self._live[kind]

    def reached_depth(self, kind: str, depth: int) -> int:
        if kind not in self._depths:
            self._depths[kind] = reach.count_by_depth(self.cohort[kind], kind)
        return sum(n for d, n in self._depths[kind].items() if d >= depth)


STAGE_FIELDS = ("funnel", "code", "name", "owner_function", "entry_criteria", "exit_criteria") + (
    "marketing_contribution",
    "materials",
    "tracks",
)


def _stage_row(stage: dict, counts: _CohortCounts) -> tuple[StageRow, tuple | None]:
    """One stage's row with its figures, and its (object type, depth) when it tracks any."""
    texts: dict[str, Any] = {
        k: stage.get(k) or ([] if k in ("materials", "tracks") else "") for k in STAGE_FIELDS
    }
    row = StageRow(**texts)
    if not row.tracks:
        return row, None
    kind, states, depth = _stage_shape(row.tracks)
    row.on_path = depth is not None
    if kind is not None and depth is not None:  # (a depth is only ever given with its kind)
        row.count = sum(counts.now_in(kind).get(s, 0) for s in states)
        row.reached = counts.reached_depth(kind, depth)
        return row, (kind, depth)
    count = reached = 0
    by_kind: dict[str, list[str]] = {}
    for track in row.tracks:
        k, state = track.split(":", 1)
        by_kind.setdefault(k, []).append(state)
    for k, kind_states in by_kind.items():
        if k in counts.cohort:
            count += sum(counts.now_in(k).get(s, 0) for s in kind_states)
            reached += counts.cohort[k].filter(reach.ever_in(k, kind_states)).count()
    row.count, row.reached = count, reached
    return row, (kind, depth)


def _link_conversions(funnels: dict[str, list[StageRow]], shapes: dict[int, tuple]) -> None:
    """Each step's conversion to the next step of the same path: reached(next) / reached(this)."""
    for rows in funnels.values():
        for i, current in enumerate(rows):
            if not current.on_path or not current.reached:
                continue
            following = next((r for r in rows[i + 1 :] if r.on_path or not r.tracks), None)
            # (A step on the path always has its reached count.)
            if following is None or not following.on_path or following.reached is None:
                continue
            (kind, depth), (next_kind, next_depth) = shapes[id(current)], shapes[id(following)]
            # Only a later step of the same path is a successor: reached(next) ≤ reached(this).
            if next_kind == kind and next_depth >= depth:
                current.conversion = following.reached / current.reached
                current.converts_to = following.name


def funnel_overview(
    *, filters: FunnelFilters | None = None, now: datetime.datetime | None = None
) -> FunnelView:
    """Every stage with, over one cohort (``funnel_cohort``): how many are in it now, how many
    reached it (``hamsu.funnel.reach``: it or a later stage of the path, skipped stages
    included) and the conversion to the next step of the path, reached(next) / reached(this).

    Because "reached" counts later stages too, the next step's cohort is part of this
    one's: a conversion is in [0, 1], and nobody is in a stage now without having reached
    it. Stages off the path (nurture) count who is there now and who ever was; nothing
    converts into or out of them. A few grouped queries per kind of object, whatever the size.
    """
    filters = filters or FunnelFilters()
    counts = _CohortCounts(funnel_cohort(filters, now=now))
    start = _cohort_start(filters, now)
    view = FunnelView(since=timezone.localtime(start).date() if start else None, filters=filters)
    shapes: dict[int, tuple] = {}
    for stage in current_funnel_stages():
        row, shape = _stage_row(stage, counts)
        if shape is not None:
            shapes[id(row)] = shape
        view.funnels.setdefault(row.funnel, []).append(row)
    _link_conversions(view.funnels, shapes)
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


def sla_period(
    *, start: datetime.date | None = None, end: datetime.date | None = None, days: int = 30
) -> tuple[datetime.datetime, datetime.datetime]:
    """The SLA figures' period [start, end), from midnight in the current time zone: by
    default the ``days`` days up to and including today (the page and the API agree)."""
    end = end or timezone.localdate() + datetime.timedelta(days=1)
    start = start or end - datetime.timedelta(days=days)
    if start >= end:
        raise ValidationFailed(
            _("Empty period"), errors={"start": [_("The period must start before it ends.")]}
        )
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time(0), tzinfo=tz),
        datetime.datetime.combine(end, datetime.time(0), tzinfo=tz),
    )


def sla_adherence(*, start: datetime.datetime, end: datetime.datetime) -> list[SideFigures]:
    """Marketing's MQL volume and acceptance rate, sales' response time and follow-up depth,
    per sales team, for handoffs opened in [start, end).

    The counts come from the database (``sla_counts``); only the follow-up times, which are
    measured in each team's business hours, are worked out here, over the accepted handoffs
    that have a follow-up — read as plain values, not model instances.
    """
    counted = sla_counts(start=start, end=end)
    policies = {c.team_id: c.policy for c in counted}
    in_period = Handoff.objects.filter(opened_at__gte=start, opened_at__lt=end)
    follow_ups: dict[int | None, list[float]] = {}
    follow_on_time: dict[int | None, list[bool]] = {}
    specs: dict[int, CalendarSpec] = {}
    rows = in_period.filter(
        status=HandoffStatus.ACCEPTED, lead__accepted_at__isnull=False, lead__first_follow_up_at__isnull=False
    ).values_list("team_id", "lead__accepted_at", "lead__first_follow_up_at")
    for team_id, accepted_at, followed_at in rows.iterator(chunk_size=5000):
        policy = policies.get(team_id)
        if policy is None or accepted_at is None or followed_at is None:  # (times: never, see filter)
            continue
        spec = specs.get(policy.pk)
        if spec is None:
            spec = specs[policy.pk] = calendar_spec(policy.calendar)
        hours = spec.business_seconds_between(accepted_at, followed_at) / 3600
        follow_ups.setdefault(team_id, []).append(hours)
        follow_on_time.setdefault(team_id, []).append(hours <= float(policy.follow_up_within_hours))
    attempts: dict[int | None, float | None] = dict(
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
        mean_attempts = attempts.get(c.team_id)
        if mean_attempts is not None:
            fig.attempts_before_disqualify = float(mean_attempts)
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
