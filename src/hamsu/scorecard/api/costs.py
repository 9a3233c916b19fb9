"""Costs entered by function and category."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, base_currency_field, get_or_404, require_perm
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.crm.models import Segment
from hamsu.scorecard import selectors, services
from hamsu.scorecard.api.common import Money, Note, PeriodKey, router
from hamsu.scorecard.models import CostCategory, CostEntry, CostFunction


class CostOut(Schema):
    id: int
    month: datetime.date
    function: str
    category: str
    amount: Decimal = stored()
    currency: str
    amount_base: Decimal = figure("scorecard.cost")
    base_currency: str = base_currency_field()
    segment_id: int | None
    note: str
    version: Annotated[int, Field(description=VERSION_DOC)]


class CostIn(Schema):
    month: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM in the fiscal calendar")]
    function: CostFunction
    category: CostCategory
    amount: Money
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    segment_id: Id | None = None
    note: Note = ""


@router.get("/costs", response={200: list[CostOut], **ERRORS})
def list_costs(request, period: PeriodKey | None = None):
    require_perm(request, "scorecard.view_costentry")
    p = services.period_from_key(period) if period else selectors.current_period()
    return list(CostEntry.objects.filter(month__gte=p.start, month__lte=p.end).order_by("month", "id")[:2000])


@router.post("/costs", response={201: CostOut, **ERRORS})
def create_cost(request, payload: CostIn):
    require_perm(request, "scorecard.add_costentry")
    entry = services.cost_entry_create(
        actor=request.user,
        via="api",
        month=payload.month,
        function=payload.function,
        category=payload.category,
        amount=payload.amount,
        currency=payload.currency,
        segment=get_or_404(Segment, payload.segment_id, "segment_id"),
        note=payload.note,
    )
    return 201, entry


@router.get("/costs/{cost_id}", response={200: CostOut, **ERRORS})
def get_cost(request, response: HttpResponse, cost_id: Id):
    require_perm(request, "scorecard.view_costentry")
    return with_etag(response, get_object_or_404(CostEntry, pk=cost_id))


@router.delete("/costs/{cost_id}", response={204: None, **WRITE_ERRORS})
def delete_cost(request, cost_id: Id, if_match: IfMatch = None):
    require_perm(request, "scorecard.delete_costentry")
    services.cost_entry_delete(
        actor=request.user,
        entry=get_object_or_404(CostEntry, pk=cost_id),
        via="api",
        expected_version=expected_version(if_match),
    )
    return 204, None
