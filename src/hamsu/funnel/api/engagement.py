"""Rules of engagement and their firing log."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, Id, Limit, get_or_404, require_perm
from hamsu.core.api_patch import Patch
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


class EngagementRulePatch(Patch):
    for_model = EngagementRule

    name: Annotated[str, Field(min_length=1, max_length=160)] | None = None
    subject: str | None = None
    event: str | None = None
    conditions: dict | None = None
    actions: list[dict] | None = None
    position: Annotated[int, Field(ge=0, le=32000)] | None = None
    is_active: bool | None = None


@router.patch("/engagement-rules/{rule_id}", response={200: EngagementRuleOut, **ERRORS})
def update_engagement_rule(request, rule_id: Id, payload: EngagementRulePatch):
    """Fields left out stay as they are; ``"is_active": false`` deactivates the rule."""
    require_perm(request, "funnel.change_engagementrule")
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k == "conditions"}
    return engagement_services.engagement_rule_update(
        rule=get_or_404(EngagementRule, rule_id, "rule"), actor=request.user, via="api", **data
    )


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
