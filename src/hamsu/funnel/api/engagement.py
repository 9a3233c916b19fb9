"""Rules of engagement and their firing log."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, Limit, get_or_404, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.funnel.api.common import MoveIn, router
from hamsu.funnel.models import (
    EngagementFiring,
    EngagementRule,
)
from hamsu.funnel.services import engagement as engagement_services


class EngagementRuleIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=160)]
    subject: str
    event: str = "any"
    conditions: dict = stored(default={})
    actions: list[dict] = stored()
    position: Annotated[int, Field(ge=0, le=32000)] = stored(default=0)


class EngagementRuleOut(EngagementRuleIn):
    id: int
    is_active: bool
    version: Annotated[int, Field(description=VERSION_DOC)]


class FiringOut(Schema):
    id: int
    rule_id: Id
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


class EngagementRulePatch(Patch):
    for_model = EngagementRule

    name: Annotated[str, Field(min_length=1, max_length=160)] | None = None
    subject: str | None = None
    event: str | None = None
    conditions: dict | None = None
    actions: list[dict] | None = None
    position: Annotated[int, Field(ge=0, le=32000)] | None = None
    is_active: bool | None = None


@router.get("/engagement-rules/{rule_id}", response={200: EngagementRuleOut, **ERRORS})
def get_engagement_rule(request, response: HttpResponse, rule_id: Id):
    require_perm(request, "funnel.view_engagementrule")
    return with_etag(response, get_or_404(EngagementRule, rule_id, "rule"))


@router.patch("/engagement-rules/{rule_id}", response={200: EngagementRuleOut, **WRITE_ERRORS})
def update_engagement_rule(
    request, response: HttpResponse, rule_id: Id, payload: EngagementRulePatch, if_match: IfMatch = None
):
    """Fields left out stay as they are; ``"is_active": false`` deactivates the rule."""
    require_perm(request, "funnel.change_engagementrule")
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "conditions"}
    rule = engagement_services.engagement_rule_update(
        rule=get_or_404(EngagementRule, rule_id, "rule"),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **data,
    )
    return with_etag(response, rule)


@router.post("/engagement-rules/{rule_id}/move", response={200: EngagementRuleOut, **ERRORS})
def move_engagement_rule(request, rule_id: Id, payload: MoveIn):
    require_perm(request, "funnel.change_engagementrule")
    return engagement_services.engagement_rule_move(
        rule=get_or_404(EngagementRule, rule_id, "rule"),
        direction=payload.direction,
        actor=request.user,
        via="api",
    )


@router.get("/engagement-firings", response={200: list[FiringOut], **ERRORS})
def list_firings(request, object_type: str | None = None, object_id: Id | None = None, limit: Limit = 100):
    require_perm(request, "funnel.view_engagementrule")
    qs = EngagementFiring.objects.all()
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id is not None:
        qs = qs.filter(object_id=object_id)
    return list(qs.order_by("-at", "-pk")[:limit])
