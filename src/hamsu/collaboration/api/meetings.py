"""Joint meetings and series: agendas, minutes, decisions, action items and the
iCalendar feeds."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Schema, Status

from hamsu.collaboration import calendar_feed, ical, selectors, services
from hamsu.collaboration.api.common import MeetingOut, Title, many, router
from hamsu.collaboration.models import (
    ActionItem,
    ActionStatus,
    Cadence,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)
from hamsu.core import versioning
from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, get_or_404, not_found, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.core.validation import max_length_of
from hamsu.directory.models import Person, Team
from hamsu.directory.visibility import person_of

# A meeting's title, as long as the model keeps it (not the 300 of an action's title).
MeetingTitle = Annotated[str, Field(min_length=1, max_length=max_length_of(Meeting, "title"))]


class MeetingIn(Schema):
    title: MeetingTitle
    starts_at: datetime.datetime
    duration_minutes: Annotated[int, Field(ge=15, le=480)] = 60
    location: Annotated[str, Field(max_length=200)] = ""
    attendee_ids: list[Id] = []


class SeriesIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=max_length_of(MeetingSeries, "title"))]
    cadence: Cadence
    first_at: datetime.datetime
    team_id: Id | None = None
    member_ids: list[Id] = []
    duration_minutes: Annotated[int, Field(ge=15, le=480)] = 60
    location: Annotated[str, Field(max_length=200)] = ""
    occurrences: Annotated[int, Field(ge=1, le=24)] = 4


class SeriesOut(Schema):
    id: int
    title: str
    cadence: str
    team_id: int | None
    organiser_id: int
    first_at: datetime.datetime
    meeting_ids: list[int]

    @staticmethod
    def resolve_meeting_ids(obj) -> list[int]:
        return list(obj.meetings.order_by("starts_at").values_list("pk", flat=True))


class DecisionOut(Schema):
    id: int
    text: str
    created_at: datetime.datetime


class ActionOut(Schema):
    id: int
    meeting_id: int
    title: str
    owner_id: int
    due_on: datetime.date
    status: str
    carried_count: int = stored()
    last_meeting_id: int | None
    version: Annotated[int, Field(description=VERSION_DOC)]


class MeetingDetailOut(MeetingOut):
    minutes: str
    agenda: dict = stored()
    agenda_generated_at: datetime.datetime | None
    attendee_ids: list[int]
    decisions: list[DecisionOut]
    action_items: list[ActionOut]
    carried_items: list[ActionOut]
    version: Annotated[int, Field(description=VERSION_DOC)]


class MeetingPatch(Patch):
    for_model = Meeting

    minutes: Annotated[str, Field(max_length=50_000)] | None = None
    status: MeetingStatus | None = None


class MeetingDecisionIn(Schema):
    text: Annotated[str, Field(min_length=1, max_length=500)]


class ActionIn(Schema):
    title: Title
    owner_id: Id
    due_on: datetime.date


class ActionPatch(Patch):
    for_model = ActionItem

    status: ActionStatus | None = None
    due_on: datetime.date | None = None
    owner_id: Id | None = None


def _meeting(request, meeting_id: Id):
    meeting = selectors.meeting_detail(user=request.user, pk=meeting_id)
    if meeting is None:
        raise not_found(Meeting, meeting_id, "meeting")
    return meeting


def _meeting_out(meeting) -> dict:
    items = selectors.meeting_items(meeting)
    return {
        **{
            f: getattr(meeting, f)
            for f in ("id", "series_id", "title", "starts_at", "duration_minutes", "location")
        },
        "status": meeting.status,
        "minutes": meeting.minutes,
        "agenda": meeting.agenda,
        "agenda_generated_at": meeting.agenda_generated_at,
        "version": meeting.version,
        "attendee_ids": [p.pk for p in items["attendees"]],
        "decisions": items["decisions"],
        "action_items": items["action_items"],
        "carried_items": items["carried"],
    }


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS})
def list_meetings(request, upcoming: bool | None = None, limit: Annotated[int, Field(ge=1, le=500)] = 100):
    require_perm(request, "collaboration.view_meeting")
    return list(selectors.meetings_for(request.user, upcoming=upcoming).order_by("-starts_at")[:limit])


@router.post("/meetings", response={201: MeetingDetailOut, **ERRORS})
def create_meeting(request, payload: MeetingIn):
    require_perm(request, "collaboration.add_meeting")
    meeting = services.meeting_create(
        actor=request.user,
        title=payload.title,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
        attendees=many(Person, payload.attendee_ids, "attendee_ids"),
        via="api",
    )
    return Status(201, _meeting_out(meeting))


@router.post("/meeting-series", response={201: SeriesOut, **ERRORS})
def create_series(request, payload: SeriesIn):
    require_perm(request, "collaboration.add_meetingseries")
    return Status(
        201,
        services.meeting_series_create(
            actor=request.user,
            title=payload.title,
            cadence=payload.cadence,
            first_at=payload.first_at,
            team=get_or_404(Team, payload.team_id, "team_id"),
            members=many(Person, payload.member_ids, "member_ids"),
            duration_minutes=payload.duration_minutes,
            location=payload.location,
            occurrences=payload.occurrences,
            via="api",
        ),
    )


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def get_meeting(request, response: HttpResponse, meeting_id: Id):
    require_perm(request, "collaboration.view_meeting")
    meeting = _meeting(request, meeting_id)
    response["ETag"] = versioning.etag(meeting)
    return _meeting_out(meeting)


@router.patch("/meetings/{meeting_id}", response={200: MeetingDetailOut, **WRITE_ERRORS})
def update_meeting(
    request, response: HttpResponse, meeting_id: Id, payload: MeetingPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "collaboration.change_meeting")
    meeting = services.meeting_record(
        meeting=_meeting(request, meeting_id),
        actor=request.user,
        minutes=payload.minutes,
        status=payload.status,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
    )
    response["ETag"] = versioning.etag(meeting)
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/agenda", response={200: MeetingDetailOut, **ERRORS})
def generate_agenda(request, meeting_id: Id):
    require_perm(request, "collaboration.change_meeting")
    meeting = services.meeting_generate_agenda(
        meeting=_meeting(request, meeting_id), actor=request.user, via="api"
    )
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/decisions", response={201: DecisionOut, **ERRORS})
def add_decision(request, meeting_id: Id, payload: MeetingDecisionIn):
    require_perm(request, "collaboration.change_meeting")
    return Status(
        201,
        services.decision_add(
            meeting=_meeting(request, meeting_id), actor=request.user, text=payload.text, via="api"
        ),
    )


@router.post("/meetings/{meeting_id}/action-items", response={201: ActionOut, **ERRORS})
def add_action(request, meeting_id: Id, payload: ActionIn):
    require_perm(request, "collaboration.add_actionitem")
    return Status(
        201,
        services.action_item_create(
            meeting=_meeting(request, meeting_id),
            actor=request.user,
            title=payload.title,
            owner=get_or_404(Person, payload.owner_id, "owner_id"),
            due_on=payload.due_on,
            via="api",
        ),
    )


@router.get("/action-items", response={200: list[ActionOut], **ERRORS})
def my_actions(request):
    return selectors.my_action_items(person_of(request.user))


def _action_item(request, item_id: Id) -> ActionItem:
    """The action item, if the caller sees its meeting or owns it."""
    item = get_or_404(ActionItem, item_id, "action_item")
    if selectors.meeting_detail(user=request.user, pk=item.meeting_id) is None and item.owner != person_of(
        request.user
    ):
        raise not_found(ActionItem, item_id, "action_item")
    return item


@router.get("/action-items/{item_id}", response={200: ActionOut, **ERRORS})
def get_action(request, response: HttpResponse, item_id: Id):
    require_perm(request, "collaboration.view_actionitem")
    return with_etag(response, _action_item(request, item_id))


@router.patch("/action-items/{item_id}", response={200: ActionOut, **WRITE_ERRORS})
def update_action(
    request, response: HttpResponse, item_id: Id, payload: ActionPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "collaboration.change_actionitem")
    item = services.action_item_update(
        item=_action_item(request, item_id),
        actor=request.user,
        status=payload.status,
        due_on=payload.due_on,
        owner=get_or_404(Person, payload.owner_id, "owner_id"),
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
    )
    return with_etag(response, item)


def _calendar_response(items, name: str) -> HttpResponse:
    return HttpResponse(ical.calendar(items, name=name), content_type="text/calendar; charset=utf-8")


# The feeds are iCalendar text, not JSON: documented as such so clients parse them right.
ICALENDAR = {
    "responses": {
        200: {
            "description": "An iCalendar (RFC 5545) feed.",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        }
    }
}


@router.get("/meetings/{meeting_id}/ics", response={200: None, **ERRORS}, openapi_extra=ICALENDAR)
def meeting_ics(request, meeting_id: Id):
    """The meeting as an iCalendar (RFC 5545) file."""
    require_perm(request, "collaboration.view_meeting")
    meeting = _meeting(request, meeting_id)
    return _calendar_response([calendar_feed.meeting_calendar_item(request, meeting)], meeting.title)


@router.get("/calendar.ics", response={200: None, **ERRORS}, openapi_extra=ICALENDAR)
def my_calendar(request):
    """My meetings, action-item due dates and joint events as one iCalendar feed."""
    require_perm(request, "collaboration.view_meeting")
    return _calendar_response(calendar_feed.calendar_items(request), "Hamsu")
