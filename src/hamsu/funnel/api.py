"""API v1 for the funnel: leads and their lifecycle, queues, the funnel definition, lead
definitions, routing, the SLA, rules of engagement, scoring and lead capture.

Every handler parses, calls the same selector or service as the UI, and serialises.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hamsu.api.permissions import require_perm
from hamsu.api.schemas import ERRORS, Limit, Problem
from hamsu.core import selectors as core_selectors
from hamsu.core.errors import NotFound, PermissionDenied, ValidationFailed
from hamsu.core.notify import mark_read
from hamsu.core.visibility import person_of
from hamsu.crm.models import Account, Product, Segment
from hamsu.directory.models import Person, Team
from hamsu.funnel import capture_http, selectors, selectors_capture
from hamsu.funnel.forms import FunnelFiltersForm
from hamsu.funnel.models import (
    BusinessCalendar,
    CaptureBatch,
    CaptureForm,
    EngagementFiring,
    EngagementRule,
    FollowUpTask,
    FunnelVersion,
    LeadDefinition,
    LeadQueue,
    LeadState,
    ReturnReason,
    RoutingRule,
    RoutingRuleKind,
    SlaPolicy,
)
from hamsu.funnel.services import approvals, capture_failures
from hamsu.funnel.services import capture as capture_services
from hamsu.funnel.services import definitions as definition_services
from hamsu.funnel.services import engagement as engagement_services
from hamsu.funnel.services import funnel as funnel_services
from hamsu.funnel.services import handoff as handoff_services
from hamsu.funnel.services import leads as lifecycle
from hamsu.funnel.services import routing as routing_services
from hamsu.funnel.services import scoring as scoring_services
from hamsu.funnel.tasks import retrain_lead_model

router = Router(tags=["funnel"])
PREFIX = "funnel"


def _get(model, pk, label):
    instance = model.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and instance is None:
        raise NotFound(f"No {label} {pk}", errors={label: [f"No {label} with id {pk}."]})
    return instance


# ---------------------------------------------------------------- leads


class LeadOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    company: str
    title: str
    phone: str
    country: str
    employees: int | None
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
    score: float
    score_reasons: list[dict]
    win_probability: float | None
    win_reasons: list[dict]
    return_reason: str
    return_note: str
    returned_at: datetime.datetime | None
    recycle_count: int
    accepted_at: datetime.datetime | None
    follow_up_attempts: int
    created_at: datetime.datetime


class LeadIn(Schema):
    email: Annotated[str, Field(max_length=254)] = ""
    first_name: Annotated[str, Field(max_length=100)] = ""
    last_name: Annotated[str, Field(max_length=100)] = ""
    company: Annotated[str, Field(max_length=200)] = ""
    title: Annotated[str, Field(max_length=120)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] = ""
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    segment_id: int | None = None
    account_id: int | None = None
    origin: Annotated[str, Field(max_length=60)] = ""
    external_id: Annotated[str, Field(max_length=100)] = ""


class LeadPatch(Schema):
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
    owner: int | None = None
    team: int | None = None
    sort: str = "-created"
    cursor: str | None = None
    limit: Limit = 50


class ReturnIn(Schema):
    reason: ReturnReason
    note: Annotated[str, Field(max_length=300)] = ""


class ReasonIn(Schema):
    reason: Annotated[str, Field(max_length=300)] = ""


class AssignIn(Schema):
    person_id: int
    note: Annotated[str, Field(max_length=300)] = ""


class ConvertIn(Schema):
    name: Annotated[str, Field(max_length=200)] = ""
    amount: Annotated[
        Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)
    ] = Decimal("0")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    expected_close: datetime.date | None = None
    product_id: int | None = None


class TouchIn(Schema):
    kind: Annotated[str, Field(min_length=1, max_length=40)]
    at: datetime.datetime | None = None


class StageEventOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    at: datetime.datetime
    actor_id: int | None
    reason: str
    via: str


class AssignmentOut(Schema):
    id: int
    person_id: int | None
    team_id: int | None
    queue: str
    rule_id: int | None
    explanation: str
    at: datetime.datetime


class QueueLeadOut(LeadOut):
    due_at: datetime.datetime | None = None


def _lead(request, lead_id: int):
    lead = selectors.lead_detail(user=request.user, pk=lead_id)
    if lead is None:
        raise NotFound("Lead not found", errors={"lead": [f"No lead with id {lead_id}."]})
    return lead


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
    data["segment"] = _get(Segment, data.pop("segment_id"), "segment_id")
    account = _get(Account, data.pop("account_id"), "account_id")
    return 201, lifecycle.lead_create(actor=request.user, via="api", account=account, **data)


@router.get("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request, lead_id: int):
    require_perm(request, "funnel.view_lead")
    return _lead(request, lead_id)


@router.patch("/leads/{lead_id}", response={200: LeadOut, **ERRORS})
def update_lead(request, lead_id: int, payload: LeadPatch):
    require_perm(request, "funnel.change_lead")
    return lifecycle.lead_update(
        lead=_lead(request, lead_id), actor=request.user, via="api", **payload.dict(exclude_unset=True)
    )


@router.get("/leads/{lead_id}/events", response={200: list[StageEventOut], **ERRORS})
def lead_stage_events(request, lead_id: int):
    require_perm(request, "funnel.view_lead")
    return list(selectors.lead_events(_lead(request, lead_id)))


@router.get("/leads/{lead_id}/assignments", response={200: list[AssignmentOut], **ERRORS})
def lead_assignments(request, lead_id: int):
    require_perm(request, "funnel.view_lead")
    return list(_lead(request, lead_id).assignments.all())


@router.post("/leads/{lead_id}/mql", response={200: LeadOut, **ERRORS})
def mark_mql(request, lead_id: int, payload: ReasonIn):
    require_perm(request, "funnel.add_lead")
    return lifecycle.lead_mark_mql(
        lead=_lead(request, lead_id), actor=request.user, via="api", reason=payload.reason
    )


@router.post("/leads/{lead_id}/accept", response={200: LeadOut, **ERRORS})
def accept_lead(request, lead_id: int):
    require_perm(request, "funnel.accept_lead")
    return lifecycle.lead_accept(lead=_lead(request, lead_id), actor=request.user, via="api")


@router.post("/leads/{lead_id}/return", response={200: LeadOut, **ERRORS})
def return_lead(request, lead_id: int, payload: ReturnIn):
    require_perm(request, "funnel.accept_lead")
    return lifecycle.lead_return(
        lead=_lead(request, lead_id), actor=request.user, reason=payload.reason, note=payload.note, via="api"
    )


@router.post("/leads/{lead_id}/qualify", response={200: LeadOut, **ERRORS})
def qualify_lead(request, lead_id: int, payload: ReasonIn):
    require_perm(request, "funnel.accept_lead")
    return lifecycle.lead_qualify(
        lead=_lead(request, lead_id), actor=request.user, reason=payload.reason, via="api"
    )


@router.post("/leads/{lead_id}/follow-ups", response={200: LeadOut, **ERRORS})
def log_follow_up(request, lead_id: int):
    require_perm(request, "funnel.change_lead")
    return lifecycle.lead_log_follow_up(lead=_lead(request, lead_id), actor=request.user, via="api")


@router.post("/leads/{lead_id}/convert", response={200: LeadOut, **ERRORS})
def convert_lead(request, lead_id: int, payload: ConvertIn):
    require_perm(request, "crm.add_opportunity")
    return lifecycle.lead_convert(
        lead=_lead(request, lead_id),
        actor=request.user,
        via="api",
        name=payload.name,
        amount=payload.amount,
        currency=payload.currency,
        expected_close=payload.expected_close,
        product=_get(Product, payload.product_id, "product_id"),
    )


@router.post("/leads/{lead_id}/recycle", response={200: LeadOut, **ERRORS})
def recycle_lead(request, lead_id: int, payload: ReasonIn):
    require_perm(request, "funnel.change_lead")
    return lifecycle.lead_recycle(
        lead=_lead(request, lead_id), actor=request.user, reason=payload.reason, via="api"
    )


@router.post("/leads/{lead_id}/disqualify", response={200: LeadOut, **ERRORS})
def disqualify_lead(request, lead_id: int, payload: ReasonIn):
    require_perm(request, "funnel.change_lead")
    return lifecycle.lead_disqualify(
        lead=_lead(request, lead_id), actor=request.user, reason=payload.reason, via="api"
    )


@router.post("/leads/{lead_id}/assign", response={200: LeadOut, **ERRORS})
def assign_lead(request, lead_id: int, payload: AssignIn):
    require_perm(request, "funnel.route_lead")
    person = _get(Person, payload.person_id, "person_id")
    return lifecycle.lead_assign(
        lead=_lead(request, lead_id), person=person, actor=request.user, note=payload.note, via="api"
    )


@router.post("/leads/{lead_id}/touches", response={200: LeadOut, **ERRORS})
def add_touch(request, lead_id: int, payload: TouchIn):
    require_perm(request, "funnel.change_lead")
    lead = _lead(request, lead_id)
    lifecycle.lead_touch_record(lead=lead, kind=payload.kind, at=payload.at, source="api")
    return lifecycle.lead_evaluate(lead=lead, actor=request.user, via="api")


@router.get("/inbox", response={200: list[QueueLeadOut], **ERRORS})
def my_inbox(request):
    require_perm(request, "funnel.view_lead")
    return selectors.my_leads(user=request.user)


@router.get("/handoff-queue", response={200: list[QueueLeadOut], **ERRORS})
def handoff_queue(request):
    require_perm(request, "funnel.route_lead")
    return selectors.handoff_queue(user=request.user)


@router.get("/recycle-pool", response={200: list[LeadOut], **ERRORS})
def recycle_pool(request):
    require_perm(request, "funnel.add_lead")
    return selectors.recycle_pool()


# ---------------------------------------------------------------- the funnel definition


class StageIn(Schema):
    funnel: str
    code: str
    name: str
    owner_function: str
    entry_criteria: str = ""
    exit_criteria: str = ""
    marketing_contribution: str = ""
    materials: list[dict] = []
    tracks: list[str] = []


class StageOut(StageIn):
    count: int | None = None
    reached: int | None = None
    conversion: float | None = None
    converts_to: str = ""
    on_path: bool = False


class FunnelFiltersOut(Schema):
    days: int | None
    team: int | None
    segment: int | None


class FunnelOut(Schema):
    version: int | None
    since: datetime.date | None
    filters: FunnelFiltersOut
    stages: list[StageOut]


class FunnelQuery(Schema):
    days: str | None = None
    team: str | None = None
    segment: str | None = None


class VersionIn(Schema):
    note: Annotated[str, Field(max_length=300)] = ""
    stages: list[dict]


@router.get("/stages", response={200: FunnelOut, **ERRORS})
def funnel_stages(request, query: Query[FunnelQuery]):
    """The funnel page's figures over the same cohort and filters (``days``: 90, 365, 730
    or ``all``; ``team``; ``segment``)."""
    require_perm(request, "funnel.view_lead")
    form = FunnelFiltersForm({k: v for k, v in query.dict().items() if v is not None})
    if not form.is_valid():
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={name: [str(m) for m in messages] for name, messages in form.errors.items()},
        )
    view = selectors.funnel_overview(filters=form.filters())
    version = funnel_services.current_funnel_version()
    return {
        "version": version.number if version else None,
        "since": view.since,
        "filters": view.filters.__dict__,
        "stages": [row.__dict__ for rows in view.funnels.values() for row in rows],
    }


@router.post("/versions", response={201: dict, **ERRORS})
def publish_version(request, payload: VersionIn):
    require_perm(request, "funnel.add_funnelversion")
    version = funnel_services.funnel_version_publish(
        stages=payload.stages, note=payload.note, actor=request.user, via="api"
    )
    return 201, {"version": version.number, "stages": version.stages.count()}


@router.get("/versions", response={200: list[dict], **ERRORS})
def list_versions(request):
    require_perm(request, "funnel.view_funnelversion")
    return list(FunnelVersion.objects.values("number", "note", "created_by_id", "created_at"))


# ---------------------------------------------------------------- lead definitions


class ApprovalOut(Schema):
    side: str
    decision: str
    user_id: int
    comment: str
    at: datetime.datetime


class DefinitionOut(Schema):
    id: int
    kind: str
    number: int
    rules: dict
    summary: str
    status: str
    proposed_by_id: int | None
    proposed_at: datetime.datetime
    effective_at: datetime.datetime | None
    superseded_at: datetime.datetime | None
    approvals: list[ApprovalOut]

    @staticmethod
    def resolve_approvals(obj):
        return list(obj.approvals.all())


class DefinitionIn(Schema):
    kind: str
    rules: Any
    summary: Annotated[str, Field(max_length=300)] = ""


class DecisionIn(Schema):
    approve: bool
    comment: Annotated[str, Field(max_length=300)] = ""
    side: str | None = None


@router.get("/definitions", response={200: list[DefinitionOut], **ERRORS})
def list_definitions(request, kind: str | None = None):
    require_perm(request, "funnel.view_leaddefinition")
    qs = LeadDefinition.objects.prefetch_related("approvals").order_by("kind", "-number")
    return list(qs.filter(kind=kind) if kind else qs)


@router.post("/definitions", response={201: DefinitionOut, **ERRORS})
def propose_definition(request, payload: DefinitionIn):
    require_perm(request, "funnel.add_leaddefinition")
    return 201, definition_services.lead_definition_propose(
        kind=payload.kind, rules=payload.rules, summary=payload.summary, actor=request.user, via="api"
    )


@router.get("/definitions/{definition_id}", response={200: DefinitionOut, **ERRORS})
def get_definition(request, definition_id: int):
    require_perm(request, "funnel.view_leaddefinition")
    return _get(LeadDefinition, definition_id, "definition")


@router.post("/definitions/{definition_id}/decision", response={200: DefinitionOut, **ERRORS})
def decide_definition(request, definition_id: int, payload: DecisionIn):
    require_perm(request, "funnel.approve_leaddefinition")
    return approvals.lead_definition_decide(
        definition=_get(LeadDefinition, definition_id, "definition"),
        actor=request.user,
        approve=payload.approve,
        comment=payload.comment,
        side=payload.side,
        via="api",
    )


# ---------------------------------------------------------------- routing


class RoutingRuleOut(Schema):
    id: int
    position: int
    name: str
    kind: str
    segment_id: int | None
    countries: list[str]
    team_id: int | None
    capacity: int | None
    conditions: dict
    is_active: bool


class RoutingRuleIn(Schema):
    position: Annotated[int, Field(ge=0, le=32000)] = 0
    name: Annotated[str, Field(min_length=1, max_length=120)]
    kind: RoutingRuleKind
    segment_id: int | None = None
    countries: list[str] = []
    team_id: int | None = None
    capacity: Annotated[int, Field(ge=1, le=100000)] | None = None
    conditions: dict = {}
    is_active: bool = True


def _rule_data(payload: dict) -> dict:
    data = dict(payload)
    if "segment_id" in data:
        data["segment"] = _get(Segment, data.pop("segment_id"), "segment_id")
    if "team_id" in data:
        data["team"] = _get(Team, data.pop("team_id"), "team_id")
    return data


@router.get("/routing-rules", response={200: list[RoutingRuleOut], **ERRORS})
def list_routing_rules(request):
    require_perm(request, "funnel.view_routingrule")
    return list(RoutingRule.objects.order_by("position", "pk"))


@router.post("/routing-rules", response={201: RoutingRuleOut, **ERRORS})
def create_routing_rule(request, payload: RoutingRuleIn):
    require_perm(request, "funnel.add_routingrule")
    return 201, routing_services.routing_rule_create(
        actor=request.user, via="api", **_rule_data(payload.dict())
    )


@router.patch("/routing-rules/{rule_id}", response={200: RoutingRuleOut, **ERRORS})
def update_routing_rule(request, rule_id: int, payload: RoutingRuleIn):
    require_perm(request, "funnel.change_routingrule")
    rule = _get(RoutingRule, rule_id, "rule")
    return routing_services.routing_rule_update(
        rule=rule, actor=request.user, via="api", **_rule_data(payload.dict(exclude_unset=True))
    )


class MoveIn(Schema):
    direction: Annotated[str, Field(pattern=r"^(up|down)$")]


class RuleTraceOut(Schema):
    rule_id: int
    name: str
    is_active: bool
    matches: bool
    why: str


class RoutingPreviewOut(Schema):
    person_id: int | None
    team_id: int | None
    rule_id: int | None
    explanation: str
    trace: list[RuleTraceOut]


@router.post("/routing-rules/{rule_id}/move", response={200: RoutingRuleOut, **ERRORS})
def move_routing_rule(request, rule_id: int, payload: MoveIn):
    require_perm(request, "funnel.change_routingrule")
    return routing_services.routing_rule_move(
        rule=_get(RoutingRule, rule_id, "rule"), direction=payload.direction, actor=request.user, via="api"
    )


@router.get("/routing-preview", response={200: RoutingPreviewOut, **ERRORS})
def preview_routing(request, lead_id: int):
    """Which rule would take this lead now, and why — nothing is assigned."""
    require_perm(request, "funnel.change_routingrule")
    preview = routing_services.routing_preview(lead=_lead(request, lead_id))
    decision = preview.decision
    return {
        "person_id": decision.person.pk if decision.person else None,
        "team_id": getattr(decision.team, "pk", None),
        "rule_id": decision.rule.pk if decision.rule else None,
        "explanation": decision.explanation,
        "trace": [
            {
                "rule_id": t.rule.pk,
                "name": t.rule.name,
                "is_active": t.rule.is_active,
                "matches": t.matches,
                "why": t.why,
            }
            for t in preview.trace
        ],
    }


# ---------------------------------------------------------------- SLA


class CalendarIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    timezone: str = "UTC"
    workdays: list[Annotated[int, Field(ge=0, le=6)]]
    day_start: datetime.time = datetime.time(9, 0)
    day_end: datetime.time = datetime.time(17, 0)
    holidays: list[str] = []
    jalali_holidays: list[str] = []
    gregorian_holidays: list[str] = []


class CalendarOut(CalendarIn):
    id: int


class PolicyIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    team_id: int | None = None
    calendar_id: int
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
    accept_within_hours: Decimal
    follow_up_within_hours: Decimal
    min_attempts: int
    mql_target_per_month: int
    acceptance_rate_target: Decimal


class AdherenceOut(Schema):
    team: str
    mqls: int
    mql_target: int
    accepted: int
    returned: int
    acceptance_rate: float | None
    acceptance_target: float
    handoffs_closed: int
    on_time: int
    on_time_rate: float | None
    breaches: int
    open_overdue: int
    follow_up_hours_median: float | None
    follow_up_on_time_rate: float | None
    attempts_before_disqualify: float | None
    min_attempts: int


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
    data["team"] = _get(Team, data.pop("team_id"), "team_id")
    data["calendar"] = _get(BusinessCalendar, data.pop("calendar_id"), "calendar_id")
    return 201, handoff_services.sla_policy_create(actor=request.user, via="api", **data)


class PolicyPatch(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    team_id: int | None = None
    calendar_id: int | None = None
    accept_within_hours: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)] | None = None
    follow_up_within_hours: Annotated[Decimal, Field(gt=0, le=1000, decimal_places=2)] | None = None
    min_attempts: Annotated[int, Field(ge=0, le=100)] | None = None
    mql_target_per_month: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    acceptance_rate_target: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None


@router.patch("/sla-policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def update_policy(request, policy_id: int, payload: PolicyPatch):
    """Fields left out stay as they are; ``"team_id": null`` makes it the default policy."""
    require_perm(request, "funnel.change_slapolicy")
    policy = _get(SlaPolicy, policy_id, "policy")
    data = payload.dict(exclude_unset=True)
    if "team_id" in data:
        data["team"] = _get(Team, data.pop("team_id"), "team_id")
    if "calendar_id" in data:
        if data["calendar_id"] is None:
            raise ValidationFailed(
                "Calendar required", errors={"calendar_id": ["A policy needs a calendar."]}
            )
        data["calendar"] = _get(BusinessCalendar, data.pop("calendar_id"), "calendar_id")
    return handoff_services.sla_policy_update(policy=policy, actor=request.user, via="api", **data)


@router.delete("/sla-policies/{policy_id}", response={204: None, **ERRORS})
def retire_policy(request, policy_id: int):
    require_perm(request, "funnel.change_slapolicy")
    handoff_services.sla_policy_retire(
        policy=_get(SlaPolicy, policy_id, "policy"), actor=request.user, via="api"
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


# ---------------------------------------------------------------- rules of engagement


class EngagementRuleIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=160)]
    subject: str
    event: str = "any"
    conditions: dict = {}
    actions: list[dict]
    position: Annotated[int, Field(ge=0, le=32000)] = 0


class EngagementRuleOut(EngagementRuleIn):
    id: int
    is_active: bool


class FiringOut(Schema):
    id: int
    rule_id: int
    object_type: str
    object_id: int
    event_key: str
    outcome: list
    at: datetime.datetime


@router.get("/engagement-rules", response={200: list[EngagementRuleOut], **ERRORS})
def list_engagement_rules(request):
    require_perm(request, "funnel.view_engagementrule")
    return list(EngagementRule.objects.order_by("position", "pk"))


@router.post("/engagement-rules", response={201: EngagementRuleOut, **ERRORS})
def create_engagement_rule(request, payload: EngagementRuleIn):
    require_perm(request, "funnel.add_engagementrule")
    return 201, engagement_services.engagement_rule_create(actor=request.user, via="api", **payload.dict())


class EngagementRulePatch(Schema):
    name: Annotated[str, Field(min_length=1, max_length=160)] | None = None
    subject: str | None = None
    event: str | None = None
    conditions: dict | None = None
    actions: list[dict] | None = None
    position: Annotated[int, Field(ge=0, le=32000)] | None = None
    is_active: bool | None = None


@router.patch("/engagement-rules/{rule_id}", response={200: EngagementRuleOut, **ERRORS})
def update_engagement_rule(request, rule_id: int, payload: EngagementRulePatch):
    """Fields left out stay as they are; ``"is_active": false`` deactivates the rule."""
    require_perm(request, "funnel.change_engagementrule")
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "conditions"}
    return engagement_services.engagement_rule_update(
        rule=_get(EngagementRule, rule_id, "rule"), actor=request.user, via="api", **data
    )


@router.post("/engagement-rules/{rule_id}/move", response={200: EngagementRuleOut, **ERRORS})
def move_engagement_rule(request, rule_id: int, payload: MoveIn):
    require_perm(request, "funnel.change_engagementrule")
    return engagement_services.engagement_rule_move(
        rule=_get(EngagementRule, rule_id, "rule"), direction=payload.direction, actor=request.user, via="api"
    )


@router.get("/engagement-firings", response={200: list[FiringOut], **ERRORS})
def list_firings(request, object_type: str | None = None, object_id: int | None = None, limit: Limit = 100):
    require_perm(request, "funnel.view_engagementrule")
    qs = EngagementFiring.objects.all()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    return list(qs.order_by("-at", "-pk")[:limit])


# ---------------------------------------------------------------- scoring


class PointsIn(Schema):
    spec: dict


@router.get("/scoring/points", response={200: dict, **ERRORS})
def get_points(request):
    require_perm(request, "funnel.view_lead")
    return scoring_services.active_points_spec().to_dict()


@router.post("/scoring/points", response={201: dict, **ERRORS})
def publish_points(request, payload: PointsIn):
    require_perm(request, "funnel.add_scoringspec")
    row = scoring_services.scoring_spec_publish(spec=payload.spec, actor=request.user, via="api")
    return 201, {"version": row.number, "spec": row.spec}


@router.post("/scoring/retrain", response={202: dict, **ERRORS})
def retrain(request):
    require_perm(request, "funnel.add_scoringspec")
    result = retrain_lead_model.enqueue()
    return 202, {"task_id": str(result.id)}


# ---------------------------------------------------------------- lead capture


class CaptureFormIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    allowed_origins: list[str] = []
    rate_limit_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] = 600
    touch_kind: Annotated[str, Field(min_length=1, max_length=40)] = "form_fill"
    origin: Annotated[str, Field(max_length=60)] = ""


class CaptureFormOut(CaptureFormIn):
    id: int
    key: str
    is_active: bool


class BatchIn(Schema):
    form_id: int | None = None
    leads: list[Any]


class BatchOut(Schema):
    id: int
    status: str
    total: int
    processed: int
    failed: int
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


@router.get("/capture-forms", response={200: list[CaptureFormOut], **ERRORS})
def list_capture_forms(request):
    require_perm(request, "funnel.view_captureform")
    return list(CaptureForm.objects.order_by("name"))


@router.post("/capture-forms", response={201: CaptureFormOut, **ERRORS})
def create_capture_form(request, payload: CaptureFormIn):
    require_perm(request, "funnel.add_captureform")
    return 201, capture_services.capture_form_create(actor=request.user, **payload.dict())


@router.api_operation(["OPTIONS"], "/capture/{form_key}", auth=None, include_in_schema=False)
def capture_preflight(request, form_key: str):
    return capture_http.preflight(request, form_key)


@router.post("/capture/{form_key}", auth=None, response={202: dict, **ERRORS, 429: Problem})
def capture(request, form_key: str):
    """Public endpoint for web forms and tools: the form's key is in the path; send an
    ``Idempotency-Key`` header so a retry never makes a second lead. JSON or form-encoded.

    202 ``{"id": …, "status": "accepted"}`` means the submission is stored durably; the
    worker turns it into a lead within seconds. A retry with the same key gets the same
    reply (``Idempotent-Replayed: true``). Usually answered by
    ``capture_http.CaptureFastPathMiddleware`` before it reaches this route (same handler).
    """
    return capture_http.capture(request, form_key)


@router.post("/capture-batches", response={202: BatchOut, 200: BatchOut, **ERRORS})
def capture_bulk(request, payload: BatchIn):
    """Up to 5,000 leads per request, stored durably before the reply, processed by a job."""
    require_perm(request, "funnel.add_lead")
    form = _get(CaptureForm, payload.form_id, "form_id")
    batch, replayed = capture_services.capture_batch_create(
        payloads=payload.leads,
        actor=request.user,
        form=form,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
    )
    batch.refresh_from_db()
    return (200 if replayed else 202), batch


@router.get("/capture-batches/{batch_id}", response={200: BatchOut, **ERRORS})
def capture_batch(request, batch_id: int):
    require_perm(request, "funnel.add_lead")
    batch = _get(CaptureBatch, batch_id, "batch")
    if batch.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied("Not your batch", errors={"batch": ["This batch was sent by someone else."]})
    return batch


@router.get("/capture-batches/{batch_id}/errors", response={200: list[dict], **ERRORS})
def capture_batch_errors(request, batch_id: int):
    require_perm(request, "funnel.add_lead")
    batch = _get(CaptureBatch, batch_id, "batch")
    if batch.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied("Not your batch", errors={"batch": ["This batch was sent by someone else."]})
    return list(batch.items.filter(status="failed").order_by("position").values("position", "error")[:1000])


class CaptureFailureOut(Schema):
    kind: str  # "single" or "bulk"
    id: int
    form_id: int | None
    batch_id: int | None
    position: int | None
    received_at: datetime.datetime
    payload: dict
    error: dict


class CaptureFailureIds(Schema):
    requests: list[int] = []
    items: list[int] = []


class CaptureFailureDone(Schema):
    count: int


@router.get("/capture-failures", response={200: list[CaptureFailureOut], **ERRORS})
def list_capture_failures(request):
    """Submissions the worker could not turn into leads, with the reason (newest first)."""
    require_perm(request, "funnel.view_captureform")
    single = [
        {
            "kind": "single",
            "id": r.pk,
            "form_id": r.form_id,
            "batch_id": None,
            "position": None,
            "received_at": r.created_at,
            "payload": r.payload,
            "error": r.error,
        }
        for r in selectors_capture.failed_requests()
    ]
    bulk = [
        {
            "kind": "bulk",
            "id": i.pk,
            "form_id": i.batch.form_id,
            "batch_id": i.batch_id,
            "position": i.position,
            "received_at": i.batch.created_at,
            "payload": i.payload,
            "error": i.error,
        }
        for i in selectors_capture.failed_items()
    ]
    return single + bulk


@router.post("/capture-failures/retry", response={200: CaptureFailureDone, **ERRORS})
def retry_capture_failures(request, payload: CaptureFailureIds):
    """Send failed submissions (``requests``: single ids, ``items``: bulk row ids) back to the worker."""
    require_perm(request, "funnel.change_captureform")
    n = capture_failures.capture_retry(
        actor=request.user, request_ids=payload.requests, item_ids=payload.items, via="api"
    )
    return {"count": n}


@router.post("/capture-failures/dismiss", response={200: CaptureFailureDone, **ERRORS})
def dismiss_capture_failures(request, payload: CaptureFailureIds):
    """Delete failed submissions nobody will retry (the audit log keeps their content)."""
    require_perm(request, "funnel.change_captureform")
    n = capture_failures.capture_dismiss(
        actor=request.user, request_ids=payload.requests, item_ids=payload.items, via="api"
    )
    return {"count": n}


# ---------------------------------------------------------------- my notifications and tasks


class NotificationOut(Schema):
    """The shared inbox's rows (``/together/notifications`` lists the same ones); this
    older twin calls the row's ``url`` ``link``, as it always has."""

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


class TaskOut(Schema):
    id: int
    subject: str
    object_type: str
    object_id: int
    due_at: datetime.datetime | None
    done_at: datetime.datetime | None


class ReadIn(Schema):
    ids: list[int] | None = None


def _me(request):
    person = person_of(request.user)
    if person is None:
        raise NotFound("No person", errors={"user": ["This login has no directory person."]})
    return person


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def my_notifications(request):
    return core_selectors.notifications_for(person_of(request.user), limit=50)


@router.post("/notifications/read", response={200: dict, **ERRORS})
def read_notifications(request, payload: ReadIn):
    return {"marked": mark_read(person=_me(request), ids=payload.ids)}


@router.get("/tasks", response={200: list[TaskOut], **ERRORS})
def my_tasks(request):
    return selectors.my_tasks(user=request.user)


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **ERRORS})
def complete_task(request, task_id: int):
    task = _get(FollowUpTask, task_id, "task")
    return engagement_services.task_complete(task=task, person=_me(request), via="api")
