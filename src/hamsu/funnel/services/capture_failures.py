"""What marketing does with a captured submission that did not become a lead.

The worker marks a submission ``failed`` with the reason when turning it into a lead
raised (a bug, or data the records refuse): it is never dropped. Here a person retries
such submissions (they go back to the worker, e.g. after the cause was fixed) or
dismisses them (deleted, on purpose and on the record). Single submissions and the rows
of bulk batches are handled alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed
from hamsu.core.models import AuditEntry
from hamsu.funnel.models import CaptureBatch, CaptureItem, CaptureRequest
from hamsu.funnel.tasks import wake_worker

FAILED = "failed"


def _failed(model, ids: Iterable[int]):
    return model.objects.filter(pk__in=list(ids), status=FAILED)


def _audit(
    actor,
    action: str,
    rows: Sequence[CaptureRequest | CaptureItem],
    *,
    via: str,
    changes: Callable[[CaptureRequest | CaptureItem], dict],
) -> None:
    """One audit entry per row, written in one statement (a retry can cover thousands)."""
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=row._meta.label_lower,
            object_id=str(row.pk),
            object_repr=str(row)[:200],
            changes=changes(row),
            via=via,
        )
        for row in rows
    )


def _require_some(requests: list, items: list) -> None:
    if not requests and not items:
        raise ValidationFailed(
            _("Choose failed submissions first."),
            errors={"ids": [_("None of these is a failed submission (already retried or dismissed?).")]},
        )


@transaction.atomic
def capture_retry(
    *, actor, request_ids: Iterable[int] = (), item_ids: Iterable[int] = (), via: str = "ui"
) -> int:
    """Send failed submissions back to the worker; returns how many."""
    requests = list(_failed(CaptureRequest, request_ids).select_for_update())
    items = list(_failed(CaptureItem, item_ids).select_for_update())
    _require_some(requests, items)
    CaptureRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=CaptureRequest.Status.PENDING, error={}, processed_at=None
    )
    CaptureItem.objects.filter(pk__in=[i.pk for i in items]).update(
        status=CaptureItem.Status.PENDING, error={}
    )
    # A batch with pending rows is queued again; processing recounts it when it is done.
    CaptureBatch.objects.filter(pk__in={i.batch_id for i in items}).update(
        status=CaptureBatch.Status.QUEUED, finished_at=None
    )
    _audit(actor, "update", requests + items, via=via, changes=lambda _row: {"status": [FAILED, "pending"]})
    transaction.on_commit(lambda: wake_worker(force=True))
    return len(requests) + len(items)


@transaction.atomic
def capture_dismiss(
    *, actor, request_ids: Iterable[int] = (), item_ids: Iterable[int] = (), via: str = "ui"
) -> int:
    """Delete failed submissions nobody will retry; returns how many."""
    requests = list(_failed(CaptureRequest, request_ids).select_for_update())
    items = list(_failed(CaptureItem, item_ids).select_for_update())
    _require_some(requests, items)
    # The audit keeps what was dismissed: the payload and why it failed.
    _audit(
        actor,
        "delete",
        requests + items,
        via=via,
        changes=lambda row: {"payload": row.payload, "error": row.error},
    )
    CaptureRequest.objects.filter(pk__in=[r.pk for r in requests]).delete()
    CaptureItem.objects.filter(pk__in=[i.pk for i in items]).delete()
    return len(requests) + len(items)
