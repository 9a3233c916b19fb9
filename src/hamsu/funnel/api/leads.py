"""Leads and their lifecycle: the list and one lead, every move (MQL, accept, return, qualify,
follow-up, convert, recycle, disqualify, assign), touches, and the seller's and manager's queues."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Query, Schema

from hamsu.core import versioning
from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, Id, Int, Limit, Problem, get_or_404, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import IfMatch, expected_version, with_etag
from hamsu.crm.models import Account, Product, Segment
from hamsu.directory.models import Person
from hamsu.funnel import selectors
from hamsu.funnel.api.common import lead_for, router
from hamsu.funnel.models import (
    Lead,
    LeadQueue,
    LeadState,
    ReturnReason,
)
from hamsu.funnel.permissions import may_see_the_queue
from hamsu.funnel.services import leads as lifecycle


class LeadOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    company: str
    title: str
    phone: str
    country: str
    employees: int | None = stored()
    segment_id: int | None
    origin: str
    contact_id: int | None
    account_id: int | None
    opportunity_id: int | None
    state: str
    state_changed_at: datetime.datetime
    owner_id: int | None
    team_id: int | None
    queue: str
    score: float = figure("leads.score")
    score_reasons: list[dict] = figure("leads.score")
    win_probability: float | None = figure("leads.win_probability")
    win_reasons: list[dict] = figure("leads.win_probability")
    return_reason: str
    return_note: str
    returned_at: datetime.datetime | None
    recycle_count: int = figure("leads.times_recycled")
    accepted_at: datetime.datetime | None
    follow_up_attempts: int = stored()
    created_at: datetime.datetime
    version: Annotated[int, Field(description="Goes up by one with every change; the lead's ETag.")]


class LeadIn(Schema):
    email: Annotated[str, Field(max_length=254)] = ""
    first_name: Annotated[str, Field(max_length=100)] = ""
    last_name: Annotated[str, Field(max_length=100)] = ""
    company: Annotated[str, Field(max_length=200)] = ""
    title: Annotated[str, Field(max_length=120)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] = ""
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    segment_id: Id | None = None
    account_id: Id | None = None
    origin: Annotated[str, Field(max_length=60)] = ""
    external_id: Annotated[str, Field(max_length=100)] = ""


class LeadPatch(Patch):
    for_model = Lead

    email: Annotated[str, Field(max_length=254)] | None = None
    first_name: Annotated[str, Field(max_length=100)] | None = None
    last_name: Annotated[str, Field(max_length=100)] | None = None
    company: Annotated[str, Field(max_length=200)] | None = None
    title: Annotated[str, Field(max_length=120)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None


class LeadPage(Schema):
    items: list[LeadOut]
    next_cursor: str | None


class LeadQuery(Schema):
    q: str = ""
    state: LeadState | None = None
    queue: LeadQueue | None = None
    owner: Int | None = None
    team: Int | None = None
    sort: str = "-created"
    cursor: str | None = None
    limit: Limit = 50


class ReturnIn(Schema):
    reason: ReturnReason
    note: Annotated[str, Field(max_length=300)] = ""


class ReasonIn(Schema):
    reason: Annotated[str, Field(max_length=300)] = ""


class AssignIn(Schema):
    person_id: Id
    note: Annotated[str, Field(max_length=300)] = ""


class ConvertIn(Schema):
    name: Annotated[str, Field(max_length=200)] = ""
    amount: Annotated[
        Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)
    ] = Decimal("0")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    expected_close: datetime.date | None = None
    product_id: Id | None = None


class TouchIn(Schema):
    kind: Annotated[str, Field(min_length=1, max_length=40)]
    at: datetime.datetime | None = None


class LeadStageEventOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    at: datetime.datetime
    actor_id: int | None
    reason: str
    via: str


class FunnelAssignmentOut(Schema):
    id: int
    person_id: int | None
    team_id: int | None
    queue: str
    rule_id: int | None
    explanation: str
    at: datetime.datetime


class QueueLeadOut(LeadOut):
    due_at: datetime.datetime | None = None
    handoff_reason: str | None = Field(
        None, description="Why marketing handed the lead over: the definition it met or a marketer's words."
    )


@router.get("/leads", response={200: LeadPage, **ERRORS})
def list_leads(request, query: Query[LeadQuery]):
    require_perm(request, "funnel.view_lead")
    filters = selectors.LeadFilters(
        q=query.q, state=query.state or "", queue=query.queue or "", owner=query.owner, team=query.team
    )
    page = selectors.lead_list(
        user=request.user, filters=filters, sort=query.sort, cursor=query.cursor, limit=query.limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/leads", response={201: LeadOut, **ERRORS})
def create_lead(request, payload: LeadIn):
    require_perm(request, "funnel.add_lead")
    data = payload.dict()
    data["segment"] = get_or_404(Segment, data.pop("segment_id"), "segment_id")
    account = get_or_404(Account, data.pop("account_id"), "account_id")
    return 201, lifecycle.lead_create(actor=request.user, via="api", account=account, **data)


# A move that may meet a newer version of the lead answers 412 (see hamsu.core.api_versions).
WRITE_ERRORS = {**ERRORS, 412: Problem}


def _as_shown(request, response, lead_id: int, if_match: str | None, move):
    """Run ``move(lead)`` only if the lead is still at the version the client read."""
    lead = lead_for(request, lead_id)
    with versioning.expecting(lead, expected_version(if_match), actor=request.user, via="api"):
        lead = move(lead)
    return with_etag(response, lead)


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request, response: HttpResponse, lead_id: Id):
    require_perm(request, "funnel.view_lead")
    return with_etag(response, lead_for(request, lead_id))


@router.patch("/leads/{lead_id}", response={200: LeadOut, **WRITE_ERRORS})
def update_lead(request, response: HttpResponse, lead_id: Id, payload: LeadPatch, if_match: IfMatch = None):
    """Changes only the fields sent."""
    require_perm(request, "funnel.change_lead")
    lead = lifecycle.lead_update(
        lead=lead_for(request, lead_id),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **payload.dict(exclude_unset=True),
    )
    return with_etag(response, lead)


@router.get("/leads/{lead_id}/events", response={200: list[LeadStageEventOut], **ERRORS})
def lead_stage_events(request, lead_id: Id):
    require_perm(request, "funnel.view_lead")
    return list(selectors.lead_events(lead_for(request, lead_id)))


@router.get("/leads/{lead_id}/assignments", response={200: list[FunnelAssignmentOut], **ERRORS})
def lead_assignments(request, lead_id: Id):
    require_perm(request, "funnel.view_lead")
    return list(lead_for(request, lead_id).assignments.all())


@router.post("/leads/{lead_id}/mql", response={200: LeadOut, **WRITE_ERRORS})
def mark_mql(request, response: HttpResponse, lead_id: Id, payload: ReasonIn, if_match: IfMatch = None):
    require_perm(request, "funnel.add_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_mark_mql(lead=lead, actor=request.user, via="api", reason=payload.reason),
    )


@router.post("/leads/{lead_id}/accept", response={200: LeadOut, **WRITE_ERRORS})
def accept_lead(request, response: HttpResponse, lead_id: Id, if_match: IfMatch = None):
    require_perm(request, "funnel.accept_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_accept(lead=lead, actor=request.user, via="api"),
    )


@router.post("/leads/{lead_id}/return", response={200: LeadOut, **WRITE_ERRORS})
def return_lead(request, response: HttpResponse, lead_id: Id, payload: ReturnIn, if_match: IfMatch = None):
    require_perm(request, "funnel.accept_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_return(
            lead=lead,
            actor=request.user,
            reason=payload.reason,
            note=payload.note,
            via="api",
        ),
    )


@router.post("/leads/{lead_id}/qualify", response={200: LeadOut, **WRITE_ERRORS})
def qualify_lead(request, response: HttpResponse, lead_id: Id, payload: ReasonIn, if_match: IfMatch = None):
    require_perm(request, "funnel.accept_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_qualify(lead=lead, actor=request.user, reason=payload.reason, via="api"),
    )


@router.post("/leads/{lead_id}/follow-ups", response={200: LeadOut, **WRITE_ERRORS})
def log_follow_up(request, response: HttpResponse, lead_id: Id, if_match: IfMatch = None):
    require_perm(request, "funnel.change_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_log_follow_up(lead=lead, actor=request.user, via="api"),
    )


@router.post("/leads/{lead_id}/convert", response={200: LeadOut, **WRITE_ERRORS})
def convert_lead(request, response: HttpResponse, lead_id: Id, payload: ConvertIn, if_match: IfMatch = None):
    require_perm(request, "crm.add_opportunity")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_convert(
            lead=lead,
            actor=request.user,
            via="api",
            name=payload.name,
            amount=payload.amount,
            currency=payload.currency,
            expected_close=payload.expected_close,
            product=get_or_404(Product, payload.product_id, "product_id"),
        ),
    )


@router.post("/leads/{lead_id}/recycle", response={200: LeadOut, **WRITE_ERRORS})
def recycle_lead(request, response: HttpResponse, lead_id: Id, payload: ReasonIn, if_match: IfMatch = None):
    require_perm(request, "funnel.change_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_recycle(lead=lead, actor=request.user, reason=payload.reason, via="api"),
    )


@router.post("/leads/{lead_id}/disqualify", response={200: LeadOut, **WRITE_ERRORS})
def disqualify_lead(
    request, response: HttpResponse, lead_id: Id, payload: ReasonIn, if_match: IfMatch = None
):
    require_perm(request, "funnel.change_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_disqualify(
            lead=lead, actor=request.user, reason=payload.reason, via="api"
        ),
    )


@router.post("/leads/{lead_id}/archive", response={200: LeadOut, **WRITE_ERRORS})
def archive_lead(request, response: HttpResponse, lead_id: Id, payload: ReasonIn, if_match: IfMatch = None):
    """A disqualified lead in the recycle pool goes to the archive (``/recycle`` reopens it)."""
    require_perm(request, "funnel.add_lead")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_archive(lead=lead, actor=request.user, reason=payload.reason, via="api"),
    )


@router.post("/leads/{lead_id}/assign", response={200: LeadOut, **WRITE_ERRORS})
def assign_lead(request, response: HttpResponse, lead_id: Id, payload: AssignIn, if_match: IfMatch = None):
    require_perm(request, "funnel.route_lead")
    person = get_or_404(Person, payload.person_id, "person_id")
    return _as_shown(
        request,
        response,
        lead_id,
        if_match,
        lambda lead: lifecycle.lead_assign(
            lead=lead, person=person, actor=request.user, note=payload.note, via="api"
        ),
    )


@router.post("/leads/{lead_id}/touches", response={200: LeadOut, **ERRORS})
def add_touch(request, lead_id: Id, payload: TouchIn):
    require_perm(request, "funnel.change_lead")
    lead = lead_for(request, lead_id)
    lifecycle.lead_touch_record(lead=lead, kind=payload.kind, at=payload.at, source="api")
    return lifecycle.lead_evaluate(lead=lead, actor=request.user, via="api")


@router.get("/inbox", response={200: list[QueueLeadOut], **ERRORS})
def my_inbox(request):
    require_perm(request, "funnel.view_lead")
    return selectors.my_leads(user=request.user)


@router.get("/handoff-queue", response={200: list[QueueLeadOut], **ERRORS})
def handoff_queue(request):
    # Sales managers assign from it; marketing watches how the leads it handed over wait.
    if not may_see_the_queue(request.user):
        require_perm(request, "funnel.route_lead")
    return selectors.handoff_queue(user=request.user)


@router.get("/recycle-pool", response={200: list[LeadOut], **ERRORS})
def recycle_pool(request):
    require_perm(request, "funnel.add_lead")
    return selectors.recycle_pool()
