"""Write stage events. Call only from inside a service's transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from hamsu.crm.models import StageEvent


def record_stage_event(
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
    # A stage event outside a transaction could survive a failed change and lie.
    assert transaction.get_connection().in_atomic_block, (
        "stage events are written inside a service transaction"
    )
    return StageEvent.objects.create(
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
