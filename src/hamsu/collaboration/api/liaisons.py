"""Marketing liaisons of sales teams: assigning, ending, a liaison's page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema, Status

from hamsu.collaboration import selectors, services
from hamsu.collaboration.api.common import MeetingOut, NoteOut, router
from hamsu.collaboration.models import LiaisonAssignment
from hamsu.core.api_figures import figure
from hamsu.core.api_kit import ERRORS, Id, base_currency_field, get_or_404, require_perm
from hamsu.directory.models import Person, Team


class LiaisonOut(Schema):
    id: int
    liaison_id: int
    team_id: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    note: str


class LiaisonIn(Schema):
    liaison_id: Id
    team_id: Id
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    note: Annotated[str, Field(max_length=300)] = ""


class EndIn(Schema):
    ends_on: datetime.date | None = None


class AccountRankOut(Schema):
    id: int
    name: str
    won: Decimal | None = figure("together.account_revenue", default=None)
    pipeline: Decimal | None = figure("together.account_revenue", default=None)


class LiaisonPageOut(Schema):
    liaison_id: int
    teams: list[LiaisonOut]
    key_accounts: list[AccountRankOut]
    base_currency: str = base_currency_field()
    open_feedback: list[NoteOut]
    upcoming_meetings: list[MeetingOut]


@router.get("/liaisons", response={200: list[LiaisonOut], **ERRORS})
def list_liaisons(request):
    require_perm(request, "collaboration.view_liaisonassignment")
    return selectors.liaison_list()


@router.post("/liaisons", response={201: LiaisonOut, **ERRORS})
def assign_liaison(request, payload: LiaisonIn):
    require_perm(request, "collaboration.add_liaisonassignment")
    return Status(
        201,
        services.liaison_assign(
            actor=request.user,
            liaison=get_or_404(Person, payload.liaison_id, "liaison_id"),
            team=get_or_404(Team, payload.team_id, "team_id"),
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            note=payload.note,
            via="api",
        ),
    )


@router.post("/liaisons/{assignment_id}/end", response={200: LiaisonOut, **ERRORS})
def end_liaison(request, assignment_id: Id, payload: EndIn):
    require_perm(request, "collaboration.change_liaisonassignment")
    assignment = get_or_404(LiaisonAssignment, assignment_id, "assignment")
    return services.liaison_end(assignment=assignment, actor=request.user, ends_on=payload.ends_on, via="api")


@router.get("/liaisons/person/{person_id}", response={200: LiaisonPageOut, **ERRORS})
def liaison_page(request, person_id: Id):
    require_perm(request, "collaboration.view_liaisonassignment")
    page = selectors.liaison_page(user=request.user, liaison=get_or_404(Person, person_id, "person"))
    return {
        "liaison_id": page.liaison.pk,
        "teams": page.assignments,
        "key_accounts": page.key_accounts,
        "open_feedback": page.open_feedback,
        "upcoming_meetings": page.upcoming_meetings,
    }
