"""Every write of the data-in-and-out app: import jobs, mapping presets, webhook endpoints.

The import itself (engine.run_import) runs in one transaction per file; the job's own
status is written in short transactions before and after it, so a failed import still
leaves a FAILED job with its reason and nothing of the file. A worker killed mid-import
(SIGKILL, a restart) runs none of that: its transaction is rolled back by the database,
and the job, left "running", is found by its lease (``hamsu.core.leases``, held while the
job runs) being free, and marked failed with the reason (``import_jobs_fail_abandoned``).
"""

from __future__ import annotations

import contextlib
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, leases, uploads, versioning
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.dataio.engine import Report, run_import
from hamsu.dataio.mapping import Mapping
from hamsu.dataio.models import (
    ImportIssue,
    ImportJob,
    ImportKind,
    ImportPreset,
    ImportStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from hamsu.dataio.permissions import KIND_PERMISSIONS, may_import
from hamsu.dataio.progress import clear_progress, write_progress
from hamsu.dataio.readers import ImportFileError, open_table


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store(upload, filename: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in Path(filename).name)[-100:]
    target = upload_dir() / f"{uuid.uuid4().hex}-{safe}"
    size = 0
    with open(target, "wb") as out:
        for chunk in (
            upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
        ):
            size += len(chunk)
            if size > settings.HAMSU_UPLOAD_MAX_BYTES:
                out.close()
                target.unlink()
                raise uploads.too_large(uploads.file_too_large(settings.HAMSU_UPLOAD_MAX_BYTES))
            out.write(chunk)
    return target


def _require_kind_permission(actor, kind: str) -> None:
    """Some kinds need their own app's add permission too (costs: scorecard.add_costentry)."""
    if not may_import(actor, kind):
        raise PermissionDenied(
            _("Your role does not allow importing this kind of record."),
            errors={"kind": [KIND_PERMISSIONS[kind]]},
        )


def _auto_mapping(kind: str, headers: list[str]) -> dict:
    """The preset recognised from the file's columns (saved, a data set's, a CRM
    export's); otherwise a header that names a field (``email``, ``First name``…) maps to it."""
    from hamsu.dataio.importers import IMPORTERS
    from hamsu.dataio.selectors import preset_for_file

    targets = IMPORTERS[kind].TARGETS
    columns = {}
    for header in headers:
        key = header.strip().lower().replace(" ", "_").replace("-", "_")
        if key in targets:
            columns[key] = header
    preset = preset_for_file(kind=kind, headers=headers)
    # A saved or data-set preset fits the whole file (values, defaults, options too); a CRM
    # export's header names are taken when they map more columns than the names alone.
    if preset and (preset.source != "crm export" or len(preset.mapping["columns"]) > len(columns)):
        return _with_preset(preset)
    return {"kind": kind, "columns": columns}


def _with_preset(preset) -> dict:
    mapping = {k: v for k, v in preset.mapping.items() if k not in ("preset", "preset_name")}
    return {**mapping, "kind": preset.kind, "preset": preset.key, "preset_name": preset.name}


def _preset_mapping(kind: str, key: str) -> dict:
    from hamsu.dataio.selectors import preset_get

    preset = preset_get(key)
    if preset is None:
        raise ValidationFailed(
            _("No such mapping preset."), errors={"preset": [_("No preset “%(key)s”.") % {"key": key}]}
        )
    if preset.kind != kind:
        raise ValidationFailed(
            _("This preset is for another kind of record."),
            errors={"preset": [_("“%(name)s” maps %(kind)s.") % {"name": preset.name, "kind": preset.kind}]},
        )
    return _with_preset(preset)


@transaction.atomic
def import_job_create(
    *,
    actor,
    kind: str,
    upload=None,
    path: str | Path | None = None,
    filename: str = "",
    encoding: str = "",
    delimiter: str = "",
    mapping: dict | None = None,
    preset: str = "",
    via: str = "ui",
) -> ImportJob:
    """Store the upload (or, from the CLI, read ``path`` in place), read its header row.

    The mapping is ``mapping``, else the named ``preset``, else the preset recognised from
    the file's columns, else the headers that name fields."""
    if kind not in ImportKind.values:
        raise ValidationFailed(
            _("Unknown kind of record."), errors={"kind": [_("Choose what the file holds.")]}
        )
    _require_kind_permission(actor, kind)
    if not mapping and preset:
        mapping = _preset_mapping(kind, preset)
    if delimiter == "\\t":
        delimiter = "\t"
    if delimiter and len(delimiter) != 1:
        raise ValidationFailed(
            _("The delimiter is one character."), errors={"delimiter": [_("One character, e.g. ; or ,")]}
        )
    stored = False
    if upload is not None:
        filename = filename or getattr(upload, "name", "upload.csv")
        file_path = _store(upload, filename)
        stored = True
    elif path is not None:
        file_path = Path(path).resolve()
        filename = filename or file_path.name
        if not file_path.is_file():
            raise ValidationFailed(_("No such file."), errors={"file": [str(path)]})
    else:
        raise ValidationFailed(_("Choose a file."), errors={"file": [_("Choose a file.")]})
    try:
        table = open_table(file_path, encoding=encoding, delimiter=delimiter, filename=filename)
    except ImportFileError as error:
        if stored:
            file_path.unlink(missing_ok=True)
        if error.too_large:
            raise uploads.too_large(error.message) from None
        raise ValidationFailed(error.message, errors={"file": [error.message]}) from None
    job = ImportJob.objects.create(
        kind=kind,
        file_path=str(file_path),
        filename=filename[:255],
        encoding=table.encoding,
        delimiter=table.delimiter,
        headers=table.headers,
        mapping=mapping or _auto_mapping(kind, table.headers),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if mapping:
        _check_mapping(job, mapping)
    audit.record(
        actor=actor, action="create", instance=job, changes={"kind": kind, "file": filename}, via=via
    )
    return job


def _check_mapping(job: ImportJob, mapping: dict) -> Mapping:
    from hamsu.dataio.importers import IMPORTERS

    parsed = Mapping.from_dict(mapping, kind=job.kind)
    parsed.resolve(job.headers, IMPORTERS[job.kind].TARGETS)
    return parsed


@transaction.atomic
def import_job_set_mapping(*, job: ImportJob, actor, mapping: dict, via: str = "ui") -> ImportJob:
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED):
        raise ValidationFailed(
            _("This import is running or done."), errors={"status": [job.get_status_display()]}
        )
    _check_mapping(job, mapping)
    job.mapping = {**mapping, "kind": job.kind}
    job.status = ImportStatus.UPLOADED
    job.save(update_fields=["mapping", "status"])
    audit.record(actor=actor, action="update", instance=job, changes={"mapping": job.mapping}, via=via)
    return job


def import_job_apply_preset(*, job: ImportJob, actor, preset: str, via: str = "ui") -> ImportJob:
    """Map the job's file with a saved or ready-made preset."""
    return import_job_set_mapping(job=job, actor=actor, mapping=_preset_mapping(job.kind, preset), via=via)


@transaction.atomic
def import_job_start(*, job: ImportJob, actor, dry_run: bool, via: str = "ui") -> ImportJob:
    """Queue the dry run or the real import; the task starts when this transaction commits."""
    from hamsu.dataio.tasks import run_import_job

    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require_kind_permission(actor, job.kind)
    if job.is_active and import_jobs_fail_abandoned(job_ids=[job.pk]):
        job.refresh_from_db()
    if job.is_active:
        raise ValidationFailed(
            _("This import is already running."), errors={"status": [job.get_status_display()]}
        )
    if job.status == ImportStatus.DONE:
        raise ValidationFailed(
            _("This file was imported already."), errors={"status": [job.get_status_display()]}
        )
    _check_mapping(job, job.mapping)
    job.status = ImportStatus.CHECKING if dry_run else ImportStatus.QUEUED
    job.processed_rows = 0
    job.message = ""
    job.started_at = None  # set when a worker takes the job (and its lease): see below
    job.save(update_fields=["status", "processed_rows", "message", "started_at"])
    audit.record(actor=actor, action="update", instance=job, changes={"status": job.status}, via=via)
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk, dry_run))
    return job


def _lease(job_id: int) -> str:
    return f"import-job-{job_id}"


@contextlib.contextmanager
def _leased(job_ids: list[int]):
    """Hold the jobs' leases while they run; a job whose lease another live process holds
    is being run there already (a task delivered twice)."""
    with contextlib.ExitStack() as stack:
        for pk in job_ids:
            try:
                stack.enter_context(leases.hold(_lease(pk)))
            except leases.LeaseHeld:
                raise ValidationFailed(
                    _("This import is already running."), errors={"status": [str(ImportStatus.RUNNING.label)]}
                ) from None
        yield


def import_jobs_fail_abandoned(*, job_ids: list[int] | None = None) -> int:
    """Mark failed, with the reason, every job a worker took and no live process runs any
    more (its lease is free); returns how many.

    Such a job's process ended without recording an outcome (killed, or its server
    restarted). Its transaction ended with it, so nothing of its file was written; the
    user can start it again. A job still waiting in the queue has not been taken
    (``started_at`` is empty) and is left alone. Called where a job is looked at (the
    import pages and the API) and before a job is started again.
    """
    taken = ImportJob.objects.filter(
        status__in=[ImportStatus.CHECKING, ImportStatus.RUNNING], started_at__isnull=False
    )
    if job_ids is not None:
        taken = taken.filter(pk__in=job_ids)
    failed = 0
    for pk, status, started_at, file_path in taken.values_list("pk", "status", "started_at", "file_path"):
        if leases.is_held(_lease(pk)):
            continue
        message = (
            _(
                "The dry run stopped before it finished: the process running it ended (the server may have restarted). Run it again."
            )
            if status == ImportStatus.CHECKING
            else _(
                "The import stopped before it finished: the process running it ended (the server may have restarted). Nothing of the file was written; start it again."
            )
        )
        # Only the run we looked at: a job started again meanwhile has a new start time.
        failed += ImportJob.objects.filter(pk=pk, status=status, started_at=started_at).update(
            status=ImportStatus.FAILED, message=message, finished_at=timezone.now()
        )
        clear_progress(file_path)
    return failed


def _job_running(job_id: int, *, dry_run: bool) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        job.status = ImportStatus.CHECKING if dry_run else ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _job_run(job: ImportJob, *, dry_run: bool, progress=None, strict: bool = False):
    """Run the job's file; returns (report or None, failure message, failed line)."""
    mapping = Mapping.from_dict(job.mapping, kind=job.kind)

    def report_progress(processed: int, total: int) -> None:
        write_progress(job.file_path, processed, total)
        if progress:
            progress(processed, total)

    report: Report | None = None
    message = ""
    failed_line = None
    try:
        table = open_table(
            job.file_path, encoding=job.encoding, delimiter=job.delimiter, filename=job.filename
        )
        total = job.total_rows or table.estimate_rows()
        write_progress(job.file_path, 0, total)
        report = run_import(
            table=table,
            mapping=mapping,
            actor=job.created_by,
            dry_run=dry_run,
            strict=strict,
            progress=report_progress,
            total_hint=total,
            job=job,
        )
    except ImportFileError as error:
        message = error.message
        failed_line = error.line
    except ValidationFailed as error:
        message = "; ".join([error.message] + [f"{k}: {' '.join(v)}" for k, v in error.errors.items()])
    except Exception as error:
        # A bug must not leave the job "running" forever: record it, then let it surface.
        clear_progress(job.file_path)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            message=f"Unexpected error: {error!r}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    finally:
        clear_progress(job.file_path)
    return report, message, failed_line


def _job_record(
    job: ImportJob, report: Report | None, message: str, failed_line: int | None, *, dry_run: bool
) -> ImportJob:
    """Write the outcome (counts, status, the row-level report) in one short transaction."""
    with transaction.atomic():
        job.issues.all().delete()
        job.finished_at = timezone.now()
        if report is None:
            job.status = ImportStatus.FAILED
            job.message = message
            if failed_line:
                ImportIssue.objects.create(job=job, row=failed_line, kind="error", message=message[:500])
            job.save()
            return job
        aborted = report.extra.get("aborted")
        job.total_rows = report.total
        job.processed_rows = report.total
        job.created_count = report.created
        job.updated_count = report.updated
        job.unchanged_count = report.unchanged
        job.duplicate_count = report.duplicates
        job.error_count = report.error_rows
        job.summary = report.summary()
        if aborted:
            job.status = ImportStatus.FAILED
            job.message = _("%(count)s rows have errors; nothing was imported (strict mode).") % {
                "count": report.error_rows
            }
        else:
            job.status = ImportStatus.CHECKED if dry_run else ImportStatus.DONE
            job.message = ""
        job.save()
        ImportIssue.objects.bulk_create(
            [
                ImportIssue(job=job, row=i.row, column=i.column[:200], kind=i.kind, message=i.message[:500])
                for i in report.issues
            ],
            batch_size=1000,
        )
    return job


def import_job_execute(*, job_id: int, dry_run: bool, progress=None, strict: bool = False) -> ImportJob:
    """Run the job now (the task body, and the CLI's foreground run)."""
    with _leased([job_id]):
        job = _job_running(job_id, dry_run=dry_run)
        report, message, failed_line = _job_run(job, dry_run=dry_run, progress=progress, strict=strict)
        return _job_record(job, report, message, failed_line, dry_run=dry_run)


class _BundleRollback(Exception):
    """Raised at the end of a bundle's dry run to roll every step back at once."""


def import_bundle_execute(
    *, job_ids: list[int], dry_run: bool, progress=None, strict: bool = False
) -> list[ImportJob]:
    """Run a bundle's jobs in order; stops at the first step that fails (later steps are
    returned as they were, not run).

    A dry run runs the whole bundle in ONE transaction and rolls it back at the end: each
    step sees what the steps before it would write (the opportunities step finds the
    people, products and leads of the earlier steps), so its report is the real import's.
    Rolling each step back before the next one ran reported every deal of the Maven and
    Olist bundles as an error ("No person…", "No lead…") on an empty database.
    The real import commits step by step, each file in its own transaction, as for a
    single file.
    """
    with _leased(job_ids):
        return _bundle_run(job_ids, dry_run=dry_run, progress=progress, strict=strict)


def _bundle_run(job_ids: list[int], *, dry_run: bool, progress, strict: bool) -> list[ImportJob]:
    jobs = [_job_running(pk, dry_run=dry_run) for pk in job_ids]
    if not dry_run:
        done = []
        for job in jobs:
            report, message, failed_line = _job_run(job, dry_run=False, progress=progress, strict=strict)
            done.append(_job_record(job, report, message, failed_line, dry_run=False))
            if done[-1].status == ImportStatus.FAILED:
                break
        return done + _reset(jobs[len(done) :])
    outcomes = []
    try:
        with transaction.atomic():
            for job in jobs:
                # Each step writes for real, inside the bundle's transaction...
                outcome = _job_run(job, dry_run=False, progress=progress, strict=strict)
                outcomes.append(outcome)
                if outcome[0] is None or outcome[0].extra.get("aborted"):
                    break
            raise _BundleRollback  # ...and all of it is rolled back here.
    except _BundleRollback:
        pass
    except Exception as error:
        # A bug: the marks _job_run left were rolled back with the bundle; leave no job
        # "running" forever.
        ImportJob.objects.filter(pk__in=job_ids, status=ImportStatus.CHECKING).update(
            status=ImportStatus.FAILED,
            message=f"Unexpected error: {error!r}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    recorded = [
        _job_record(job, report, message, line, dry_run=True)
        for job, (report, message, line) in zip(jobs, outcomes, strict=False)
    ]
    return recorded + _reset(jobs[len(recorded) :])


def _reset(jobs: list[ImportJob]) -> list[ImportJob]:
    """Steps a bundle did not reach: back to "uploaded", as they were."""
    for job in jobs:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.UPLOADED, started_at=None)
        job.status = ImportStatus.UPLOADED
    return jobs


@transaction.atomic
def import_job_delete(*, job: ImportJob, actor, via: str = "ui") -> None:
    if job.is_active:
        raise ValidationFailed(_("This import is running."), errors={"status": [job.get_status_display()]})
    uploads = upload_dir().resolve()
    path = Path(job.file_path)
    if uploads in path.resolve().parents:
        path.unlink(missing_ok=True)  # only files we stored; the CLI's own files stay
    audit.record(actor=actor, action="delete", instance=job, changes={"file": job.filename}, via=via)
    leases.release_file(_lease(job.pk))
    job.delete()


# ---------------------------------------------------------------- presets


@transaction.atomic
def preset_save(*, actor, name: str, kind: str, mapping: dict, via: str = "ui") -> ImportPreset:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the preset a name.")]
    if kind not in ImportKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    Mapping.from_dict(mapping, kind=kind)
    preset, created = ImportPreset.objects.update_or_create(
        kind=kind,
        name=name[:120],
        defaults={
            "mapping": {**mapping, "kind": kind},
            "created_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit.record(
        actor=actor,
        action="create" if created else "update",
        instance=preset,
        changes={"mapping": preset.mapping},
        via=via,
    )
    return preset


# ---------------------------------------------------------------- webhooks


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(WebhookEvent.values))
    if unknown:
        raise ValidationFailed(_("Unknown event types."), errors={"events": [", ".join(unknown)]})
    if not events:
        raise ValidationFailed(
            _("Choose at least one event."), errors={"events": [_("Choose at least one event.")]}
        )
    return sorted(set(events))


@transaction.atomic
def webhook_endpoint_create(
    *, actor, url: str, events: list[str], description: str = "", via: str = "ui"
) -> WebhookEndpoint:
    from hamsu.core.validation import full_clean

    endpoint = WebhookEndpoint(
        url=(url or "").strip(),
        events=_clean_events(events),
        description=description.strip()[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    full_clean(endpoint)
    endpoint.save()
    audit.record(
        actor=actor,
        action="create",
        instance=endpoint,
        changes={"url": endpoint.url, "events": endpoint.events},
        via=via,
    )
    return endpoint


@versioning.atomic_write
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    actor,
    url: str | None = None,
    events: list[str] | None = None,
    is_active: bool | None = None,
    description: str | None = None,
    rotate_secret: bool = False,
    via: str = "ui",
    expected_version: int | None = None,
    strict: bool = False,
) -> WebhookEndpoint:
    """``expected_version``/``strict``: see ``hamsu.core.versioning`` (the page merges a
    change someone else made to what it did not touch; the API's If-Match refuses)."""
    from hamsu.core.validation import full_clean
    from hamsu.dataio.models import _new_secret

    given = {"url": url, "events": events, "is_active": is_active, "description": description}
    endpoint, sent = versioning.begin(
        endpoint,
        expected=expected_version,
        data={name: value for name, value in given.items() if value is not None},
        strict=strict,
    )
    url, events, is_active, description = (
        sent.get(name) for name in ("url", "events", "is_active", "description")
    )
    before = audit.snapshot(endpoint, ["url", "events", "is_active", "description", "version"])
    versioning.bump(endpoint)
    if url is not None:
        endpoint.url = url.strip()
    if events is not None:
        endpoint.events = _clean_events(events)
    if is_active is not None:
        endpoint.is_active = is_active
    if description is not None:
        endpoint.description = description.strip()[:200]
    if rotate_secret:
        endpoint.secret = _new_secret()
    full_clean(endpoint)
    endpoint.save()
    changes = audit.diff(before, audit.snapshot(endpoint, list(before)))
    if rotate_secret:
        changes["secret"] = ["…", "rotated"]
    audit.record(actor=actor, action="update", instance=endpoint, changes=changes, via=via)
    return endpoint


@versioning.atomic_write
def webhook_endpoint_delete(
    *, endpoint: WebhookEndpoint, actor, via: str = "ui", expected_version: int | None = None
) -> None:
    endpoint, _data = versioning.begin(endpoint, expected=expected_version, strict=True)
    audit.record(actor=actor, action="delete", instance=endpoint, changes={"url": endpoint.url}, via=via)
    endpoint.delete()


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, actor, via: str = "ui") -> WebhookDelivery:
    """Send the same event again (same event id, so receivers can de-duplicate)."""
    from hamsu.dataio.models import DeliveryStatus
    from hamsu.dataio.tasks import deliver_webhook

    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "next_attempt_at"])
    audit.record(actor=actor, action="update", instance=delivery, changes={"replay": True}, via=via)
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    return delivery


def copy_to_uploads(path: str | Path) -> Path:
    """For tests and the CLI: a private copy of a file in the upload area."""
    target = upload_dir() / f"{uuid.uuid4().hex}-{Path(path).name}"
    shutil.copyfile(path, target)
    return target
