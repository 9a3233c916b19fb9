"""Tasks and next steps: planned activities that someone marks done or puts off.

A task is an :class:`~hamsu.crm.models.Activity` with a due time (``due_at``) and no done
time yet. Marking it done records when and how it went, and may plan the next step in
the same transaction, so a deal never loses its thread between the two. The clock's
reminder job tells the owner once when a task comes due (notification and e-mail)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, notify, versioning
from hamsu.core.errors import ValidationFailed
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.crm.models import Activity
from hamsu.crm.services import _require_visible, activity_create

# How long before its due time a task's reminder goes out.
REMIND_AHEAD = datetime.timedelta(minutes=15)


def _require_open(activity: Activity) -> None:
    if activity.due_at is None:
        raise ValidationFailed(
            _("Only a planned activity can be done or put off."), errors={"due_at": [_("Not a task.")]}
        )
    if activity.done_at is not None:
        raise ValidationFailed(_("This task is already done."), errors={"done_at": [_("Done already.")]})


@versioning.atomic_write
def task_complete(
    *,
    activity: Activity,
    actor,
    outcome: str = "",
    note: str = "",
    next_subject: str = "",
    next_due_at: datetime.datetime | None = None,
    next_kind: str = "",
    expected_version: int | None = None,
    via: str = "",
) -> tuple[Activity, Activity | None]:
    """Mark a task done (now) and, when a next step is given, plan it on the same record.

    Returns the done task and the next step (or None). A next step needs both a subject
    and a due time: half of one is a field error, not a silent drop."""
    _require_visible(activity, actor, "activity")
    activity = versioning.lock(activity)
    versioning.check(activity, expected=expected_version, data={}, strict=True)
    _require_open(activity)
    errors: dict[str, list[str]] = {}
    next_subject = (next_subject or "").strip()
    if next_subject and next_due_at is None:
        errors["next_due_at"] = [_("Give the next step a due date.")]
    if next_due_at is not None and not next_subject:
        errors["next_subject"] = [_("Say what the next step is.")]
    check_date_range("next_due_at", next_due_at, errors)
    raise_if(errors)
    before = audit.snapshot(activity)
    now = timezone.now()
    activity.done_at = now
    activity.occurred_at = now
    if outcome:
        activity.outcome = outcome
    if note:
        activity.body = f"{activity.body}\n\n{note}".strip() if activity.body else note
    full_clean(activity)
    versioning.bump(activity)
    activity.save()
    audit.record(
        actor=actor,
        action="update",
        instance=activity,
        changes=audit.diff(before, audit.snapshot(activity)),
        via=via,
    )
    following = None
    if next_subject:
        following = activity_create(
            actor=actor,
            owner=activity.owner,
            kind=next_kind or activity.kind,
            subject=next_subject,
            due_at=next_due_at,
            account=activity.account,
            contact=activity.contact,
            opportunity=activity.opportunity,
            via=via,
        )
    return activity, following


@versioning.atomic_write
def task_snooze(
    *,
    activity: Activity,
    actor,
    until: datetime.datetime,
    expected_version: int | None = None,
    via: str = "",
) -> Activity:
    """Put a task off to ``until``; its reminder goes out again when the new time comes."""
    _require_visible(activity, actor, "activity")
    activity = versioning.lock(activity)
    versioning.check(activity, expected=expected_version, data={"due_at": until}, strict=True)
    _require_open(activity)
    errors: dict[str, list[str]] = {}
    if until is None:
        errors["until"] = [_("Say until when.")]
    else:
        check_date_range("until", until, errors)
        if not errors and until <= timezone.now():
            errors["until"] = [_("Put it off to a time that has not passed yet.")]
    raise_if(errors)
    before = audit.snapshot(activity)
    activity.due_at = until
    activity.reminded_at = None
    versioning.bump(activity)
    activity.save(update_fields=["due_at", "reminded_at", "version"])
    audit.record(
        actor=actor,
        action="update",
        instance=activity,
        changes=audit.diff(before, audit.snapshot(activity)),
        via=via,
    )
    return activity


def tasks_remind(*, now: datetime.datetime | None = None) -> int:
    """Tell each owner once about every open task that is due within REMIND_AHEAD.

    Claims the tasks with a conditional UPDATE (reminded_at still empty), so two clocks
    never remind twice; returns how many reminders went out."""
    now = now or timezone.now()
    due = Activity.objects.filter(
        due_at__isnull=False, done_at__isnull=True, reminded_at__isnull=True, due_at__lte=now + REMIND_AHEAD
    ).select_related("owner", "opportunity", "account")
    sent = 0
    for task in due.iterator(chunk_size=500):
        with transaction.atomic():
            claimed = Activity.objects.filter(pk=task.pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            notify.notify(
                recipients=[task.owner],
                kind="task_due",
                title=_("Due %(when)s: %(subject)s")
                % {"when": versioning.display(task.due_at), "subject": task.subject},
                body=str(task.opportunity or task.account or ""),
                url=_task_url(task),
            )
            sent += 1
    return sent


def _task_url(task: Activity) -> str:
    if task.opportunity_id:
        return reverse("crm:opportunity", args=[task.opportunity_id])
    return reverse("crm:tasks")
