"""API v1 for data in and out: the same services and selectors as the pages."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Annotated

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, not_found, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.core.company import company_currency
from hamsu.core.errors import NotFound, ValidationFailed
from hamsu.dataio import selectors, services
from hamsu.dataio.exporters import csv_stream
from hamsu.dataio.models import ImportJob, WebhookDelivery, WebhookEndpoint

router = Router(tags=["data"])
PREFIX = "data"


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str
    filename: str
    encoding: str
    delimiter: str
    headers: list[str]
    mapping: dict = stored()
    total_rows: int = stored()
    processed_rows: int = stored()
    percent: int = stored()
    created_count: int = stored()
    updated_count: int = stored()
    unchanged_count: int = stored()
    duplicate_count: int = stored()
    error_count: int = stored()
    summary: dict = stored()
    message: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class IssueOut(Schema):
    row: int = stored()
    column: str
    kind: str
    message: str


class MappingIn(Schema):
    """Either a mapping, or the key of a preset (see ``GET /presets``).

    A file with an ``updated_at`` column (mapped to the target ``updated_at``) says when each
    row's record last changed where the file came from; a record changed in Hamsu after that
    is reported per row and not overwritten, unless the mapping's options say
    ``{"overwrite_changed_in_hamsu": true}``."""

    mapping: dict | None = None
    preset: str = ""


class PresetOut(Schema):
    key: str
    name: str
    kind: str
    source: str
    mapping: dict = stored()
    fits: bool = Field(False, description="The file has every column the preset reads.")


def _presets_out(items) -> list[dict]:
    return [
        {"key": p.key, "name": p.name, "kind": p.kind, "source": p.source, "mapping": p.mapping, "fits": fits}
        for p, fits in items
    ]


def _job_out(job: ImportJob) -> dict:
    progress = selectors.import_job_progress(job)
    data = {f: getattr(job, f) for f in ImportJobOut.model_fields if hasattr(job, f)}
    data.update(
        processed_rows=progress["processed"], percent=progress["percent"], total_rows=progress["total"]
    )
    return data


def _job(request, pk: Id) -> ImportJob:
    services.import_jobs_fail_abandoned(job_ids=[pk])  # a job whose worker died: failed, with why
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job is None:
        raise not_found(ImportJob, pk, "id")
    return job


@router.get("/imports", response={200: list[ImportJobOut], **ERRORS})
def import_list(request):
    require_perm(request, "dataio.view_importjob")
    services.import_jobs_fail_abandoned()
    return [_job_out(job) for job in selectors.import_job_list(user=request.user)]


@router.post("/imports", response={201: ImportJobOut, **ERRORS})
def import_create(
    request,
    kind: Form[str],
    file: File[UploadedFile],
    encoding: Form[str] = "",
    delimiter: Form[str] = "",
    mapping: Form[str] = "",
    preset: Form[str] = "",
):
    """Upload a CSV/XLSX file. The mapping is ``mapping`` (JSON, see docs/dataio.md), else
    the preset named by ``preset`` (a key from ``GET /presets``), else the preset
    recognised from the file's columns (``mapping.preset`` in the answer), else the
    headers that name fields."""
    require_perm(request, "dataio.add_importjob")
    parsed = None
    if mapping.strip():
        try:
            parsed = json.loads(mapping)
        except json.JSONDecodeError as error:
            raise ValidationFailed(
                _("The mapping is not valid JSON."), errors={"mapping": [str(error)]}
            ) from None
    job = services.import_job_create(
        actor=request.user,
        kind=kind,
        upload=file,
        encoding=encoding,
        delimiter=delimiter,
        mapping=parsed,
        preset=preset,
        via="api",
    )
    return Status(201, _job_out(job))


@router.get("/presets", response={200: list[PresetOut], **ERRORS})
def preset_list(request, kind: str = ""):
    """Mapping presets offered on upload: saved ones, the public data sets', the common
    CRM exports'."""
    require_perm(request, "dataio.view_importjob")
    return _presets_out(selectors.preset_list(kind=kind))


@router.get("/imports/{pk}/presets", response={200: list[PresetOut], **ERRORS})
def import_presets(request, pk: Id):
    """The presets for this file's kind, those whose every column the file has first."""
    require_perm(request, "dataio.view_importjob")
    job = _job(request, pk)
    return _presets_out(selectors.preset_list(kind=job.kind, headers=job.headers))


@router.get("/imports/{pk}", response={200: ImportJobOut, **ERRORS})
def import_get(request, pk: Id):
    require_perm(request, "dataio.view_importjob")
    return _job_out(_job(request, pk))


@router.put("/imports/{pk}/mapping", response={200: ImportJobOut, **ERRORS})
def import_set_mapping(request, pk: Id, payload: MappingIn):
    require_perm(request, "dataio.add_importjob")
    if payload.preset:
        job = services.import_job_apply_preset(
            job=_job(request, pk), actor=request.user, preset=payload.preset, via="api"
        )
        return _job_out(job)
    if payload.mapping is None:
        raise ValidationFailed(
            _("Give a mapping or a preset."), errors={"mapping": [_("Give a mapping or a preset.")]}
        )
    job = services.import_job_set_mapping(
        job=_job(request, pk), actor=request.user, mapping=payload.mapping, via="api"
    )
    return _job_out(job)


@router.post("/imports/{pk}/dry-run", response={202: ImportJobOut, **ERRORS})
def import_dry_run(request, pk: Id):
    require_perm(request, "dataio.add_importjob")
    job = services.import_job_start(job=_job(request, pk), actor=request.user, dry_run=True, via="api")
    job.refresh_from_db()
    return Status(202, _job_out(job))


@router.post("/imports/{pk}/commit", response={202: ImportJobOut, **ERRORS})
def import_commit(request, pk: Id):
    require_perm(request, "dataio.add_importjob")
    job = services.import_job_start(job=_job(request, pk), actor=request.user, dry_run=False, via="api")
    job.refresh_from_db()
    return Status(202, _job_out(job))


@router.get("/imports/{pk}/issues", response={200: list[IssueOut], **ERRORS})
def import_issues(request, pk: Id, kind: str = "", limit: Annotated[int, Field(ge=1, le=5000)] = 500):
    require_perm(request, "dataio.view_importjob")
    return list(selectors.import_issues(job=_job(request, pk), kind=kind, limit=limit))


@router.get("/exports/{kind}", response={200: None, **ERRORS})
def export(request, kind: str):
    """The list as CSV (the records you may see; formulas neutralised)."""
    spec = selectors.EXPORTS.get(kind)
    if spec is None:
        raise NotFound(
            _("No export %(kind)s") % {"kind": kind},
            errors={"kind": [_("Export one of: %(kinds)s.") % {"kinds": ", ".join(selectors.EXPORTS)}]},
        )
    require_perm(request, spec.permission)
    response = StreamingHttpResponse(
        csv_stream(
            spec.header_in(company_currency()), selectors.export_columns(user=request.user, kind=kind)
        ),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


# ---------------------------------------------------------------- webhooks


class EndpointIn(Schema):
    url: Annotated[str, Field(min_length=8, max_length=500)]
    events: list[str]
    description: Annotated[str, Field(max_length=200)] = ""


class EndpointPatch(Patch):
    for_model = WebhookEndpoint

    url: Annotated[str, Field(min_length=8, max_length=500)] | None = None
    events: list[str] | None = None
    is_active: bool | None = None
    description: Annotated[str, Field(max_length=200)] | None = None
    rotate_secret: bool = False


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    is_active: bool
    secret: str
    created_at: datetime.datetime
    version: Annotated[int, Field(description=VERSION_DOC)]


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: uuid.UUID
    event_type: str
    payload: dict = stored()
    status: str
    attempts: int = stored()
    response_status: int | None = stored()
    last_error: str
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None


def _endpoint(pk: Id) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=pk).first()
    if endpoint is None:
        raise not_found(WebhookEndpoint, pk, "id")
    return endpoint


@router.get("/webhooks", response={200: list[EndpointOut], **ERRORS})
def webhook_list(request):
    require_perm(request, "dataio.view_webhookendpoint")
    return list(selectors.webhook_endpoints())


@router.post("/webhooks", response={201: EndpointOut, **ERRORS})
def webhook_create(request, payload: EndpointIn):
    require_perm(request, "dataio.add_webhookendpoint")
    return Status(201, services.webhook_endpoint_create(actor=request.user, via="api", **payload.dict()))


@router.get("/webhooks/{pk}", response={200: EndpointOut, **ERRORS})
def webhook_get(request, response: HttpResponse, pk: Id):
    require_perm(request, "dataio.view_webhookendpoint")
    return with_etag(response, _endpoint(pk))


@router.patch("/webhooks/{pk}", response={200: EndpointOut, **WRITE_ERRORS})
def webhook_update(request, response: HttpResponse, pk: Id, payload: EndpointPatch, if_match: IfMatch = None):
    """Changes only the fields sent."""
    require_perm(request, "dataio.change_webhookendpoint")
    endpoint = services.webhook_endpoint_update(
        endpoint=_endpoint(pk),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **payload.dict(),
    )
    return with_etag(response, endpoint)


@router.delete("/webhooks/{pk}", response={204: None, **WRITE_ERRORS})
def webhook_delete(request, pk: Id, if_match: IfMatch = None):
    require_perm(request, "dataio.delete_webhookendpoint")
    services.webhook_endpoint_delete(
        endpoint=_endpoint(pk), actor=request.user, via="api", expected_version=expected_version(if_match)
    )
    return Status(204, None)


@router.get("/webhooks/{pk}/deliveries", response={200: list[DeliveryOut], **ERRORS})
def webhook_deliveries(request, pk: Id, status: str = ""):
    require_perm(request, "dataio.view_webhookdelivery")
    return list(selectors.webhook_deliveries(endpoint=_endpoint(pk), status=status))


@router.post("/webhook-deliveries/{pk}/replay", response={202: DeliveryOut, **ERRORS})
def webhook_replay(request, pk: Id):
    require_perm(request, "dataio.change_webhookdelivery")
    delivery = WebhookDelivery.objects.filter(pk=pk).first()
    if delivery is None:
        raise not_found(WebhookDelivery, pk, "id")
    services.webhook_delivery_replay(delivery=delivery, actor=request.user, via="api")
    delivery.refresh_from_db()
    return Status(202, delivery)
