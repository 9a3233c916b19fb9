"""Lead capture, in two steps so a capture is cheap to accept and safe to retry.

1. **Intake**, in the web request (this module): the submission is checked field by field
   (``capture_checks``) and stored as ONE row: a ``CaptureRequest`` for a single capture
   (unique per form and Idempotency-Key), or the ``CaptureItem`` rows of a
   ``CaptureBatch`` for the bulk endpoint (one multi-row insert, COPY on PostgreSQL). The
   2xx reply means that row is committed: durably stored.
2. **Processing**, in the worker (``capture_process``): intake rows are claimed in chunks
   and turned into leads — contact and account de-duplicated by e-mail and domain, the
   touch, the campaign touchpoint, the score, the MQL definition, and routing plus handoff
   for leads that qualify — in one transaction per chunk that also marks the rows done.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.db_datetimes import stored_datetime
from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import CaptureBatch, CaptureForm, CaptureItem, CaptureRequest
from hamsu.funnel.services.capture_checks import nul_fields, validate_capture, without_nul
from hamsu.funnel.tasks import process_capture_batch, wake_worker

BULK_LIMIT = 5000
KEY_LIMIT = 200


# ---------------------------------------------------------------- single captures: intake


def capture_reply(row_id: int) -> dict:
    return {"id": row_id, "status": "accepted"}


@functools.cache
def _intake_sql(vendor: str) -> tuple[str, str]:
    """The intake INSERT and the replay SELECT, built once per process (quoting the names
    on every capture was a tenth of the request's Python time)."""
    table = connection.ops.quote_name(CaptureRequest._meta.db_table)
    q = connection.ops.quote_name
    json_param = "%s::jsonb" if vendor == "postgresql" else "%s"
    insert = (
        f"INSERT INTO {table} ({q('form_id')}, {q('key')}, {q('payload')}, {q('status')}, "
        f"{q('error')}, {q('created_at')}) VALUES (%s, %s, {json_param}, %s, {json_param}, %s) "
        f"ON CONFLICT ({q('form_id')}, {q('key')}) DO NOTHING RETURNING {q('id')}"
    )
    replay = f"SELECT {q('id')} FROM {table} WHERE {q('form_id')} = %s AND {q('key')} = %s"
    return insert, replay


@functools.cache
def _prepared_cursor_class():
    """A psycopg cursor that binds on the server and prepares what it runs."""
    import psycopg  # only on PostgreSQL (SQLite installs need not have it)

    class PreparedCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=True, binary=None):
            return super().execute(query, params, prepare=prepare, binary=binary)

    return PreparedCursor


def _intake_cursor():
    """A cursor for the intake statements, wrapped by Django as any other (its error
    translation, so a busy database is still a 503; execute wrappers; the query log).

    On PostgreSQL, unless ``HAMSU_CAPTURE_PREPARED_STATEMENTS`` is off, it binds on the
    server and prepares the INSERT once per connection, so each capture sends only its
    values: PostgreSQL no longer parses and plans the statement per capture and Python no
    longer quotes the values into the SQL text (``bench/lead_capture.py profile-web``:
    the backend's CPU per capture 0.25–0.28 → 0.16–0.17 ms). Django turns psycopg's
    preparing off for the connection (``prepare_threshold=None``, for connection poolers);
    a threshold no query reaches turns it back on for cursors that ask (this one only:
    Django's own cursors bind on the client and never prepare).
    """
    if connection.vendor != "postgresql" or not settings.HAMSU_CAPTURE_PREPARED_STATEMENTS:
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        if raw.prepare_threshold is None:
            raw.prepare_threshold = 1 << 30
        # Wrapped as connection.cursor() wraps its own cursor (BaseDatabaseWrapper._prepare_cursor).
        connection.validate_thread_sharing()
        cursor = _prepared_cursor_class()(raw)
        return (
            connection.make_debug_cursor(cursor)
            if connection.queries_logged
            else connection.make_cursor(cursor)
        )


def _insert_request(*, form: CaptureForm | None, key: str | None, payload: Any) -> tuple[int, bool]:
    """One INSERT (one round trip in autocommit); on a key seen before, the first row's id.

    ``ON CONFLICT DO NOTHING`` rather than catching IntegrityError: no savepoint needed,
    and a concurrent retry of the same key waits for the first insert, then finds it.
    """
    insert, replay = _intake_sql(connection.vendor)
    form_id = form.pk if form else None
    with _intake_cursor() as cursor:
        cursor.execute(
            insert,
            [
                form_id,
                key,
                json.dumps(payload),
                CaptureRequest.Status.PENDING.value,
                "{}",
                stored_datetime(timezone.now()),
            ],
        )
        row = cursor.fetchone()
        if row is not None:
            return row[0], False
        cursor.execute(replay, [form_id, key])
        return cursor.fetchone()[0], True


def capture_intake_store(*, payload: Any, form: CaptureForm | None, key: str = "") -> tuple[int, dict, bool]:
    """Check one submission and store it durably; returns (status, reply, replayed).

    202 means the row is committed: the worker will turn it into a lead. A retry with an
    Idempotency-Key already stored gets the first reply back and writes nothing; a
    submission with field errors writes nothing either (and does not burn its key).
    """
    if len(key) > KEY_LIMIT:
        raise ValidationFailed(
            _("Idempotency-Key too long"), errors={"Idempotency-Key": [_("At most 200 characters.")]}
        )
    validate_capture(payload, form)
    row_id, replayed = _insert_request(form=form, key=key or None, payload=payload)
    if not replayed:
        transaction.on_commit(wake_worker)
    return 202, capture_reply(row_id), replayed


# ---------------------------------------------------------------- bulk: intake


def _item_row(position: int, payload: Any) -> tuple[int, str, str, dict]:
    """(position, payload JSON, status, error) of one bulk row as it is stored.

    A row with a NUL character cannot be stored as sent (PostgreSQL refuses it in JSON);
    it is stored without them and already failed, with the field error a single capture
    would get, so the rest of the batch is accepted.
    """
    payload = payload if isinstance(payload, dict) else {"_invalid": payload}
    text = json.dumps(payload)
    if "\\u0000" not in text:
        return position, text, CaptureItem.Status.PENDING, {}
    message = str(ProhibitNullCharactersValidator.message)
    error = {name: [message] for name in nul_fields(payload)} or {"body": [message]}
    return position, json.dumps(without_nul(payload)), CaptureItem.Status.FAILED, error


def _insert_items(batch: CaptureBatch, payloads: list) -> None:
    """All of a batch's rows in one statement: COPY on PostgreSQL, a multi-row INSERT elsewhere."""
    rows = [_item_row(position, p) for position, p in enumerate(payloads)]
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(CaptureItem._meta.db_table)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {table} (batch_id, position, payload, status, error) FROM STDIN"
            ) as copy,
        ):
            for position, payload, status, error in rows:
                copy.write_row((batch.pk, position, payload, status, json.dumps(error)))
        return
    CaptureItem.objects.bulk_create(
        [
            CaptureItem(
                batch=batch, position=position, payload=json.loads(payload), status=status, error=error
            )
            for position, payload, status, error in rows
        ]
    )


@transaction.atomic
def capture_batch_create(
    *, payloads: list, actor, form: CaptureForm | None = None, idempotency_key: str = ""
) -> tuple[CaptureBatch, bool]:
    """Store a batch durably (one insert of its rows) and queue it; returns (batch, replayed)."""
    if not isinstance(payloads, list) or not payloads:
        raise ValidationFailed(
            _("Nothing to capture"), errors={"leads": [_("Send a non-empty list of leads.")]}
        )
    if len(payloads) > BULK_LIMIT:
        raise ValidationFailed(
            _("Too many leads"), errors={"leads": [_("At most %(n)s leads per request.") % {"n": BULK_LIMIT}]}
        )
    if idempotency_key:
        previous = CaptureBatch.objects.filter(idempotency_key=idempotency_key, created_by=actor).first()
        if previous is not None:
            return previous, True
    batch = CaptureBatch.objects.create(
        form=form,
        created_by=actor if getattr(actor, "pk", None) else None,
        total=len(payloads),
        idempotency_key=idempotency_key[:200],
    )
    _insert_items(batch, payloads)
    transaction.on_commit(lambda: process_capture_batch.enqueue(batch.pk))
    return batch, False


# ---------------------------------------------------------------- capture forms


@transaction.atomic
def capture_form_create(
    *,
    actor,
    name: str,
    allowed_origins: list | None = None,
    rate_limit_per_minute: int = 600,
    touch_kind: str = "form_fill",
    origin: str = "",
) -> CaptureForm:
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Give the form a name.")]
    elif CaptureForm.objects.filter(name=name.strip()).exists():
        errors["name"] = [_("A form with this name exists.")]
    origins = allowed_origins or []
    if not isinstance(origins, list) or not all(
        isinstance(o, str) and o.startswith(("http://", "https://")) and o.count("/") == 2 for o in origins
    ):
        errors["allowed_origins"] = [_("Origins look like https://www.example.com (no path).")]
    if not 1 <= int(rate_limit_per_minute or 0) <= 1_000_000:
        errors["rate_limit_per_minute"] = [_("Between 1 and 1,000,000.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    form = CaptureForm.objects.create(
        name=name.strip(),
        allowed_origins=[o.rstrip("/") for o in origins],
        rate_limit_per_minute=rate_limit_per_minute,
        touch_kind=touch_kind,
        origin=origin,
    )
    audit.record(
        actor=actor,
        action="create",
        instance=form,
        changes={"name": form.name, "allowed_origins": form.allowed_origins},
        via="ui",
    )
    return form
