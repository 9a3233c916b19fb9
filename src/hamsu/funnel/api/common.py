"""What the funnel API's modules share: the router they add their operations to, and
looking up the records a path or a payload names."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from hamsu.api.routers import StableIdRouter
from hamsu.core.errors import NotFound
from hamsu.funnel import selectors

# The operations keep the ids they had when the funnel's API was one module, api.py.
router = StableIdRouter(tags=["funnel"], id_prefix="hamsu.funnel.api")


def get_by_id(model, pk, label):
    """The ``model`` row ``pk`` (None when ``pk`` is None); 404 with a field error when missing."""
    instance = model.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and instance is None:
        raise NotFound(f"No {label} {pk}", errors={label: [f"No {label} with id {pk}."]})
    return instance


def lead_for(request, lead_id: int):
    """The lead the path names, if the caller may open it (``selectors.lead_detail``)."""
    lead = selectors.lead_detail(user=request.user, pk=lead_id)
    if lead is None:
        raise NotFound("Lead not found", errors={"lead": [f"No lead with id {lead_id}."]})
    return lead


class MoveIn(Schema):
    direction: Annotated[str, Field(pattern=r"^(up|down)$")]
