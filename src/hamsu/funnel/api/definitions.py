"""Lead definitions: the versions, proposing one, and each head's decision."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, Id, get_or_404, require_perm
from hamsu.funnel.api.common import router
from hamsu.funnel.models import (
    LeadDefinition,
)
from hamsu.funnel.selectors_rule_preview import definition_preview
from hamsu.funnel.services import approvals
from hamsu.funnel.services import definitions as definition_services


class ApprovalOut(Schema):
    side: str
    decision: str
    user_id: int
    comment: str
    at: datetime.datetime


class DefinitionOut(Schema):
    id: int
    kind: str
    number: int = stored()
    rules: dict = stored()
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


class DefinitionPreviewIn(Schema):
    kind: str
    rules: Any


class DefinitionPreviewOut(Schema):
    kind: str
    text: str
    in_effect_text: str
    checked: int = figure("leads.definition_checked")
    qualifying: int = figure("leads.definition_qualifying", "meeting the proposed rule")
    qualifying_in_effect: int = figure("leads.definition_qualifying", "meeting the rule in effect")


class DefinitionDecisionIn(Schema):
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


@router.post("/definitions/preview", response={200: DefinitionPreviewOut, **ERRORS})
def preview_definition(request, payload: DefinitionPreviewIn):
    """The rule in words and how many leads it would qualify now (``checked``: the leads the
    definition is checked against; ``qualifying``: those meeting this rule;
    ``qualifying_in_effect``: those meeting the rule in effect). Nothing is saved; a rule
    the proposal would refuse is refused with the same errors."""
    require_perm(request, "funnel.add_leaddefinition")
    return definition_preview(kind=payload.kind, rules=payload.rules)


@router.get("/definitions/{definition_id}", response={200: DefinitionOut, **ERRORS})
def get_definition(request, definition_id: Id):
    require_perm(request, "funnel.view_leaddefinition")
    return get_or_404(LeadDefinition, definition_id, "definition")


@router.post("/definitions/{definition_id}/decision", response={200: DefinitionOut, **ERRORS})
def decide_definition(request, definition_id: Id, payload: DefinitionDecisionIn):
    require_perm(request, "funnel.approve_leaddefinition")
    return approvals.lead_definition_decide(
        definition=get_or_404(LeadDefinition, definition_id, "definition"),
        actor=request.user,
        approve=payload.approve,
        comment=payload.comment,
        side=payload.side,
        via="api",
    )
