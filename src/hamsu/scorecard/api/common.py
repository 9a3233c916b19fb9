"""What the scorecard API's modules share: the router they add their operations to, the
filters every page offers, and the field types of money, periods and notes."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from hamsu.core.api_kit import Int, StableIdRouter
from hamsu.crm.models import Source
from hamsu.scorecard import selectors, services

# The operations keep the ids they had when the scorecard's API was one module, api.py.
router = StableIdRouter(tags=["scorecard"], id_prefix="hamsu.scorecard.api")

Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=16, decimal_places=2)]
PeriodKey = Annotated[
    str, Field(max_length=8, description="YYYY, YYYY-Qn or YYYY-MM in the company's fiscal calendar")
]
Note = Annotated[str, Field(max_length=300)]


class FilterQuery(Schema):
    """The filters every scorecard page offers (an unknown source is a field error)."""

    period: PeriodKey | None = None
    team: Int | None = None
    segment: Int | None = None
    product: Int | None = None
    owner: Int | None = None
    source: Source | None = None


def filters_of(request, query: FilterQuery) -> selectors.Filters:
    period = services.period_from_key(query.period) if query.period else selectors.current_period()
    filters = selectors.Filters(
        period=period,
        team=query.team,
        segment=query.segment,
        product=query.product,
        owner=query.owner,
        source=query.source or "",
    )
    return selectors.restrict_filters(request.user, filters)
