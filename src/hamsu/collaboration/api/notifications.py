"""My notifications: the list and marking them read."""

from __future__ import annotations

import datetime

from ninja import Schema

from hamsu.collaboration.api.common import router
from hamsu.core import selectors as core_selectors
from hamsu.core.api_kit import ERRORS
from hamsu.core.notify import mark_read
from hamsu.directory.visibility import person_of


class CollaborationNotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class CollaborationReadIn(Schema):
    ids: list[int] | None = None


@router.get("/notifications", response={200: list[CollaborationNotificationOut], **ERRORS})
def list_notifications(request, unread: bool = False):
    return core_selectors.notifications_for(person_of(request.user), unread_only=unread, limit=200)


@router.post("/notifications/read", response={200: dict, **ERRORS})
def read_notifications(request, payload: CollaborationReadIn):
    return {"marked": mark_read(person=person_of(request.user), ids=payload.ids)}
