"""API v1 for the CRM: the same selectors and services as the UI, typed with ninja schemas."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import (
    ERRORS,
    Currency,
    Id,
    Int,
    Limit,
    Money,
    Problem,
    get_or_404,
    not_found,
    require_perm,
)
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import IfMatch, expected_version, with_etag
from hamsu.core.errors import NotFound
from hamsu.crm import selectors, services
from hamsu.crm.models import (
    Account,
    ActivityKind,
    ActivityOutcome,
    Contact,
    DealRole,
    Opportunity,
    Product,
    Segment,
    Source,
)
from hamsu.crm.stages import Stage
from hamsu.directory.models import Person

router = Router(tags=["crm"])
# The core records sit at the top of the API: /api/v1/opportunities, /api/v1/accounts, …
PREFIX = ""

# A write that may meet a newer version answers 412 (see hamsu.core.api_versions).
WRITE_ERRORS = {**ERRORS, 412: Problem}
VERSION_DOC = "Goes up by one with every change; the ETag of this record. Send it back as If-Match."


# ---------------------------------------------------------------- schemas


class AccountOut(Schema):
    id: int
    name: str
    domain: str
    segment_id: int | None
    industry: str
    employees: int | None = stored()
    size_band: str
    country: str
    owner_id: int | None
    external_id: str
    created_at: datetime.datetime
    version: Annotated[int, Field(description=VERSION_DOC)]


class AccountIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    domain: Annotated[str, Field(max_length=200)] = ""
    segment_id: Id | None = None
    industry: Annotated[str, Field(max_length=80)] = ""
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] = ""
    owner_id: Id | None = None
    external_id: Annotated[str, Field(max_length=100)] = ""


class AccountPatch(Patch):
    for_model = Account

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    domain: Annotated[str, Field(max_length=200)] | None = None
    segment_id: Id | None = None
    industry: Annotated[str, Field(max_length=80)] | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] | None = None
    owner_id: Id | None = None


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    country: str
    account_id: int | None
    owner_id: int | None
    created_at: datetime.datetime
    version: Annotated[int, Field(description=VERSION_DOC)]


class ContactIn(Schema):
    first_name: Annotated[str, Field(max_length=100)] = ""
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    email: Annotated[str, Field(max_length=254)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    title: Annotated[str, Field(max_length=120)] = ""
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] = ""
    account_id: Id | None = None
    owner_id: Id | None = None


class ContactPatch(Patch):
    for_model = Contact

    first_name: Annotated[str, Field(max_length=100)] | None = None
    last_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    title: Annotated[str, Field(max_length=120)] | None = None
    account_id: Id | None = None
    owner_id: Id | None = None


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


class ParticipantIn(Schema):
    person_id: Id
    role: DealRole


class PageOf(Schema):
    next_cursor: str | None


class AccountPage(PageOf):
    items: list[AccountOut]


class ContactPage(PageOf):
    items: list[ContactOut]


class OpportunityPage(PageOf):
    items: list[OpportunityOut]


class ActivityPage(PageOf):
    items: list[ActivityOut]


class StageEventPage(PageOf):
    items: list[DealStageEventOut]


def _fk_data(payload: dict) -> dict:
    """Turn ``*_id`` fields into model instances, checking that each exists."""
    lookups = {
        "account_id": (Account, "account"),
        "owner_id": (Person, "owner"),
        "segment_id": (Segment, "segment"),
        "product_id": (Product, "product"),
    }
    data = {}
    for key, value in payload.items():
        if key in lookups:
            model, name = lookups[key]
            data[name] = get_or_404(model, value, name)
        else:
            data[key] = value
    return data


# ---------------------------------------------------------------- accounts


@router.get("/accounts", response={200: AccountPage, **ERRORS})
def list_accounts(
    request,
    q: str = "",
    segment: Int | None = None,
    sort: str = "name",
    cursor: str | None = None,
    limit: Limit = 50,
):
    require_perm(request, "crm.view_account")
    page = selectors.account_list(
        user=request.user, q=q, segment=segment, sort=sort, cursor=cursor, limit=limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/accounts", response={201: AccountOut, **ERRORS})
def create_account(request, payload: AccountIn):
    require_perm(request, "crm.add_account")
    return 201, services.account_create(actor=request.user, via="api", **_fk_data(payload.dict()))


@router.get("/accounts/{account_id}", response={200: AccountOut, **ERRORS})
def get_account(request, response: HttpResponse, account_id: Id):
    require_perm(request, "crm.view_account")
    account = selectors.account_detail(user=request.user, pk=account_id)
    if account is None:
        raise not_found(Account, account_id, "account_id")
    return with_etag(response, account)


@router.patch("/accounts/{account_id}", response={200: AccountOut, **WRITE_ERRORS})
def update_account(
    request, response: HttpResponse, account_id: Id, payload: AccountPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "crm.change_account")
    account = get_object_or_404(Account, pk=account_id)
    account = services.account_update(
        account=account,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **_fk_data(payload.dict(exclude_unset=True)),
    )
    return with_etag(response, account)


# ---------------------------------------------------------------- contacts


@router.get("/contacts", response={200: ContactPage, **ERRORS})
def list_contacts(
    request,
    q: str = "",
    account: Int | None = None,
    sort: str = "name",
    cursor: str | None = None,
    limit: Limit = 50,
):
    require_perm(request, "crm.view_contact")
    page = selectors.contact_list(
        user=request.user, q=q, account=account, sort=sort, cursor=cursor, limit=limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request, payload: ContactIn):
    require_perm(request, "crm.add_contact")
    return 201, services.contact_create(actor=request.user, via="api", **_fk_data(payload.dict()))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request, response: HttpResponse, contact_id: Id):
    require_perm(request, "crm.view_contact")
    contact = selectors.contact_detail(user=request.user, pk=contact_id)
    if contact is None:
        raise not_found(Contact, contact_id, "contact_id")
    return with_etag(response, contact)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
def update_contact(
    request, response: HttpResponse, contact_id: Id, payload: ContactPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "crm.change_contact")
    contact = get_object_or_404(Contact, pk=contact_id)
    contact = services.contact_update(
        contact=contact,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **_fk_data(payload.dict(exclude_unset=True)),
    )
    return with_etag(response, contact)


# ---------------------------------------------------------------- opportunities


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
    data = _fk_data(payload.dict())
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
        **_fk_data(payload.dict(exclude_unset=True)),
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
    from hamsu.core.pagination import keyset_page

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


# ---------------------------------------------------------------- activities


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
    from hamsu.crm.models import Opportunity
    from hamsu.directory.visibility import person_of

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


# Tasks and next steps live in their own module, under the same paths.
from hamsu.crm.api_tasks import router as tasks_router  # noqa: E402

router.add_router("", tasks_router)
