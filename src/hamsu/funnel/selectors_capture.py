"""Reads for lead capture: how each form is doing, and the submissions that failed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from hamsu.funnel.models import CaptureForm, CaptureItem, CaptureRequest

RECENT_DAYS = 30


@dataclass
class FormActivity:
    form: CaptureForm
    received: int  # in the last RECENT_DAYS days
    pending: int
    failed: int


def form_activity(*, days: int = RECENT_DAYS) -> list[FormActivity]:
    """Per capture form: submissions received lately, waiting for the worker, and failed."""
    since = timezone.now() - datetime.timedelta(days=days)
    counts = {
        row["form_id"]: row
        for row in CaptureRequest.objects.values("form_id")
        .annotate(
            received=Count("pk", filter=Q(created_at__gte=since)),
            pending=Count("pk", filter=Q(status=CaptureRequest.Status.PENDING)),
            failed=Count("pk", filter=Q(status=CaptureRequest.Status.FAILED)),
        )
        .order_by()
    }
    empty = {"received": 0, "pending": 0, "failed": 0}
    return [
        FormActivity(form=form, **{k: counts.get(form.pk, empty)[k] for k in empty})
        for form in CaptureForm.objects.order_by("name")
    ]


def failed_requests(*, limit: int = 200) -> list[CaptureRequest]:
    return list(
        CaptureRequest.objects.filter(status=CaptureRequest.Status.FAILED)
        .select_related("form")
        .order_by("-created_at", "-pk")[:limit]
    )


def failed_items(*, limit: int = 200) -> list[CaptureItem]:
    return list(
        CaptureItem.objects.filter(status=CaptureItem.Status.FAILED)
        .select_related("batch", "batch__form")
        .order_by("-batch_id", "position")[:limit]
    )


def failed_count() -> int:
    return (
        CaptureRequest.objects.filter(status=CaptureRequest.Status.FAILED).count()
        + CaptureItem.objects.filter(status=CaptureItem.Status.FAILED).count()
    )
