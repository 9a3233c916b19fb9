"""My follow-up tasks. (My notifications are the one inbox's: ``hamsu.api.notifications``,
which also answers the funnel's old notification paths.)"""

from __future__ import annotations

import datetime

from ninja import Schema

from hamsu.core.api_kit import ERRORS, Id, get_or_404, no_person
from hamsu.directory.visibility import person_of
from hamsu.funnel import selectors
from hamsu.funnel.api.common import router
from hamsu.funnel.models import (
    FollowUpTask,
)
from hamsu.funnel.services import engagement as engagement_services


class TaskOut(Schema):
    id: int
    subject: str
    object_type: str
    object_id: int
    due_at: datetime.datetime | None
    done_at: datetime.datetime | None


def _me(request):
    person = person_of(request.user)
    if person is None:
        raise no_person()
    return person


@router.get("/tasks", response={200: list[TaskOut], **ERRORS})
def my_tasks(request):
    return selectors.my_tasks(user=request.user)


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **ERRORS})
def complete_task(request, task_id: Id):
    task = get_or_404(FollowUpTask, task_id, "task")
    return engagement_services.task_complete(task=task, person=_me(request), via="api")
