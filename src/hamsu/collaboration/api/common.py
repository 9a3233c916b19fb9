"""What the collaboration API's modules share: the router they add their operations to,
the text fields' limits, looking up many records by id, and the schemas of a feedback note
and a meeting (a liaison's page shows both)."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import StableIdRouter, get_or_404

# The operations keep the ids they had when the collaboration API was one module, api.py.
router = StableIdRouter(tags=["collaboration"], id_prefix="hamsu.collaboration.api")


Text = Annotated[str, Field(max_length=2000)]
Title = Annotated[str, Field(min_length=1, max_length=300)]


def many(model, ids, label):
    """The ``model`` rows ``ids``, in order; 404 with a field error for the first missing one."""
    return [get_or_404(model, pk, label) for pk in ids]


class NoteOut(Schema):
    id: int
    author_id: int
    account_id: int | None
    opportunity_id: int | None
    customer_need: str
    competitor: str
    outcome: str
    outcome_reason: str
    product_gap: str
    winning_message: str
    lead_quality_complaint: bool
    created_at: datetime.datetime


class MeetingOut(Schema):
    id: int
    series_id: int | None
    title: str
    starts_at: datetime.datetime
    duration_minutes: int = stored()
    location: str
    status: str
