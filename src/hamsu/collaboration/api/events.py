"""Joint events and rotations between the teams."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema, Status

from hamsu.collaboration import selectors, services
from hamsu.collaboration.api.common import many, router
from hamsu.collaboration.models import AssignmentKind, EventKind
from hamsu.core.api_kit import ERRORS, Id, get_or_404, require_perm
from hamsu.directory.models import Person, Team


class EventIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    kind: EventKind
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: Annotated[str, Field(max_length=200)] = ""
    description: Annotated[str, Field(max_length=10_000)] = ""
    participant_ids: list[Id]


class EventOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    description: str
    organiser_id: int
    participant_ids: list[int]

    @staticmethod
    def resolve_participant_ids(obj) -> list[int]:
        return [p.pk for p in obj.participants.all()]


class AssignmentIn(Schema):
    person_id: Id
    kind: AssignmentKind
    host_team_id: Id | None = None
    description: Annotated[str, Field(min_length=1, max_length=300)]
    starts_on: datetime.date
    ends_on: datetime.date | None = None


class CollaborationAssignmentOut(Schema):
    id: int
    person_id: int
    kind: str
    host_team_id: int | None
    description: str
    starts_on: datetime.date
    ends_on: datetime.date | None


@router.get("/events", response={200: list[EventOut], **ERRORS})
def list_events(request, start: datetime.date | None = None, end: datetime.date | None = None):
    require_perm(request, "collaboration.view_jointevent")
    now = timezone.now()
    low = (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
        if start
        else now - datetime.timedelta(days=30)
    )
    high = (
        datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC)
        if end
        else now + datetime.timedelta(days=365)
    )
    return selectors.events_between(low, high)


@router.post("/events", response={201: EventOut, **ERRORS})
def create_event(request, payload: EventIn):
    require_perm(request, "collaboration.add_jointevent")
    data = payload.dict()
    return Status(
        201,
        services.joint_event_create(
            actor=request.user,
            participants=many(Person, data.pop("participant_ids"), "participant_ids"),
            via="api",
            **data,
        ),
    )


@router.get("/assignments", response={200: list[CollaborationAssignmentOut], **ERRORS})
def list_assignments(request):
    require_perm(request, "collaboration.view_jointassignment")
    return selectors.assignments_list()


@router.post("/assignments", response={201: CollaborationAssignmentOut, **ERRORS})
def create_assignment(request, payload: AssignmentIn):
    require_perm(request, "collaboration.add_jointassignment")
    return Status(
        201,
        services.joint_assignment_create(
            actor=request.user,
            person=get_or_404(Person, payload.person_id, "person_id"),
            kind=payload.kind,
            host_team=get_or_404(Team, payload.host_team_id, "host_team_id"),
            description=payload.description,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            via="api",
        ),
    )
