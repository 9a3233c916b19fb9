"""What a seller has to do: open tasks by when they are due, and the open deals that
have no next step or have gone quiet. Glossary: ``tasks.*`` (hamsu.crm.glossary).

Definitions (one place, the pages and the API read them from here):
- an **open task** is an activity with a due time and no done time;
- it is **overdue** when its due time is before the start of today (company time zone),
  **due today** when it falls within today, **upcoming** within the next seven days;
- an open deal **has no next step** when none of its activities is an open task;
- an open deal **has gone quiet** when neither an activity happened on it nor its stage
  changed in the last ``QUIET_DAYS`` days."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hamsu.crm.models import Activity, Opportunity
from hamsu.crm.stages import OPEN_STAGES
from hamsu.directory.visibility import visible

QUIET_DAYS = 14
LIST_LIMIT = 50  # rows a list shows; its count above it is the whole
UPCOMING_DAYS = 7
OPEN_TASK = Q(due_at__isnull=False, done_at__isnull=True)
# What happened (logged activities and done tasks): timelines and counts of activity.
HAPPENED = Q(due_at__isnull=True) | Q(done_at__isnull=False)


@dataclass(frozen=True)
class Today:
    """The bounds of the company's today, as aware datetimes."""

    start: datetime.datetime
    end: datetime.datetime

    @classmethod
    def at(cls, now: datetime.datetime | None = None) -> Today:
        local = timezone.localtime(now or timezone.now())
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return cls(start=start, end=start + datetime.timedelta(days=1))


@dataclass(frozen=True)
class TaskBuckets:
    overdue: list[Activity]
    today: list[Activity]
    upcoming: list[Activity]


def open_tasks(*, user, owner=None) -> QuerySet[Activity]:
    """Open tasks the user may see, soonest first (optionally one owner's)."""
    qs = visible(Activity.objects.filter(OPEN_TASK), user)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.select_related("opportunity", "account", "contact", "owner").order_by("due_at", "id")


def _bucket_filters(now: datetime.datetime | None) -> dict[str, Q]:
    today = Today.at(now)
    horizon = today.end + datetime.timedelta(days=UPCOMING_DAYS)
    return {
        "overdue": Q(due_at__lt=today.start),
        "due_today": Q(due_at__gte=today.start, due_at__lt=today.end),
        "upcoming": Q(due_at__gte=today.end, due_at__lt=horizon),
    }


def task_buckets(
    *, user, owner, now: datetime.datetime | None = None, limit: int = LIST_LIMIT
) -> TaskBuckets:
    tasks = open_tasks(user=user, owner=owner)
    where = _bucket_filters(now)
    return TaskBuckets(
        overdue=list(tasks.filter(where["overdue"])[:limit]),
        today=list(tasks.filter(where["due_today"])[:limit]),
        upcoming=list(tasks.filter(where["upcoming"])[:limit]),
    )


def tasks_due_now(
    *, user, owner, now: datetime.datetime | None = None, limit: int = LIST_LIMIT
) -> list[Activity]:
    """The owner's overdue tasks, then today's, soonest first: what to do before anything
    else (the ``overdue`` and ``due_today`` buckets together, in one query)."""
    today = Today.at(now)
    return list(open_tasks(user=user, owner=owner).filter(due_at__lt=today.end)[:limit])


def task_counts(*, user, owner, now: datetime.datetime | None = None) -> dict[str, int]:
    """The glossary's ``tasks.*`` figures for one person, in two queries."""
    where = _bucket_filters(now)
    tasks = visible(Activity.objects.filter(OPEN_TASK, owner=owner), user)
    counts = tasks.aggregate(**{name: Count("id", filter=q) for name, q in where.items()})
    deals = _open_deals(user=user, owner=owner)
    has_next = Exists(Activity.objects.filter(OPEN_TASK, opportunity=OuterRef("pk")))
    since = (now or timezone.now()) - datetime.timedelta(days=QUIET_DAYS)
    recent = Exists(Activity.objects.filter(HAPPENED, opportunity=OuterRef("pk"), occurred_at__gte=since))
    counts |= deals.aggregate(
        no_next_step=Count("id", filter=~Q(has_next)),
        quiet=Count("id", filter=Q(stage_changed_at__lt=since) & ~Q(recent)),
    )
    return counts


def _open_deals(*, user, owner) -> QuerySet[Opportunity]:
    qs = visible(Opportunity.objects.filter(stage__in=OPEN_STAGES), user)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs


def deals_without_next_step(*, user, owner=None) -> QuerySet[Opportunity]:
    has_next = Activity.objects.filter(OPEN_TASK, opportunity=OuterRef("pk"))
    return (
        _open_deals(user=user, owner=owner)
        .filter(~Exists(has_next))
        .select_related("account")
        .order_by("expected_close", "id")
    )


def quiet_deals(*, user, owner=None, now: datetime.datetime | None = None) -> QuerySet[Opportunity]:
    since = (now or timezone.now()) - datetime.timedelta(days=QUIET_DAYS)
    recent = Activity.objects.filter(HAPPENED, opportunity=OuterRef("pk"), occurred_at__gte=since)
    return (
        _open_deals(user=user, owner=owner)
        .filter(stage_changed_at__lt=since)
        .filter(~Exists(recent))
        .select_related("account")
        .order_by("stage_changed_at", "id")
    )


def next_step_of(opportunity: Opportunity) -> Activity | None:
    """The deal's next step: its soonest open task."""
    return opportunity.activities.filter(OPEN_TASK).select_related("owner").order_by("due_at", "id").first()
