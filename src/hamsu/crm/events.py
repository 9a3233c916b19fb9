"""Write stage events. Call only from inside a service's transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hamsu.crm.models import StageEvent


def stage_event_row(
    *,
    object_type: str,
    object_id: int,
    from_stage: str,
    to_stage: str,
    actor=None,
    reason: str = "",
    via: str = "",
    at=None,
    opportunity=None,
) -> StageEvent:
    """The event ``record_stage_event`` writes, unsaved: a writer moving many records at
    once inserts them together (the capture worker), with the same content."""
    return StageEvent(
        object_type=object_type,
        object_id=object_id,
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:300],
        via=via,
        at=at or timezone.now(),
    )


def record_stage_event(**fields) -> StageEvent:
    """Write one stage event (the keyword arguments of ``stage_event_row``)."""
    # A stage event outside a transaction could survive a failed change and lie.
    assert transaction.get_connection().in_atomic_block, (
        "stage events are written inside a service transaction"
    )
    event = stage_event_row(**fields)
    event.save(force_insert=True)
    return event
