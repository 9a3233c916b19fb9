"""Full backup of the company's data and its restore into an empty instance.

The archive is a zip holding ``manifest.json`` (schema version, the migrations it was
taken at, every table's columns and row count) and ``tables/<app>.<model>.jsonl`` with
one JSON array per row, in column order. Tables are streamed in and out, never held in
memory. Values go through each field's own conversion both ways, so dates, decimals,
UUIDs and JSON come back exactly as they were. Permissions (which differ in id from one
install to another) are written by their natural key, ``app_label.codename``.

What is left out: sessions, the admin log, content types and permissions (recreated by
``migrate``), the task queue (transient), and totals kept by database triggers (the
pipeline's and the handoffs'), which the restore's inserts recompute.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import tempfile
import uuid
import zipfile
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.bulk import insert_rows, reset_sequences
from hamsu.core.errors import ValidationFailed

SCHEMA_VERSION = 1
EXCLUDED_APPS = {"sessions", "admin", "contenttypes", "django_tasks_database", "django_tasks_db", "demo"}
# Tables that must be empty for a restore to go ahead: a real company's data.
MUST_BE_EMPTY = ["crm.account", "crm.contact", "crm.opportunity", "directory.person", "funnel.lead"]


def backed_up_models() -> list[type[models.Model]]:
    chosen = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.app_label in EXCLUDED_APPS:
            continue
        if meta.app_label == "auth" and model is not Group and not _is_group_permissions(model):
            continue  # auth.Permission is recreated by migrate
        if not (meta.app_label == "auth" or meta.app_config.name.startswith("hamsu.")):
            continue
        chosen.append(model)
    return sorted(chosen, key=lambda m: m._meta.label_lower)


def _is_group_permissions(model) -> bool:
    return model._meta.auto_created and model._meta.db_table == Group.permissions.through._meta.db_table


def _is_permission_fk(field) -> bool:
    return field.is_relation and field.related_model is Permission


def _encode(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()  # full microseconds, unlike DjangoJSONEncoder
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    raise TypeError(f"cannot back up {type(value).__name__}")


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return latest


def backup_write(target, *, actor=None) -> dict:
    """Write the archive to ``target`` (a path or a binary file); returns the manifest."""
    permission_keys = None
    manifest = {
        "format": "hamsu-backup",
        "schema_version": SCHEMA_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": _migrations(),
        "tables": {},
    }
    with (
        transaction.atomic(),
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
    ):
        # One transaction: every table is read at the same moment (a consistent snapshot
        # on PostgreSQL's repeatable reads and on SQLite's single writer).
        for model in backed_up_models():
            fields = list(model._meta.concrete_fields)
            columns = [f.column for f in fields]
            count = 0
            with archive.open(f"tables/{model._meta.label_lower}.jsonl", "w", force_zip64=True) as out:
                rows = (
                    model._base_manager.order_by("pk")
                    .values_list(*[f.attname for f in fields])
                    .iterator(chunk_size=5000)
                )
                perm_positions = [i for i, f in enumerate(fields) if _is_permission_fk(f)]
                if perm_positions and permission_keys is None:
                    permission_keys = {
                        pk: f"{app}.{codename}"
                        for pk, app, codename in Permission.objects.values_list(
                            "pk", "content_type__app_label", "codename"
                        )
                    }
                for row in rows:
                    if perm_positions:
                        row = list(row)
                        for i in perm_positions:
                            row[i] = permission_keys.get(row[i])
                    out.write(json.dumps(row, default=_encode, ensure_ascii=False).encode())
                    out.write(b"\n")
                    count += 1
            manifest["tables"][model._meta.label_lower] = {
                "table": model._meta.db_table,
                "columns": columns,
                "rows": count,
            }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def backup_to_tempfile(*, actor=None):
    handle = tempfile.NamedTemporaryFile(suffix=".zip")  # noqa: SIM115 - the response closes it
    manifest = backup_write(handle, actor=actor)
    with transaction.atomic():
        from hamsu.core.models import CompanySettings

        anchor = CompanySettings.objects.order_by("pk").first()
        if anchor is not None:
            audit.record(
                actor=actor,
                action="update",
                instance=anchor,
                changes={"backup": {k: v["rows"] for k, v in manifest["tables"].items()}},
                via="ui",
            )
    handle.seek(0)
    return handle


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise ValidationFailed(
            _("This is not a Hamsu backup."), errors={"file": [_("No manifest.json in the archive.")]}
        ) from None
    if manifest.get("format") != "hamsu-backup" or manifest.get("schema_version") != SCHEMA_VERSION:
        raise ValidationFailed(
            _("This backup's format is not supported."),
            errors={"file": [_("Schema version %(v)s.") % {"v": manifest.get("schema_version")}]},
        )
    return manifest


@transaction.atomic
def restore_read(source, *, replace: bool = False) -> dict[str, int]:
    """Restore an archive into this instance, in one transaction; returns rows per table."""
    with zipfile.ZipFile(source) as archive:
        manifest = _read_manifest(archive)
        here = _migrations()
        differ = sorted(
            app for app, name in manifest["migrations"].items() if here.get(app) != name and app in here
        )
        if differ:
            raise ValidationFailed(
                _(
                    "The backup was taken at other migrations; migrate this instance to the same version first."
                ),
                errors={"migrations": differ},
            )
        if not replace:
            busy = [label for label in MUST_BE_EMPTY if apps.get_model(label)._base_manager.exists()]
            if busy:
                raise ValidationFailed(
                    _("Restore goes into an empty instance; this one already holds data."),
                    errors={"instance": busy},
                )
        by_label = {m._meta.label_lower: m for m in backed_up_models()}
        unknown = sorted(set(manifest["tables"]) - set(by_label))
        if unknown:
            raise ValidationFailed(
                _("The backup holds tables this version does not have."), errors={"tables": unknown}
            )
        permission_ids = {
            f"{app}.{codename}": pk
            for pk, app, codename in Permission.objects.values_list(
                "pk", "content_type__app_label", "codename"
            )
        }
        with connection.cursor() as cursor:
            # Clear what migrate created (role groups, defaults) so ids come back as they were.
            for label in manifest["tables"]:
                cursor.execute(f'DELETE FROM "{by_label[label]._meta.db_table}"')
        counts = {}
        for label, info in manifest["tables"].items():
            model = by_label[label]
            fields_by_column = {f.column: f for f in model._meta.concrete_fields}
            fields = [fields_by_column[c] for c in info["columns"]]
            converters = [_converter(f, permission_ids) for f in fields]

            def rows(name=f"tables/{label}.jsonl", converters=converters):
                with archive.open(name) as handle:
                    for line in handle:
                        values = json.loads(line)
                        yield [convert(value) for convert, value in zip(converters, values, strict=True)]

            counts[label] = insert_rows(model._meta.db_table, info["columns"], rows(), batch=5000)
            if counts[label] != info["rows"]:
                raise ValidationFailed(
                    _(
                        "The backup is damaged: %(table)s holds %(found)s rows, its manifest says %(expected)s."
                    )
                    % {"table": label, "found": counts[label], "expected": info["rows"]},
                    errors={"file": [label]},
                )
        reset_sequences(*by_label.values())
    return counts


def _converter(field, permission_ids):
    if _is_permission_fk(field):
        return lambda value: permission_ids.get(value)
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.BinaryField):
        return lambda value: None if value is None else base64.b64decode(value)

    def convert(value):
        if value is None:
            return None
        return field.get_db_prep_save(target.to_python(value), connection)

    return convert


def restore_path(path: str | Path, *, replace: bool = False) -> dict[str, int]:
    with open(path, "rb") as handle:
        return restore_read(handle, replace=replace)
