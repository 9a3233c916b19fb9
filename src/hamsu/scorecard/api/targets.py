"""The number and quotas: targets by period and scope."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, get_or_404, require_perm
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.crm.models import Product, Segment
from hamsu.directory.models import Person, Team
from hamsu.scorecard import selectors, services
from hamsu.scorecard.api.common import Money, Note, PeriodKey, router
from hamsu.scorecard.models import Target, TargetScope


class TargetOut(Schema):
    id: int
    period_key: str
    period_kind: str
    calendar: str
    period_start: datetime.date
    period_end: datetime.date
    scope: str
    team_id: int | None
    segment_id: int | None
    product_id: int | None
    person_id: int | None
    amount: Decimal = stored()
    note: str
    version: Annotated[int, Field(description=VERSION_DOC)]


class TargetIn(Schema):
    period: PeriodKey
    scope: TargetScope
    amount: Money
    team_id: Id | None = None
    segment_id: Id | None = None
    product_id: Id | None = None
    person_id: Id | None = None
    note: Note = ""


@router.get("/targets", response={200: list[TargetOut], **ERRORS})
def list_targets(request, period: PeriodKey | None = None, scope: TargetScope | None = None):
    require_perm(request, "scorecard.view_target")
    parsed = services.period_from_key(period) if period else None
    return selectors.target_list(period=parsed, scope=scope or "")


@router.get("/targets/{target_id}", response={200: TargetOut, **ERRORS})
def get_target(request, response: HttpResponse, target_id: Id):
    require_perm(request, "scorecard.view_target")
    return with_etag(response, get_object_or_404(Target, pk=target_id))


@router.put("/targets", response={200: TargetOut, **WRITE_ERRORS})
def set_target(request, response: HttpResponse, payload: TargetIn, if_match: IfMatch = None):
    """Create or replace the target of one scope item (company, team, segment, product, seller) for a period.

    With If-Match (the ETag of the target you read), an existing target is replaced only if
    nobody changed it since; otherwise 412."""
    require_perm(request, "scorecard.change_target")
    target = services.target_set(
        expected_version=expected_version(if_match),
        actor=request.user,
        via="api",
        period=payload.period,
        scope=payload.scope,
        amount=payload.amount,
        team=get_or_404(Team, payload.team_id, "team_id"),
        segment=get_or_404(Segment, payload.segment_id, "segment_id"),
        product=get_or_404(Product, payload.product_id, "product_id"),
        person=get_or_404(Person, payload.person_id, "person_id"),
        note=payload.note,
    )
    return with_etag(response, target)


@router.delete("/targets/{target_id}", response={204: None, **WRITE_ERRORS})
def delete_target(request, target_id: Id, if_match: IfMatch = None):
    require_perm(request, "scorecard.delete_target")
    services.target_delete(
        actor=request.user,
        target=get_object_or_404(Target, pk=target_id),
        via="api",
        expected_version=expected_version(if_match),
    )
    return 204, None
