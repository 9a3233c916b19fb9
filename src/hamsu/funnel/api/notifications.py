"""My notifications (the shared inbox's older twin) and my follow-up tasks."""

from __future__ import annotations

import datetime

from ninja import Schema

from hamsu.core import selectors as core_selectors
from hamsu.core.api_kit import ERRORS, get_or_404
from hamsu.core.errors import NotFound
from hamsu.core.notify import mark_read
from hamsu.directory.visibility import person_of
from hamsu.funnel import selectors
from hamsu.funnel.api.common import router
from hamsu.funnel.models import (
    FollowUpTask,
)
from hamsu.funnel.services import engagement as engagement_services


class FunnelNotificationOut(Schema):
    """The shared inbox's rows (``/together/notifications`` lists the same ones); this
    older twin calls the row's ``url`` ``link``, as it always has."""

    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_link(obj) -> str:
        return obj.url


class TaskOut(Schema):
    id: int
    subject: str
    object_type: str
    object_id: int
    due_at: datetime.datetime | None
    done_at: datetime.datetime | None


class FunnelReadIn(Schema):
    ids: list[int] | None = None


def _me(request):
    person = person_of(request.user)
    if person is None:
        raise NotFound("No person", errors={"user": ["This login has no directory person."]})
    return person


@router.get("/notifications", response={200: list[FunnelNotificationOut], **ERRORS})
def my_notifications(request):
    return core_selectors.notifications_for(person_of(request.user), limit=50)


@router.post("/notifications/read", response={200: dict, **ERRORS})
def read_notifications(request, payload: FunnelReadIn):
    return {"marked": mark_read(person=_me(request), ids=payload.ids)}


@router.get("/tasks", response={200: list[TaskOut], **ERRORS})
def my_tasks(request):
    return selectors.my_tasks(user=request.user)


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **ERRORS})
def complete_task(request, task_id: int):
    task = get_or_404(FollowUpTask, task_id, "task")
    return engagement_services.task_complete(task=task, person=_me(request), via="api")
