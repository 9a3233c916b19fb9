"""Every lead capture as a campaign touchpoint, so attribution counts it: the recorder the
campaigns app plugs into the funnel's lead capture (which does not import campaigns)."""

from __future__ import annotations

from django.utils import timezone

from hamsu.campaigns.models import TouchpointKind
from hamsu.campaigns.services import touchpoint_build, touchpoint_record_batch
from hamsu.funnel.capture_touches import CapturedTouch, TouchRecorder


def campaign_kind_of(kind: str) -> str:
    """The touchpoint kind for a capture's touch kind (a "…request" is a form fill)."""
    return kind if kind in TouchpointKind.values else ("form_fill" if "request" in kind else "other")


def touch_errors(touch: CapturedTouch) -> dict[str, list[str]]:
    """The touchpoint's own checks (landing page, time), without a database trip."""
    if not (touch.landing_url or touch.occurred_at):
        return {}  # the kind is always a known one and "now" is always a valid time
    errors: dict[str, list[str]] = {}
    touchpoint_build(
        kind=campaign_kind_of(touch.kind),
        occurred_at=touch.occurred_at or timezone.now(),
        channel="",
        campaign=None,
        contact_id=None,
        account_id=None,
        utm=touch.utm or None,
        landing_url=touch.landing_url,
        external_id=touch.external_id,
        campaign_by_code=lambda _code: None,
        errors=errors,
    )
    return errors


def record_touches(touches: list[CapturedTouch], *, via: str) -> dict[str, list[str]]:
    """One batch of touchpoints; the first refused row's field errors ({} when all are kept)."""
    rows = [
        {
            "kind": campaign_kind_of(touch.kind),
            "occurred_at": touch.occurred_at,
            "contact_id": touch.contact_id,
            "account_id": touch.account_id,
            "utm": touch.utm or None,
            "landing_url": touch.landing_url,
            "external_id": touch.external_id,
        }
        for touch in touches
    ]
    result = touchpoint_record_batch(actor=None, rows=rows, via=via)
    return result.errors[0]["errors"] if result.errors else {}


RECORDER = TouchRecorder("campaigns.touchpoints", check=touch_errors, record=record_touches)
