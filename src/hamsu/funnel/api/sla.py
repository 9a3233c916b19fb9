"""The handoff SLA: business calendars, SLA policies, the two-sided SLA report and the check."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, get_or_404, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.core.errors import ValidationFailed
from hamsu.directory.models import Team
from hamsu.funnel import selectors
from hamsu.funnel.api.common import router
from hamsu.funnel.models import (
    BusinessCalendar,
    SlaPolicy,
)
from hamsu.funnel.services import handoff as handoff_services


class CalendarIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    timezone: str = "UTC"
    workdays: list[Annotated[int, Field(ge=0, le=6)]] = stored()
    day_start: datetime.time = datetime.time(9, 0)
    day_end: datetime.time = datetime.time(17, 0)
    holidays: list[str] = []
    jalali_holidays: list[str] = []
    gregorian_holidays: list[str] = []


class CalendarOut(CalendarIn):
    id: int


class PolicyIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    team_id: Id | None = None
    calendar_id: Id
    accept_within_hours: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)] = Decimal("8")
    follow_up_within_hours: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)] = Decimal("16")
    min_attempts: Annotated[int, Field(ge=0, le=100)] = 3
    mql_target_per_month: Annotated[int, Field(ge=0, le=10_000_000)] = 100
    acceptance_rate_target: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] = Decimal("70")


class PolicyOut(Schema):
    id: int
    name: str
    team_id: int | None
    calendar_id: int
    accept_within_hours: Decimal = stored()
    follow_up_within_hours: Decimal = stored()
    min_attempts: int = stored()
    mql_target_per_month: int = stored()
    acceptance_rate_target: Decimal = stored()
    version: Annotated[int, Field(description=VERSION_DOC)]


class AdherenceOut(Schema):
    team: str
    mqls: int = figure("sla.mqls")
    mql_target: int = figure("sla.mqls")
    accepted: int = figure("sla.accepted_returned")
    returned: int = figure("sla.accepted_returned")
    acceptance_rate: float | None = figure("sla.acceptance_rate")
    acceptance_target: float = figure("sla.acceptance_rate")
    handoffs_closed: int = figure("sla.on_time_rate")
    on_time: int = figure("sla.on_time_rate")
    on_time_rate: float | None = figure("sla.on_time_rate")
    breaches: int = figure("sla.breaches")
    open_overdue: int = figure("sla.open_overdue")
    follow_up_hours_median: float | None = figure("sla.follow_up")
    follow_up_on_time_rate: float | None = figure("sla.follow_up")
    attempts_before_disqualify: float | None = figure("sla.attempts")
    min_attempts: int = stored()


@router.get("/calendars", response={200: list[CalendarOut], **ERRORS})
def list_calendars(request):
    require_perm(request, "funnel.view_slapolicy")
    return list(BusinessCalendar.objects.order_by("name"))


@router.post("/calendars", response={201: CalendarOut, **ERRORS})
def create_calendar(request, payload: CalendarIn):
    require_perm(request, "funnel.add_businesscalendar")
    return 201, handoff_services.business_calendar_create(actor=request.user, via="api", **payload.dict())


@router.get("/sla-policies", response={200: list[PolicyOut], **ERRORS})
def list_policies(request):
    require_perm(request, "funnel.view_slapolicy")
    return list(SlaPolicy.objects.order_by("name"))


@router.post("/sla-policies", response={201: PolicyOut, **ERRORS})
def create_policy(request, payload: PolicyIn):
    require_perm(request, "funnel.add_slapolicy")
    data = payload.dict()
    data["team"] = get_or_404(Team, data.pop("team_id"), "team_id")
    data["calendar"] = get_or_404(BusinessCalendar, data.pop("calendar_id"), "calendar_id")
    return 201, handoff_services.sla_policy_create(actor=request.user, via="api", **data)


class PolicyPatch(Patch):
    for_model = SlaPolicy

    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    team_id: Id | None = None
    calendar_id: Id | None = None
    accept_within_hours: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)] | None = None
    follow_up_within_hours: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)] | None = None
    min_attempts: Annotated[int, Field(ge=0, le=100)] | None = None
    mql_target_per_month: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    acceptance_rate_target: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None


@router.get("/sla-policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def get_policy(request, response: HttpResponse, policy_id: Id):
    require_perm(request, "funnel.view_slapolicy")
    return with_etag(response, get_or_404(SlaPolicy, policy_id, "policy"))


@router.patch("/sla-policies/{policy_id}", response={200: PolicyOut, **WRITE_ERRORS})
def update_policy(
    request, response: HttpResponse, policy_id: Id, payload: PolicyPatch, if_match: IfMatch = None
):
    """Fields left out stay as they are; ``"team_id": null`` makes it the default policy."""
    require_perm(request, "funnel.change_slapolicy")
    policy = get_or_404(SlaPolicy, policy_id, "policy")
    data = payload.dict(exclude_unset=True)
    if "team_id" in data:
        data["team"] = get_or_404(Team, data.pop("team_id"), "team_id")
    if "calendar_id" in data:
        if data["calendar_id"] is None:
            raise ValidationFailed(
                _("Calendar required"), errors={"calendar_id": [_("A policy needs a calendar.")]}
            )
        data["calendar"] = get_or_404(BusinessCalendar, data.pop("calendar_id"), "calendar_id")
    policy = handoff_services.sla_policy_update(
        policy=policy,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **data,
    )
    return with_etag(response, policy)


@router.delete("/sla-policies/{policy_id}", response={204: None, **WRITE_ERRORS})
def retire_policy(request, policy_id: Id, if_match: IfMatch = None):
    require_perm(request, "funnel.change_slapolicy")
    handoff_services.sla_policy_retire(
        policy=get_or_404(SlaPolicy, policy_id, "policy"),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
    )
    return 204, None


@router.get("/sla", response={200: list[AdherenceOut], **ERRORS})
def sla_report(request, start: datetime.date | None = None, end: datetime.date | None = None):
    require_perm(request, "funnel.view_handoff")
    start_dt, end_dt = selectors.sla_period(start=start, end=end)
    return [fig.__dict__ for fig in selectors.sla_adherence(start=start_dt, end=end_dt)]


@router.post("/sla/check", response={200: dict, **ERRORS})
def run_sla_check(request):
    require_perm(request, "funnel.change_slapolicy")
    return {"escalated": handoff_services.sla_check()}
