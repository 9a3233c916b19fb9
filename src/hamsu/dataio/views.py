"""HTML views: upload → map columns → dry run → commit, exports, backup, webhooks."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.core.company import company_currency
from hamsu.core.errors import DomainError
from hamsu.core.http import int_or_none
from hamsu.core.versioning import StaleVersion
from hamsu.dataio import selectors, services
from hamsu.dataio.engine import FILE_UPDATED_AT, OVERWRITE_NEWER
from hamsu.dataio.exporters import csv_chunks, csv_stream, xlsx_tempfile
from hamsu.dataio.importers import IMPORTERS
from hamsu.dataio.models import (
    ImportKind,
    ImportStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from hamsu.dataio.permissions import may_import


def _error_text(error: DomainError) -> str:
    details = "; ".join(f"{field}: {' '.join(m)}" for field, m in error.errors.items())
    return f"{error.message} {details}".strip()


# ---------------------------------------------------------------- imports


@login_required
@permission_required("dataio.add_importjob", raise_exception=True)
def import_list(request):
    if request.method == "POST":
        try:
            job = services.import_job_create(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                upload=request.FILES.get("file"),
                encoding=request.POST.get("encoding", "").strip(),
                delimiter=request.POST.get("delimiter", ""),
                preset=request.POST.get("preset", ""),
            )
        except DomainError as error:
            messages.error(request, _error_text(error))
            return redirect("dataio:imports")
        return redirect("dataio:import", pk=job.pk)
    services.import_jobs_fail_abandoned()  # a job whose worker died shows as failed, with why
    return render(
        request,
        "dataio/import_list.html",
        {
            "jobs": selectors.import_job_list(user=request.user),
            "kinds": [(k, label) for k, label in ImportKind.choices if may_import(request.user, k)],
            "presets": [preset for preset, _fits in selectors.preset_list()],
        },
    )


def _job_or_404(request, pk):
    services.import_jobs_fail_abandoned(job_ids=[pk])  # a job whose worker died: failed, with why
    job = selectors.import_job_get(user=request.user, pk=pk)
    if job is None:
        raise Http404
    return job


@login_required
@permission_required("dataio.add_importjob", raise_exception=True)
def import_detail(request, pk: int):
    job = _job_or_404(request, pk)
    targets = sorted(IMPORTERS[job.kind].TARGETS)
    current = {t: (c if isinstance(c, str) else c[0]) for t, c in (job.mapping.get("columns") or {}).items()}
    return render(
        request,
        "dataio/import_detail.html",
        {
            "job": job,
            "progress": selectors.import_job_progress(job),
            "rows": [(t, current.get(t, ""), t in IMPORTERS[job.kind].REQUIRED) for t in targets],
            "mapping_json": json.dumps(job.mapping, ensure_ascii=False, indent=2),
            "errors": selectors.import_issues(job=job, kind="error"),
            "duplicates": selectors.import_issues(job=job, kind="duplicate", limit=200),
            "warnings": selectors.import_issues(job=job, kind="warning", limit=200),
            "presets": selectors.preset_list(kind=job.kind, headers=job.headers),
            "can_commit": job.status in (ImportStatus.CHECKED, ImportStatus.UPLOADED, ImportStatus.FAILED),
            # Only kinds whose rows can say when their record last changed (issue 18).
            "overwrite_option": OVERWRITE_NEWER if FILE_UPDATED_AT in IMPORTERS[job.kind].TARGETS else "",
            "overwrite_newer": bool((job.mapping.get("options") or {}).get(OVERWRITE_NEWER)),
        },
    )


@login_required
@permission_required("dataio.add_importjob", raise_exception=True)
def import_progress(request, pk: int):
    job = _job_or_404(request, pk)
    response = render(
        request, "dataio/_progress.html", {"job": job, "progress": selectors.import_job_progress(job)}
    )
    if not job.is_active and request.htmx:
        response["HX-Refresh"] = "true"  # the report is ready: show the whole page
    return response


@login_required
@permission_required("dataio.add_importjob", raise_exception=True)
@require_POST
def import_mapping(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        if request.POST.get("preset", "").strip():
            services.import_job_apply_preset(job=job, actor=request.user, preset=request.POST["preset"])
            return redirect("dataio:import", pk=job.pk)
        if request.POST.get("mapping_json", "").strip():
            mapping = json.loads(request.POST["mapping_json"])
        else:
            targets = IMPORTERS[job.kind].TARGETS
            columns = {t: request.POST.get(f"col_{t}") for t in targets if request.POST.get(f"col_{t}")}
            mapping = {**job.mapping, "columns": columns}
            if FILE_UPDATED_AT in targets:
                options = {**(job.mapping.get("options") or {})}
                options[OVERWRITE_NEWER] = request.POST.get(OVERWRITE_NEWER) == "on"
                mapping["options"] = options
            if columns != job.mapping.get("columns"):  # edited by hand: no longer the preset
                mapping.pop("preset", None)
                mapping.pop("preset_name", None)
        services.import_job_set_mapping(job=job, actor=request.user, mapping=mapping)
        if request.POST.get("preset_name", "").strip():
            services.preset_save(
                actor=request.user, name=request.POST["preset_name"], kind=job.kind, mapping=mapping
            )
            messages.success(request, _("Mapping saved as a preset."))
    except json.JSONDecodeError as error:
        messages.error(request, _("The mapping is not valid JSON: %(reason)s") % {"reason": error})
    except DomainError as error:
        messages.error(request, _error_text(error))
    return redirect("dataio:import", pk=job.pk)


@login_required
@permission_required("dataio.add_importjob", raise_exception=True)
@require_POST
def import_start(request, pk: int):
    job = _job_or_404(request, pk)
    dry_run = request.POST.get("mode") != "commit"
    try:
        services.import_job_start(job=job, actor=request.user, dry_run=dry_run)
    except DomainError as error:
        messages.error(request, _error_text(error))
    return redirect("dataio:import", pk=job.pk)


@login_required
@permission_required("dataio.add_importjob", raise_exception=True)
def import_report(request, pk: int):
    """The full row-level report as CSV (errors, duplicates and warnings)."""
    job = _job_or_404(request, pk)
    rows = job.issues.order_by("row", "id").values_list("row", "column", "kind", "message").iterator()
    response = StreamingHttpResponse(
        csv_chunks(["row", "column", "kind", "message"], rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
    return response


# ---------------------------------------------------------------- exports


@login_required
def export_index(request):
    kinds = [
        (kind, spec.model._meta.verbose_name_plural)
        for kind, spec in selectors.EXPORTS.items()
        if request.user.has_perm(spec.permission)
    ]
    return render(
        request,
        "dataio/exports.html",
        {"kinds": kinds, "can_backup": request.user.has_perm("dataio.backup_company")},
    )


@login_required
def export_download(request, kind: str, fmt: str):
    spec = selectors.EXPORTS.get(kind)
    if spec is None or fmt not in ("csv", "xlsx"):
        raise Http404
    if not request.user.has_perm(spec.permission):
        return HttpResponse(status=403)
    stamp = timezone.now().strftime("%Y%m%d")
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_stream(
                spec.header_in(company_currency()), selectors.export_columns(user=request.user, kind=kind)
            ),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.csv"'
        return response
    chunks = selectors.export_columns(user=request.user, kind=kind, datetimes="aware")
    handle = xlsx_tempfile(spec.header_in(company_currency()), chunks, title=kind)
    return FileResponse(handle, as_attachment=True, filename=f"{kind}-{stamp}.xlsx")


@login_required
@permission_required("dataio.backup_company", raise_exception=True)
def backup_download(request):
    from hamsu.dataio.backup import backup_to_tempfile

    handle = backup_to_tempfile(actor=request.user)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"hamsu-backup-{stamp}.zip")


# ---------------------------------------------------------------- webhooks


@login_required
@permission_required("dataio.view_webhookendpoint", raise_exception=True)
def webhook_list(request):
    if request.method == "POST":
        if not request.user.has_perm("dataio.add_webhookendpoint"):
            return HttpResponse(status=403)
        try:
            services.webhook_endpoint_create(
                actor=request.user,
                url=request.POST.get("url", ""),
                events=request.POST.getlist("events"),
                description=request.POST.get("description", ""),
            )
            messages.success(request, _("Webhook endpoint added."))
        except DomainError as error:
            messages.error(request, _error_text(error))
        return redirect("dataio:webhooks")
    return render(
        request,
        "dataio/webhooks.html",
        {
            "endpoints": selectors.webhook_endpoints(),
            "events": WebhookEvent.choices,
            "deliveries": selectors.webhook_deliveries(limit=50),
            "allow_http": settings.HAMSU_WEBHOOK_ALLOW_HTTP,
        },
    )


@login_required
@permission_required("dataio.view_webhookendpoint", raise_exception=True)
def webhook_detail(request, pk: int):
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    if request.method == "POST":
        if not request.user.has_perm("dataio.change_webhookendpoint"):
            return HttpResponse(status=403)
        shown = int_or_none(request.POST.get("version"))  # the version the page showed
        try:
            if request.POST.get("action") == "delete":
                services.webhook_endpoint_delete(
                    endpoint=endpoint, actor=request.user, expected_version=shown
                )
                return redirect("dataio:webhooks")
            services.webhook_endpoint_update(
                endpoint=endpoint,
                actor=request.user,
                events=request.POST.getlist("events") or None,
                is_active=request.POST.get("is_active") == "on",
                rotate_secret=request.POST.get("action") == "rotate",
                expected_version=shown,
            )
            messages.success(request, _("Saved."))
        except StaleVersion as stale:
            messages.error(request, stale.message)  # who changed it; the page shows it as it is now
        except DomainError as error:
            messages.error(request, _error_text(error))
        return redirect("dataio:webhook", pk=endpoint.pk)
    return render(
        request,
        "dataio/webhook_detail.html",
        {
            "endpoint": endpoint,
            "events": WebhookEvent.choices,
            "deliveries": selectors.webhook_deliveries(endpoint=endpoint),
        },
    )


@login_required
@permission_required("dataio.change_webhookdelivery", raise_exception=True)
@require_POST
def webhook_replay(request, pk: int):
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    services.webhook_delivery_replay(delivery=delivery, actor=request.user)
    messages.success(request, _("Delivery queued again."))
    return redirect("dataio:webhook", pk=delivery.endpoint_id)
