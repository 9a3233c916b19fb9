"""API v1 for activities: list and record."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import (
    ERRORS,
    Id,
    Int,
    Limit,
    get_or_404,
    require_perm,
)
from hamsu.core.errors import NotFound
from hamsu.crm import selectors, services
from hamsu.crm.api.common import VERSION_DOC, PageOf, router
from hamsu.crm.models import (
    Account,
    ActivityKind,
    ActivityOutcome,
    Contact,
    Opportunity,
)
from hamsu.directory.models import Person
from hamsu.directory.visibility import person_of


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    outcome: str
    occurred_at: datetime.datetime
    due_at: datetime.datetime | None = stored(
        "When a planned activity (a task) is due; null when logged.", default=None
    )
    done_at: datetime.datetime | None = stored(
        "When the task was marked done; null while open.", default=None
    )
    account_id: int | None
    contact_id: int | None
    opportunity_id: int | None
    owner_id: int
    version: Annotated[int, Field(description=VERSION_DOC)]


class ActivityIn(Schema):
    kind: ActivityKind
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    body: Annotated[str, Field(max_length=20_000)] = ""
    outcome: ActivityOutcome = ActivityOutcome.NONE
    occurred_at: datetime.datetime | None = None
    due_at: datetime.datetime | None = Field(
        None, description="Plan it instead of logging it: a task, open until marked done."
    )
    account_id: Id | None = None
    contact_id: Id | None = None
    opportunity_id: Id | None = None
    owner_id: Id | None = None
    participant_ids: list[Id] = []


class ActivityPage(PageOf):
    items: list[ActivityOut]


@router.get("/activities", response={200: ActivityPage, **ERRORS})
def list_activities(
    request,
    opportunity: Int | None = None,
    account: Int | None = None,
    contact: Int | None = None,
    cursor: str | None = None,
    limit: Limit = 50,
):
    require_perm(request, "crm.view_activity")
    page = selectors.activity_list(
        user=request.user,
        opportunity=opportunity,
        account=account,
        contact=contact,
        cursor=cursor,
        limit=limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/activities", response={201: ActivityOut, **ERRORS})
def create_activity(request, payload: ActivityIn):
    require_perm(request, "crm.add_activity")
    owner = get_or_404(Person, payload.owner_id, "owner") if payload.owner_id else person_of(request.user)
    if owner is None:
        raise NotFound(
            _("No owner"), errors={"owner_id": [_("Give owner_id: this login has no directory person.")]}
        )
    participants = [get_or_404(Person, pk, "participant_ids") for pk in payload.participant_ids]
    activity = services.activity_create(
        actor=request.user,
        owner=owner,
        kind=payload.kind,
        subject=payload.subject,
        body=payload.body,
        outcome=payload.outcome,
        occurred_at=payload.occurred_at,
        due_at=payload.due_at,
        account=get_or_404(Account, payload.account_id, "account_id"),
        contact=get_or_404(Contact, payload.contact_id, "contact_id"),
        opportunity=get_or_404(Opportunity, payload.opportunity_id, "opportunity_id"),
        participants=participants,
        via="api",
    )
    return 201, activity
