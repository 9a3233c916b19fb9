"""Reads: import jobs and their report, export rows (visibility applied), webhook logs."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.db.models import ForeignObjectRel, Func, QuerySet
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI

from hamsu.crm.models import Account, Activity, Contact, Opportunity
from hamsu.dataio.collector import fewer_gc_passes
from hamsu.dataio.mapping import Preset, crm_presets, dataset_presets, fits, recognise
from hamsu.dataio.models import ImportIssue, ImportJob, ImportPreset, WebhookDelivery, WebhookEndpoint
from hamsu.dataio.progress import read_progress
from hamsu.directory.models import Person
from hamsu.directory.visibility import visible


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


def _saved(kind: str = "") -> tuple[Preset, ...]:
    rows = ImportPreset.objects.order_by("kind", "name")
    if kind:
        rows = rows.filter(kind=kind)
    return tuple(Preset(str(p.pk), p.name, p.kind, {**p.mapping, "kind": p.kind}, "saved") for p in rows)


def preset_list(*, kind: str = "", headers: list[str] | None = None) -> list[tuple[Preset, bool]]:
    """Every preset offered on upload (saved, then the data sets', then the CRM exports'),
    each with whether ``headers`` has every column it reads; those that fit come first."""
    offered = [
        preset
        for preset in (*_saved(kind), *dataset_presets(), *crm_presets())
        if not kind or preset.kind == kind
    ]
    if headers is None:
        return [(preset, False) for preset in offered]
    fitting = [(preset, fits(preset.mapping, headers)) for preset in offered]
    return sorted(fitting, key=lambda item: not item[1])  # stable: the order above within each


def preset_get(key: str) -> Preset | None:
    """A saved preset by id, or a ready-made one by name."""
    key = (key or "").strip()
    if key.isdigit():
        return next(iter(_saved_by_pk(int(key))), None)
    return next((p for p in (*dataset_presets(), *crm_presets()) if p.key == key), None)


def _saved_by_pk(pk: int) -> tuple[Preset, ...]:
    return tuple(
        Preset(str(p.pk), p.name, p.kind, {**p.mapping, "kind": p.kind}, "saved")
        for p in ImportPreset.objects.filter(pk=pk)
    )


def preset_for_file(*, kind: str, headers: list[str]) -> Preset | None:
    """The preset recognised from a file's columns (see ``mapping.recognise``)."""
    return recognise(kind, headers, _saved(kind))


# ---------------------------------------------------------------- exports


@dataclass(frozen=True)
class ExportSpec:
    model: type[models.Model]
    header: list[str]
    columns: list[str]
    owner_field: str | None = "owner"
    permission: str = ""

    def header_in(self, currency: str) -> list[str]:
        """The header of a download, naming the company currency on the converted amount
        (a spreadsheet's cell holds only the number); ``amount`` has its own ``currency``
        column. Import ignores the computed column, so the file still re-imports."""
        return [f"{name} ({currency})" if name == "amount_base" else name for name in self.header]


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
    queryset = spec.model._default_manager.all()
    if spec.owner_field:
        queryset = visible(queryset, user)
    return queryset.order_by("pk")


def export_rows(*, user, kind: str, chunk_size: int = 5000) -> Iterator[tuple]:
    """Typed rows (datetimes as aware datetimes): for XLSX, which stores them as dates."""
    spec = EXPORTS[kind]
    return export_queryset(user=user, kind=kind).values_list(*spec.columns).iterator(chunk_size=chunk_size)


def _field_at(model: type[models.Model], path: str) -> models.Field | ForeignObjectRel:
    """The field a ``values()`` path ends at, through forward or reverse relations."""
    field: models.Field | ForeignObjectRel | None = None
    for part in path.split("__"):
        found = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if not isinstance(found, models.Field | ForeignObjectRel):
            raise ValueError(f"{path!r} does not lead to a column")
        field = found
        if isinstance(field.related_model, type):  # a relation: the path goes on there
            model = field.related_model
    if field is None:
        raise ValueError("an empty column path")
    return field


def export_columns(
    *, user, kind: str, chunk_size: int = 5000, datetimes: str = "text"
) -> Iterator[list[Sequence[Any]]]:
    """The rows of ``export_rows``, a chunk of up to ``chunk_size`` at a time and column by
    column (``columns[i][r]`` is row r's value i: the writers zip them back into rows in
    C). With ``datetimes="text"`` (CSV) a datetime arrives as the text ``isoformat()``
    gives for it (UTC, ``+00:00``); with ``datetimes="aware"`` (XLSX) as the aware
    datetime the ORM would give. Every other value comes as the ORM gives it.

    Why not ``export_rows``: at a million rows the ORM's per-value conversion of the
    datetime column (parse the text, make it aware — on PostgreSQL in Django's Python
    loader — then ``isoformat`` back to text) and its per-row converter loop cost as much
    as everything else. Here SQLite hands over the stored text (``CAST … AS text``: no
    declared type, so no parsing), which already is the ISO form but for the ``T`` and
    the offset, and PostgreSQL formats it (``IsoUtc``) or hands over psycopg's datetime.
    Only columns that need a converter get one.
    """
    if datetimes not in ("text", "aware"):
        raise ValueError(f"datetimes must be 'text' or 'aware', not {datetimes!r}")
    spec = EXPORTS[kind]
    queryset = export_queryset(user=user, kind=kind)
    connection = connections[queryset.db]
    vendor = connection.vendor
    fields = [_field_at(spec.model, path) for path in spec.columns]
    stamped = [i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]
    as_text: dict[str, Callable[[str], Func]] = {
        "sqlite": lambda path: Cast(path, output_field=models.TextField())
    }
    if datetimes == "text":
        as_text["postgresql"] = IsoUtc
    columns = [
        as_text[vendor](path) if vendor in as_text and i in stamped else path
        for i, path in enumerate(spec.columns)
    ]
    with fewer_gc_passes():
        compiler = queryset.values_list(*columns).query.get_compiler(using=queryset.db)
        chunks = compiler.execute_sql(
            MULTI, chunked_fetch=connection.features.can_use_chunked_reads, chunk_size=chunk_size
        )
        converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        fixes = {}
        if vendor == "sqlite":
            stored = _stored_datetime_text if datetimes == "text" else _stored_datetime_aware
            fixes = dict.fromkeys(stamped, stored(connection))
        elif vendor != "postgresql" and datetimes == "text":
            fixes = dict.fromkeys(stamped, _datetime_text)
        for i, (functions, expression) in converters.items():
            if i not in fixes:
                fixes[i] = _converting(functions, expression, connection)
        try:
            for rows in chunks:
                cells: list[Sequence[Any]] = list(zip(*rows, strict=True))
                for i, fix in fixes.items():
                    cells[i] = fix(cells[i])
                yield cells
        finally:
            if hasattr(chunks, "close"):
                chunks.close()  # the server-side cursor, when a download stops half-way


class IsoUtc(Func):
    """PostgreSQL: a timestamptz as the text ``isoformat()`` gives for it in UTC —
    microseconds only when there are any, as Python writes them."""

    output_field = models.TextField()
    template = (
        "CASE WHEN date_trunc('second', %(expressions)s) = %(expressions)s "
        """THEN to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') """
        """ELSE to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"') END"""
    )


def _stored_datetime_text(connection):
    """SQLite stores ``2024-01-02 03:04:05[.ffffff]`` (naive, in the connection's time
    zone, UTC unless configured otherwise): that text with a ``T`` and ``+00:00`` is what
    ``isoformat()`` gives for the aware datetime the ORM would make of it."""
    from django.conf import settings
    from django.utils.dateparse import parse_datetime
    from django.utils.timezone import is_naive, make_aware

    def as_orm_would(value):
        if value is None:
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else value
        if parsed is None:
            return value
        if settings.USE_TZ and is_naive(parsed):
            parsed = make_aware(parsed, connection.timezone)
        return parsed.isoformat()

    if not (settings.USE_TZ and connection.timezone_name == "UTC"):
        return lambda values: [as_orm_would(value) for value in values]

    def convert(values) -> list:
        return [
            (value.replace(" ", "T", 1) + "+00:00")
            if value.__class__ is str and len(value) in (19, 26)
            else as_orm_would(value)
            for value in values
        ]

    return convert


def _stored_datetime_aware(connection):
    """SQLite's stored text (see ``_stored_datetime_text``) as the aware datetime the ORM
    would make of it, without Django's per-value parsing when the text is the usual form."""
    from django.conf import settings
    from django.utils.dateparse import parse_datetime
    from django.utils.timezone import is_naive, make_aware

    def as_orm_would(value):
        if value is None:
            return None
        parsed = parse_datetime(value) if isinstance(value, str) else value
        if parsed is not None and settings.USE_TZ and is_naive(parsed):
            parsed = make_aware(parsed, connection.timezone)
        return parsed

    if not (settings.USE_TZ and connection.timezone_name == "UTC"):
        return lambda values: [as_orm_would(value) for value in values]
    from_text, utc = datetime.datetime.fromisoformat, datetime.UTC

    def convert(values) -> list:
        return [
            from_text(value).replace(tzinfo=utc)
            if value.__class__ is str and len(value) in (19, 26)
            else as_orm_would(value)
            for value in values
        ]

    return convert


def _datetime_text(values) -> list:
    return [None if value is None else value.isoformat() for value in values]


def _converting(functions, expression, connection):
    def convert(values) -> list:
        out = []
        for value in values:
            for function in functions:
                value = function(value, expression, connection)
            out.append(value)
        return out

    return convert


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
