"""Reads: import jobs and their report, export rows (visibility applied), webhook logs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from hamsu.core.visibility import visible
from hamsu.crm.models import Account, Activity, Contact, Opportunity
from hamsu.dataio.models import ImportIssue, ImportJob, ImportPreset, WebhookDelivery, WebhookEndpoint
from hamsu.dataio.progress import read_progress
from hamsu.directory.models import Person


def import_job_list(*, user, limit: int = 50) -> QuerySet[ImportJob]:
    """Administrators and leaders see every import; others their own uploads."""
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-id")
    if not (
        user.is_superuser
        or user.has_perm("dataio.backup_company")
        or user.has_perm("dataio.change_webhookendpoint")
    ):
        jobs = jobs.filter(created_by=user)
    return jobs[:limit]


def import_job_get(*, user, pk: int) -> ImportJob | None:
    job = ImportJob.objects.select_related("created_by").filter(pk=pk).first()
    if job is None:
        return None
    if job.created_by_id != user.pk and not (
        user.is_superuser
        or user.has_perm("dataio.backup_company")
        or user.has_perm("dataio.change_webhookendpoint")
    ):
        return None
    return job


def import_job_progress(job: ImportJob) -> dict:
    """Live counts while the job runs (from the progress file), final counts after."""
    if job.is_active:
        live = read_progress(job.file_path) or {}
        processed = int(live.get("processed", 0))
        total = int(live.get("total", 0)) or job.total_rows
        percent = min(100, int(100 * processed / total)) if total else 0
        return {"processed": processed, "total": total, "percent": percent, "active": True}
    return {"processed": job.processed_rows, "total": job.total_rows, "percent": job.percent, "active": False}


def import_issues(*, job: ImportJob, kind: str = "", limit: int = 500) -> QuerySet[ImportIssue]:
    issues = job.issues.all()
    if kind:
        issues = issues.filter(kind=kind)
    return issues.order_by("row", "id")[:limit]


def presets_for(kind: str) -> QuerySet[ImportPreset]:
    return ImportPreset.objects.filter(kind=kind).order_by("name")


# ---------------------------------------------------------------- exports


@dataclass(frozen=True)
class ExportSpec:
    model: type
    header: list[str]
    columns: list[str]
    owner_field: str | None = "owner"
    permission: str = ""


# Headers are the import field names, so an export re-imports without a mapping.
EXPORTS: dict[str, ExportSpec] = {
    "accounts": ExportSpec(
        Account,
        [
            "id",
            "name",
            "domain",
            "segment",
            "industry",
            "employees",
            "size_band",
            "annual_revenue",
            "country",
            "owner",
            "parent",
            "external_id",
            "created_at",
        ],
        [
            "pk",
            "name",
            "domain",
            "segment__name",
            "industry",
            "employees",
            "size_band",
            "annual_revenue",
            "country",
            "owner__email",
            "parent__name",
            "external_id",
            "created_at",
        ],
        permission="crm.view_account",
    ),
    "contacts": ExportSpec(
        Contact,
        [
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "title",
            "account",
            "country",
            "owner",
            "external_id",
            "created_at",
        ],
        [
            "pk",
            "first_name",
            "last_name",
            "email",
            "phone",
            "title",
            "account__name",
            "country",
            "owner__email",
            "external_id",
            "created_at",
        ],
        permission="crm.view_contact",
    ),
    "opportunities": ExportSpec(
        Opportunity,
        [
            "id",
            "name",
            "account",
            "owner",
            "stage",
            "amount",
            "currency",
            "amount_base",
            "product",
            "quantity",
            "probability",
            "expected_close",
            "closed_at",
            "source",
            "lost_reason",
            "external_id",
            "created_at",
        ],
        [
            "pk",
            "name",
            "account__name",
            "owner__email",
            "stage",
            "amount",
            "currency",
            "amount_base",
            "product__name",
            "quantity",
            "probability",
            "expected_close",
            "closed_at",
            "source",
            "lost_reason",
            "external_id",
            "created_at",
        ],
        permission="crm.view_opportunity",
    ),
    "activities": ExportSpec(
        Activity,
        [
            "id",
            "kind",
            "subject",
            "body",
            "outcome",
            "occurred_at",
            "account",
            "contact",
            "opportunity",
            "owner",
        ],
        [
            "pk",
            "kind",
            "subject",
            "body",
            "outcome",
            "occurred_at",
            "account__name",
            "contact__email",
            "opportunity__external_id",
            "owner__email",
        ],
        permission="crm.view_activity",
    ),
    "people": ExportSpec(
        Person,
        [
            "id",
            "full_name",
            "email",
            "phone",
            "function",
            "role_title",
            "team",
            "manager",
            "is_active",
            "external_id",
        ],
        [
            "pk",
            "full_name",
            "email",
            "phone",
            "function",
            "role_title",
            "team__name",
            "manager__full_name",
            "is_active",
            "external_id",
        ],
        owner_field=None,
        permission="directory.view_person",
    ),
}


def export_queryset(*, user, kind: str) -> QuerySet:
    """What ``user`` may see of ``kind``: the same rule as the lists and the API."""
    spec = EXPORTS[kind]
    queryset = spec.model.objects.all()
    if spec.owner_field:
        queryset = visible(queryset, user)
    return queryset.order_by("pk")


def export_rows(*, user, kind: str, chunk_size: int = 5000) -> Iterator[tuple]:
    spec = EXPORTS[kind]
    return export_queryset(user=user, kind=kind).values_list(*spec.columns).iterator(chunk_size=chunk_size)


# ---------------------------------------------------------------- webhooks


def webhook_endpoints() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.order_by("url", "id")


def webhook_deliveries(
    *, endpoint: WebhookEndpoint | None = None, status: str = "", limit: int = 200
) -> QuerySet[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.select_related("endpoint").order_by("-created_at", "-id")
    if endpoint is not None:
        deliveries = deliveries.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries[:limit]
