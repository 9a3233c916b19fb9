"""My notifications through the API: ``/api/v1/notifications``, the one inbox every app
writes to (``core.Notification``, through ``hamsu.core.notify``) and the bell shows.

The inbox is core's, but whose inbox a login reads comes from the directory
(``hamsu.directory.visibility.person_of``), above core, so the router lives here with the
other routers over core (settings, glossary) rather than in core itself.

Before there was one inbox, the funnel and the collaboration apps each had their own
endpoints over these same rows. Their paths still answer exactly as they did — clients
may rely on them — but they are deprecated in the API document:

- ``/api/v1/together/notifications[/read]``: the same as this one;
- ``/api/v1/funnel/notifications[/read]``: the 50 newest, the row's ``url`` named ``link``,
  no ``unread`` filter, and a 404 when marking read for a login with no directory person.
"""

from __future__ import annotations

import datetime

from ninja import Router, Schema

from hamsu.core import selectors
from hamsu.core.api_kit import ERRORS, Id, no_person
from hamsu.core.notify import mark_read
from hamsu.directory.visibility import person_of

router = Router(tags=["notifications"])
# The deprecated paths, mounted at the API's root (their paths name their old prefixes).
aliases = Router(tags=["notifications"])

LIMIT = 200
FUNNEL_LIMIT = 50


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class FunnelNotificationOut(Schema):
    """The funnel's old shape: the row's ``url`` is called ``link``."""

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


class ReadIn(Schema):
    ids: list[Id] | None = None


class ReadOut(Schema):
    marked: int


@router.get("", response={200: list[NotificationOut], **ERRORS}, summary="My notifications")
def notifications_list(request, unread: bool = False):
    """The newest 200 of my notifications from every app (only the unread ones with
    `unread=true`), newest first."""
    return selectors.notifications_for(person_of(request.user), unread_only=unread, limit=LIMIT)


@router.post("/read", response={200: ReadOut, **ERRORS}, summary="Mark my notifications read")
def notifications_read(request, payload: ReadIn):
    """Marks the given ids read (all my unread notifications without `ids`); someone
    else's ids are ignored. Returns how many changed."""
    return {"marked": mark_read(person=person_of(request.user), ids=payload.ids)}


# ---------------------------------------------------------------- deprecated paths
# Each keeps the operation id it had in its app's router, so generated clients still build.


@aliases.get(
    "/together/notifications",
    response={200: list[NotificationOut], **ERRORS},
    operation_id="hamsu_collaboration_api_list_notifications",
    summary="My notifications (deprecated: use /api/v1/notifications)",
    deprecated=True,
)
def together_notifications_list(request, unread: bool = False):
    return notifications_list(request, unread=unread)


@aliases.post(
    "/together/notifications/read",
    response={200: ReadOut, **ERRORS},
    operation_id="hamsu_collaboration_api_read_notifications",
    summary="Mark my notifications read (deprecated: use /api/v1/notifications/read)",
    deprecated=True,
)
def together_notifications_read(request, payload: ReadIn):
    return notifications_read(request, payload)


@aliases.get(
    "/funnel/notifications",
    response={200: list[FunnelNotificationOut], **ERRORS},
    operation_id="hamsu_funnel_api_my_notifications",
    summary="My notifications, the row's url named link (deprecated: use /api/v1/notifications)",
    deprecated=True,
)
def funnel_notifications_list(request):
    return selectors.notifications_for(person_of(request.user), limit=FUNNEL_LIMIT)


@aliases.post(
    "/funnel/notifications/read",
    response={200: ReadOut, **ERRORS},
    operation_id="hamsu_funnel_api_read_notifications",
    summary="Mark my notifications read (deprecated: use /api/v1/notifications/read)",
    deprecated=True,
)
def funnel_notifications_read(request, payload: ReadIn):
    person = person_of(request.user)
    if person is None:
        raise no_person()
    return {"marked": mark_read(person=person, ids=payload.ids)}
