"""Lead capture: capture forms, the public capture endpoint, bulk batches, and failed submissions."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, Id, Int, Problem, get_or_404, require_perm
from hamsu.core.errors import PermissionDenied
from hamsu.funnel import capture_http, selectors_capture
from hamsu.funnel.api.common import router
from hamsu.funnel.models import (
    CaptureBatch,
    CaptureForm,
)
from hamsu.funnel.services import capture as capture_services
from hamsu.funnel.services import capture_failures


class CaptureFormIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    allowed_origins: list[str] = []
    rate_limit_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] = stored(default=600)
    touch_kind: Annotated[str, Field(min_length=1, max_length=40)] = "form_fill"
    origin: Annotated[str, Field(max_length=60)] = ""


class CaptureFormOut(CaptureFormIn):
    id: int
    key: str
    is_active: bool


class CaptureBatchIn(Schema):
    form_id: Id | None = None
    leads: list[Any]


class CaptureBatchOut(Schema):
    id: int
    status: str
    total: int = stored()
    processed: int = stored()
    failed: int = stored()
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


@router.get("/capture-forms", response={200: list[CaptureFormOut], **ERRORS})
def list_capture_forms(request):
    require_perm(request, "funnel.view_captureform")
    return list(CaptureForm.objects.order_by("name"))


@router.post("/capture-forms", response={201: CaptureFormOut, **ERRORS})
def create_capture_form(request, payload: CaptureFormIn):
    require_perm(request, "funnel.add_captureform")
    return 201, capture_services.capture_form_create(actor=request.user, **payload.dict())


@router.api_operation(["OPTIONS"], "/capture/{form_key}", auth=None, include_in_schema=False)
def capture_preflight(request, form_key: str):
    return capture_http.preflight(request, form_key)


@router.post("/capture/{form_key}", auth=None, response={202: dict, **ERRORS, 429: Problem})
def capture(request, form_key: str):
    """Public endpoint for web forms and tools: the form's key is in the path; send an
    ``Idempotency-Key`` header so a retry never makes a second lead. JSON or form-encoded.

    202 ``{"id": …, "status": "accepted"}`` means the submission is stored durably; the
    worker turns it into a lead within seconds. A retry with the same key gets the same
    reply (``Idempotent-Replayed: true``). Usually answered by
    ``capture_http.CaptureFastPathMiddleware`` before it reaches this route (same handler).
    """
    return capture_http.capture(request, form_key)


@router.post("/capture-batches", response={202: CaptureBatchOut, 200: CaptureBatchOut, **ERRORS})
def capture_bulk(request, payload: CaptureBatchIn):
    """Up to 5,000 leads per request, stored durably before the reply, processed by a job."""
    require_perm(request, "funnel.add_lead")
    form = get_or_404(CaptureForm, payload.form_id, "form_id")
    batch, replayed = capture_services.capture_batch_create(
        payloads=payload.leads,
        actor=request.user,
        form=form,
        idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
    )
    batch.refresh_from_db()
    return (200 if replayed else 202), batch


def _own_batch(request, batch_id: Id) -> CaptureBatch:
    """A batch is read by whoever sent it (and a superuser)."""
    batch = get_or_404(CaptureBatch, batch_id, "batch")
    if batch.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied(
            _("Not your batch"), errors={"batch": [_("This batch was sent by someone else.")]}
        )
    return batch


@router.get("/capture-batches/{batch_id}", response={200: CaptureBatchOut, **ERRORS})
def capture_batch(request, batch_id: Id):
    require_perm(request, "funnel.add_lead")
    return _own_batch(request, batch_id)


class CaptureErrorOut(Schema):
    position: int = stored("The row's place in the batch, from 0")
    error: dict = stored("What was wrong with the row, per field")


@router.get("/capture-batches/{batch_id}/errors", response={200: list[CaptureErrorOut], **ERRORS})
def capture_batch_errors(request, batch_id: Id):
    require_perm(request, "funnel.add_lead")
    batch = _own_batch(request, batch_id)
    return list(batch.items.filter(status="failed").order_by("position").values("position", "error")[:1000])


class CaptureFailureOut(Schema):
    kind: str  # "single" or "bulk"
    id: int
    form_id: int | None
    batch_id: int | None
    position: int | None = stored()
    received_at: datetime.datetime
    payload: dict = stored()
    error: dict = stored()


class CaptureFailureIds(Schema):
    requests: list[Int] = []
    items: list[Int] = []


class CaptureFailureDone(Schema):
    count: Int


@router.get("/capture-failures", response={200: list[CaptureFailureOut], **ERRORS})
def list_capture_failures(request):
    """Submissions the worker could not turn into leads, with the reason (newest first)."""
    require_perm(request, "funnel.view_captureform")
    single = [
        {
            "kind": "single",
            "id": r.pk,
            "form_id": r.form_id,
            "batch_id": None,
            "position": None,
            "received_at": r.created_at,
            "payload": r.payload,
            "error": r.error,
        }
        for r in selectors_capture.failed_requests()
    ]
    bulk = [
        {
            "kind": "bulk",
            "id": i.pk,
            "form_id": i.batch.form_id,
            "batch_id": i.batch_id,
            "position": i.position,
            "received_at": i.batch.created_at,
            "payload": i.payload,
            "error": i.error,
        }
        for i in selectors_capture.failed_items()
    ]
    return single + bulk


@router.post("/capture-failures/retry", response={200: CaptureFailureDone, **ERRORS})
def retry_capture_failures(request, payload: CaptureFailureIds):
    """Send failed submissions (``requests``: single ids, ``items``: bulk row ids) back to the worker."""
    require_perm(request, "funnel.change_captureform")
    n = capture_failures.capture_retry(
        actor=request.user, request_ids=payload.requests, item_ids=payload.items, via="api"
    )
    return {"count": n}


@router.post("/capture-failures/dismiss", response={200: CaptureFailureDone, **ERRORS})
def dismiss_capture_failures(request, payload: CaptureFailureIds):
    """Delete failed submissions nobody will retry (the audit log keeps their content)."""
    require_perm(request, "funnel.change_captureform")
    n = capture_failures.capture_dismiss(
        actor=request.user, request_ids=payload.requests, item_ids=payload.items, via="api"
    )
    return {"count": n}
