"""API v1 for opportunities: list, create, read and change, move a stage, the stage
events and the participants."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Query, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import (
    ERRORS,
    Currency,
    Id,
    Int,
    Limit,
    Money,
    base_currency_field,
    get_or_404,
    not_found,
    require_perm,
)
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import IfMatch, expected_version, with_etag
from hamsu.core.pagination import keyset_page
from hamsu.crm import selectors, services
from hamsu.crm.api.common import VERSION_DOC, WRITE_ERRORS, PageOf, fk_data, router
from hamsu.crm.models import (
    DealRole,
    Opportunity,
    Source,
)
from hamsu.crm.stages import Stage
from hamsu.directory.models import Person


class OpportunityOut(Schema):
    id: int
    name: str
    account_id: int
    owner_id: int
    team_id: int | None
    stage: str
    probability: int = stored()
    amount: Decimal = stored()
    currency: str
    amount_base: Decimal = stored()
    gross_profit: Decimal = stored()
    base_currency: str = base_currency_field()
    product_id: int | None
    quantity: int = stored()
    segment_id: int | None
    source: str
    expected_close: datetime.date
    closed_at: datetime.datetime | None
    created_at: datetime.datetime
    version: Annotated[int, Field(description=VERSION_DOC)]


class OpportunityIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    account_id: Id
    owner_id: Id
    amount: Money
    currency: Currency
    expected_close: datetime.date
    stage: Stage = Stage.PROSPECTING
    product_id: Id | None = None
    quantity: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    source: Source = Source.SALES
    external_id: Annotated[str, Field(max_length=100)] = ""


class OpportunityPatch(Patch):
    for_model = Opportunity

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    owner_id: Id | None = None
    amount: Money | None = None
    currency: Currency | None = None
    expected_close: datetime.date | None = None
    product_id: Id | None = None
    quantity: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    source: Source | None = None


class StageChangeIn(Schema):
    stage: Stage
    reason: Annotated[str, Field(max_length=300)] = ""
    from_stage: Stage | None = Field(
        None,
        description="The stage you saw the deal in; when it has moved since, 412 and nothing is written.",
    )


class DealStageEventOut(Schema):
    id: int
    opportunity_id: int | None
    from_stage: str
    to_stage: str
    at: datetime.datetime
    actor_id: int | None
    reason: str


class ParticipantIn(Schema):
    person_id: Id
    role: DealRole


class OpportunityPage(PageOf):
    items: list[OpportunityOut]


class StageEventPage(PageOf):
    items: list[DealStageEventOut]


class OpportunityQuery(Schema):
    q: str = ""
    stage: Stage | None = None
    owner: Int | None = None
    team: Int | None = None
    segment: Int | None = None
    account: Int | None = None
    source: Source | None = None
    open: bool = False
    sort: str = "-created"
    cursor: str | None = None
    limit: Limit = 50


@router.get("/opportunities", response={200: OpportunityPage, **ERRORS})
def list_opportunities(request, query: Query[OpportunityQuery]):
    require_perm(request, "crm.view_opportunity")
    filters = selectors.OpportunityFilters(
        q=query.q,
        stage=query.stage or "",
        owner=query.owner,
        team=query.team,
        segment=query.segment,
        account=query.account,
        source=query.source or "",
        open_only=query.open,
    )
    page = selectors.opportunity_list(
        user=request.user, filters=filters, sort=query.sort, cursor=query.cursor, limit=query.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/opportunities", response={201: OpportunityOut, **ERRORS})
def create_opportunity(request, payload: OpportunityIn):
    require_perm(request, "crm.add_opportunity")
    data = fk_data(payload.dict())
    return 201, services.opportunity_create(actor=request.user, via="api", **data)


@router.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS})
def get_opportunity(request, response: HttpResponse, opportunity_id: Id):
    require_perm(request, "crm.view_opportunity")
    opportunity = selectors.opportunity_detail(user=request.user, pk=opportunity_id)
    if opportunity is None:
        raise not_found(Opportunity, opportunity_id, "opportunity_id")
    return with_etag(response, opportunity)


@router.patch("/opportunities/{opportunity_id}", response={200: OpportunityOut, **WRITE_ERRORS})
def update_opportunity(
    request, response: HttpResponse, opportunity_id: Id, payload: OpportunityPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "crm.change_opportunity")
    opportunity = selectors.opportunity_detail(user=request.user, pk=opportunity_id)
    if opportunity is None:
        raise not_found(Opportunity, opportunity_id, "opportunity_id")
    opportunity = services.opportunity_update(
        opportunity=opportunity,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **fk_data(payload.dict(exclude_unset=True)),
    )
    return with_etag(response, opportunity)


@router.post("/opportunities/{opportunity_id}/stage", response={200: OpportunityOut, **WRITE_ERRORS})
def change_stage(
    request, response: HttpResponse, opportunity_id: Id, payload: StageChangeIn, if_match: IfMatch = None
):
    require_perm(request, "crm.change_opportunity")
    opportunity = selectors.opportunity_detail(user=request.user, pk=opportunity_id)
    if opportunity is None:
        raise not_found(Opportunity, opportunity_id, "opportunity_id")
    opportunity = services.opportunity_move_stage(
        opportunity=opportunity,
        to_stage=payload.stage,
        reason=payload.reason,
        from_stage=payload.from_stage,
        expected_version=expected_version(if_match),
        actor=request.user,
        via="api",
    )
    return with_etag(response, opportunity)


@router.get("/opportunities/{opportunity_id}/stage-events", response={200: StageEventPage, **ERRORS})
def list_stage_events(request, opportunity_id: Id, cursor: str | None = None, limit: Limit = 50):
    require_perm(request, "crm.view_opportunity")
    opportunity = selectors.opportunity_detail(user=request.user, pk=opportunity_id)
    if opportunity is None:
        raise not_found(Opportunity, opportunity_id, "opportunity_id")
    page = keyset_page(
        opportunity.stage_events.all(), sort="at", allowed={"at": "at"}, cursor=cursor, limit=limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/opportunities/{opportunity_id}/participants", response={201: dict, **ERRORS})
def add_participant(request, opportunity_id: Id, payload: ParticipantIn):
    require_perm(request, "crm.change_opportunity")
    opportunity = selectors.opportunity_detail(user=request.user, pk=opportunity_id)
    if opportunity is None:
        raise not_found(Opportunity, opportunity_id, "opportunity_id")
    person = get_or_404(Person, payload.person_id, "person")
    participant = services.opportunity_add_participant(
        opportunity=opportunity, person=person, role=payload.role, actor=request.user, via="api"
    )
    return 201, {"id": participant.pk, "person_id": person.pk, "role": participant.role}
