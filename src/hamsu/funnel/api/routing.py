"""Routing rules, their order, and a preview of which rule would take a lead now."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, get_or_404, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.crm.models import Segment
from hamsu.directory.models import Team
from hamsu.funnel.api.common import MoveIn, lead_for, router
from hamsu.funnel.models import (
    RoutingRule,
    RoutingRuleKind,
)
from hamsu.funnel.services import routing as routing_services


class RoutingRuleOut(Schema):
    id: int
    position: int = stored()
    name: str
    kind: str
    segment_id: int | None
    countries: list[str]
    team_id: int | None
    capacity: int | None = stored()
    conditions: dict = stored()
    is_active: bool
    version: Annotated[int, Field(description=VERSION_DOC)]


class RoutingRuleIn(Schema):
    position: Annotated[int, Field(ge=0, le=32000)] = 0
    name: Annotated[str, Field(min_length=1, max_length=120)]
    kind: RoutingRuleKind
    segment_id: Id | None = None
    countries: list[str] = []
    team_id: Id | None = None
    capacity: Annotated[int, Field(ge=1, le=100000)] | None = None
    conditions: dict = {}
    is_active: bool = True


def _rule_data(payload: dict) -> dict:
    data = dict(payload)
    if "segment_id" in data:
        data["segment"] = get_or_404(Segment, data.pop("segment_id"), "segment_id")
    if "team_id" in data:
        data["team"] = get_or_404(Team, data.pop("team_id"), "team_id")
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


class RoutingRulePatch(Patch):
    for_model = RoutingRule

    position: Annotated[int, Field(ge=0, le=32000)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    kind: RoutingRuleKind | None = None
    segment_id: Id | None = None
    countries: list[str] | None = None
    team_id: Id | None = None
    capacity: Annotated[int, Field(ge=1, le=100000)] | None = None
    conditions: dict | None = None
    is_active: bool | None = None


@router.get("/routing-rules/{rule_id}", response={200: RoutingRuleOut, **ERRORS})
def get_routing_rule(request, response: HttpResponse, rule_id: Id):
    require_perm(request, "funnel.view_routingrule")
    return with_etag(response, get_or_404(RoutingRule, rule_id, "rule"))


@router.patch("/routing-rules/{rule_id}", response={200: RoutingRuleOut, **WRITE_ERRORS})
def update_routing_rule(
    request, response: HttpResponse, rule_id: Id, payload: RoutingRulePatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "funnel.change_routingrule")
    rule = routing_services.routing_rule_update(
        rule=get_or_404(RoutingRule, rule_id, "rule"),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **_rule_data(payload.dict(exclude_unset=True)),
    )
    return with_etag(response, rule)


class RuleTraceOut(Schema):
    rule_id: Id
    name: str
    is_active: bool
    matches: bool
    why: str


class RoutingPreviewOut(Schema):
    person_id: int | None
    team_id: int | None
    rule_id: Id | None
    explanation: str
    trace: list[RuleTraceOut]


@router.post("/routing-rules/{rule_id}/move", response={200: RoutingRuleOut, **ERRORS})
def move_routing_rule(request, rule_id: Id, payload: MoveIn):
    require_perm(request, "funnel.change_routingrule")
    return routing_services.routing_rule_move(
        rule=get_or_404(RoutingRule, rule_id, "rule"),
        direction=payload.direction,
        actor=request.user,
        via="api",
    )


@router.get("/routing-preview", response={200: RoutingPreviewOut, **ERRORS})
def preview_routing(request, lead_id: Id):
    """Which rule would take this lead now, and why — nothing is assigned."""
    require_perm(request, "funnel.change_routingrule")
    preview = routing_services.routing_preview(lead=lead_for(request, lead_id))
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
