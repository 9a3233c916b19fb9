"""What the CRM API's modules share: the router, the error responses of a write, the page
envelope and turning ``*_id`` fields into records."""

from __future__ import annotations

from ninja import Schema

from hamsu.core.api_kit import ERRORS, Problem, StableIdRouter, get_or_404
from hamsu.crm.models import Account, Product, Segment
from hamsu.directory.models import Person

# The operations keep the ids they had when this package was one module (hamsu.crm.api).
router = StableIdRouter(tags=["crm"], id_prefix="hamsu.crm.api")
# The core records sit at the top of the API: /api/v1/opportunities, /api/v1/accounts, …
PREFIX = ""

# A write that may meet a newer version answers 412 (see hamsu.core.api_versions).
WRITE_ERRORS = {**ERRORS, 412: Problem}
VERSION_DOC = "Goes up by one with every change; the ETag of this record. Send it back as If-Match."


class PageOf(Schema):
    next_cursor: str | None


def fk_data(payload: dict) -> dict:
    """Turn ``*_id`` fields into model instances, checking that each exists."""
    lookups = {
        "account_id": (Account, "account"),
        "owner_id": (Person, "owner"),
        "segment_id": (Segment, "segment"),
        "product_id": (Product, "product"),
    }
    data = {}
    for key, value in payload.items():
        if key in lookups:
            model, name = lookups[key]
            data[name] = get_or_404(model, value, name)
        else:
            data[key] = value
    return data
