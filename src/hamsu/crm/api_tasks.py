"""API v1 for tasks and next steps: the same selectors and services as the tasks page."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Router, Schema

from hamsu.core.api_figures import figure
from hamsu.core.api_kit import ERRORS, Id, Int, Problem, get_or_404, no_person, not_found, require_perm
from hamsu.core.api_versions import IfMatch, expected_version, with_etag
from hamsu.crm import services_tasks
from hamsu.crm.models import Activity, ActivityOutcome
from hamsu.crm.selectors_tasks import task_counts
from hamsu.directory.models import Person
from hamsu.directory.visibility import person_of, visible

router = Router(tags=["crm"])
WRITE_ERRORS = {**ERRORS, 412: Problem}


class TaskCountsOut(Schema):
    owner_id: int
    overdue: int = figure("tasks.overdue")
    due_today: int = figure("tasks.due_today")
    upcoming: int = figure("tasks.upcoming")
    no_next_step: int = figure("tasks.no_next_step")
    quiet: int = figure("tasks.quiet")


class TaskDoneIn(Schema):
    outcome: ActivityOutcome = ActivityOutcome.NONE
    note: Annotated[str, Field(max_length=2000)] = ""
    next_subject: Annotated[str, Field(max_length=200)] = ""
    next_due_at: datetime.datetime | None = None


class TaskSnoozeIn(Schema):
    until: datetime.datetime


class TaskDoneOut(Schema):
    done: ActivityRef
    next_step: ActivityRef | None


class ActivityRef(Schema):
    id: int
    subject: str
    due_at: datetime.datetime | None
    done_at: datetime.datetime | None
    version: int


TaskDoneOut.model_rebuild()


def _task(request, activity_id: int) -> Activity:
    task = visible(Activity.objects.all(), request.user).filter(pk=activity_id).first()
    if task is None:
        raise not_found(Activity, activity_id, "activity_id")
    return task


@router.get("/tasks/summary", response={200: TaskCountsOut, **ERRORS})
def task_summary(request, owner: Int | None = None):
    """The tasks page's figures for one person (yourself unless ``owner`` is given)."""
    require_perm(request, "crm.view_activity")
    person = get_or_404(Person, owner, "owner") if owner else person_of(request.user)
    if person is None:
        raise no_person("owner")
    return {"owner_id": person.pk, **task_counts(user=request.user, owner=person)}


@router.post("/activities/{activity_id}/done", response={200: TaskDoneOut, **WRITE_ERRORS})
def task_done(
    request, response: HttpResponse, activity_id: Id, payload: TaskDoneIn, if_match: IfMatch = None
):
    """Mark a task done and, optionally, plan the next step in the same transaction."""
    require_perm(request, "crm.change_activity")
    done, following = services_tasks.task_complete(
        activity=_task(request, activity_id),
        actor=request.user,
        outcome=payload.outcome,
        note=payload.note,
        next_subject=payload.next_subject,
        next_due_at=payload.next_due_at,
        expected_version=expected_version(if_match),
        via="api",
    )
    with_etag(response, done)
    return {"done": done, "next_step": following}


@router.post("/activities/{activity_id}/snooze", response={200: ActivityRef, **WRITE_ERRORS})
def task_snooze(
    request, response: HttpResponse, activity_id: Id, payload: TaskSnoozeIn, if_match: IfMatch = None
):
    """Put a task off until a later time; its reminder goes out again then."""
    require_perm(request, "crm.change_activity")
    task = services_tasks.task_snooze(
        activity=_task(request, activity_id),
        actor=request.user,
        until=payload.until,
        expected_version=expected_version(if_match),
        via="api",
    )
    return with_etag(response, task)
