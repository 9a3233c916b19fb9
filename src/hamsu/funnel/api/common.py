"""What the funnel API's modules share: the router they add their operations to, and
looking up the records a path or a payload names."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from hamsu.core.api_kit import Id, StableIdRouter, not_found
from hamsu.funnel import selectors
from hamsu.funnel.models import Lead

# The operations keep the ids they had when the funnel's API was one module, api.py.
router = StableIdRouter(tags=["funnel"], id_prefix="hamsu.funnel.api")


def lead_for(request, lead_id: Id):
    """The lead the path names, if the caller may open it (``selectors.lead_detail``)."""
    lead = selectors.lead_detail(user=request.user, pk=lead_id)
    if lead is None:
        raise not_found(Lead, lead_id, "lead")
    return lead


class MoveIn(Schema):
    direction: Annotated[str, Field(pattern=r"^(up|down)$")]
