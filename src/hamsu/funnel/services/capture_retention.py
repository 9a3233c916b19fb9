"""How long lead-capture submissions are kept once they have become leads.

A processed submission has done its work: the lead holds the data, and the row only
answers a late retry with the same Idempotency-Key. Kept forever, the intake would grow
by every form post the company ever received (a copy of personal data nobody reads), so
the clock deletes processed rows after ``HAMSU_CAPTURE_KEEP_DAYS``. Failed rows stay:
they are the record of a submission that did not become a lead.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hamsu.funnel.models import CaptureBatch, CaptureItem, CaptureRequest

CHUNK = 10_000


def _delete_in_chunks(queryset) -> int:
    """Delete oldest first, a chunk per transaction, so no delete holds locks for long."""
    deleted = 0
    while True:
        with transaction.atomic():
            pks = list(queryset.order_by("pk").values_list("pk", flat=True)[:CHUNK])
            if not pks:
                return deleted
            deleted += queryset.model.objects.filter(pk__in=pks).delete()[0]


def capture_prune(*, keep_days: int | None = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete processed submissions older than ``keep_days``; returns how many of each."""
    keep_days = settings.HAMSU_CAPTURE_KEEP_DAYS if keep_days is None else keep_days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    single = CaptureRequest.objects.filter(status=CaptureRequest.Status.DONE, processed_at__lt=cutoff)
    finished = CaptureBatch.objects.filter(status=CaptureBatch.Status.DONE, finished_at__lt=cutoff)
    items = CaptureItem.objects.filter(status=CaptureItem.Status.DONE, batch__in=finished)
    return {"requests": _delete_in_chunks(single), "items": _delete_in_chunks(items)}
