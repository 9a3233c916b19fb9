"""Lead capture, in two steps so a capture is cheap to accept and safe to retry.

1. **Intake**, in the web request (this module): the submission is checked field by field
   — the same errors a synchronous capture gave — and stored as ONE row: a
   ``CaptureRequest`` for a single capture (unique per form and Idempotency-Key), or the
   ``CaptureItem`` rows of a ``CaptureBatch`` for the bulk endpoint (one multi-row insert,
   COPY on PostgreSQL). The 2xx reply means that row is committed: durably stored.
2. **Processing**, in the worker (``capture_process``): intake rows are claimed in chunks
   and turned into leads — contact and account de-duplicated by e-mail and domain, the
   touch, the campaign touchpoint, the score, the MQL definition, and routing plus handoff
   for leads that qualify — in one transaction per chunk that also marks the rows done.
"""

from __future__ import annotations

import datetime
import json
import logging
import threading
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core.db_datetimes import stored_datetime
from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import CaptureBatch, CaptureForm, CaptureItem, CaptureRequest

logger = logging.getLogger(__name__)

FREE_MAIL = {
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "icloud.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "mail.ru",
    "yandex.ru",
    "chmail.ir",
    "gmx.de",
}
CAPTURE_FIELDS = {
    "email",
    "first_name",
    "last_name",
    "company",
    "title",
    "phone",
    "country",
    "employees",
    "segment",
    "origin",
    "touch_kind",
    "occurred_at",
    "utm",
    "landing_url",
    "external_id",
}
BULK_LIMIT = 5000
KEY_LIMIT = 200
# A stored capture wakes the worker at most this often per web process (one task row a
# second, not one per capture); the worker drains everything pending when it runs.
WAKE_EVERY = 1.0
_email_validator = EmailValidator()
_domain_length = MaxLengthValidator(200)  # crm.Account.domain


def domain_of(email: str) -> str:
    """The company domain of an e-mail, as accounts store it ("" for free-mail senders)."""
    domain = email.rsplit("@", 1)[-1].lower().removeprefix("www.") if "@" in email else ""
    return "" if domain in FREE_MAIL else domain


def touch_kind_of(data: dict, form: CaptureForm | None) -> str:
    return data.get("touch_kind") or (form.touch_kind if form else "form_fill")


def campaign_kind_of(kind: str) -> str:
    """The campaigns app's touchpoint kind for a capture's touch kind."""
    from hamsu.campaigns.models import TouchpointKind

    return kind if kind in TouchpointKind.values else ("form_fill" if "request" in kind else "other")


def _nul_fields(payload: dict) -> list[str]:
    """Fields holding a NUL character anywhere: PostgreSQL can store none in text or JSON."""
    if "\\u0000" not in json.dumps(payload):
        return []
    return sorted(str(k).replace("\x00", "") for k, v in payload.items() if "\\u0000" in json.dumps([k, v]))


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    return value


def clean_capture(payload: Any) -> dict:
    """Check one submission; raise ValidationFailed with field errors."""
    errors: dict[str, list[str]] = {}
    if not isinstance(payload, dict):
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"body": [_("Send a JSON object.")]}
        )
    nul = _nul_fields(payload)
    if nul:
        message = str(ProhibitNullCharactersValidator.message)
        raise ValidationFailed(
            _("Please correct the errors below."), errors={name: [message] for name in nul}
        )
    unknown = set(payload) - CAPTURE_FIELDS
    if unknown:
        errors.update({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in payload.items() if k in CAPTURE_FIELDS}
    for name, limit in (
        ("email", 254),
        ("first_name", 100),
        ("last_name", 100),
        ("company", 200),
        ("title", 120),
        ("phone", 40),
        ("origin", 60),
        ("touch_kind", 40),
        ("external_id", 100),
        ("landing_url", 2000),
    ):
        value = data.get(name, "")
        if value is None:
            data[name] = ""
        elif not isinstance(value, str):
            errors.setdefault(name, []).append(_("Send text."))
        elif len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(n)s characters.") % {"n": limit})
    email = (data.get("email") or "").lower()
    data["email"] = email
    if email:
        local, _at, domain = email.partition("@")
        if not local or "." not in domain or " " in email:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    if not (email or data.get("phone")):
        errors.setdefault("email", []).append(_("Give an e-mail or a phone number."))
    country = data.get("country") or ""
    if country and (not isinstance(country, str) or len(country) != 2 or not country.isalpha()):
        errors.setdefault("country", []).append(_("Use the two-letter country code."))
    data["country"] = country.upper() if isinstance(country, str) else ""
    employees = data.get("employees")
    if employees not in (None, ""):
        if isinstance(employees, bool) or not isinstance(employees, int) or not 0 <= employees <= 10_000_000:
            errors.setdefault("employees", []).append(_("A whole number of employees."))
    else:
        data["employees"] = None
    when = data.get("occurred_at")
    if when:
        try:
            parsed = datetime.datetime.fromisoformat(str(when))
            if parsed.tzinfo is None:
                raise ValueError
            data["occurred_at"] = parsed
        except ValueError:
            errors.setdefault("occurred_at", []).append(_("An ISO 8601 time with a time zone."))
    if data.get("utm") is not None and not isinstance(data.get("utm"), dict):
        errors.setdefault("utm", []).append(_("Send utm as an object."))
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    return data


def _record_errors(data: dict) -> dict[str, list[str]]:
    """What the CRM and lead models would refuse when the worker writes the rows, with the
    messages their validation gives, so an acknowledged capture never fails later."""
    errors: dict[str, list[str]] = {}
    if data["email"]:
        try:
            _email_validator(data["email"])
        except ValidationError as error:
            errors.setdefault("email", []).extend(error.messages)
        try:
            _domain_length(domain_of(data["email"]))
        except ValidationError as error:
            errors.setdefault("domain", []).extend(error.messages)
    return errors


def _touchpoint_errors(data: dict, form: CaptureForm | None) -> dict[str, list[str]]:
    """The campaign touchpoint's own checks (landing page, time), without a database trip."""
    if not (data.get("landing_url") or data.get("occurred_at")):
        return {}  # the kind is always a known one and "now" is always a valid time
    try:
        from hamsu.campaigns.services import _touchpoint_build
    except ImportError:  # the campaigns app is optional for capture
        return {}
    errors: dict[str, list[str]] = {}
    _touchpoint_build(
        kind=campaign_kind_of(touch_kind_of(data, form)),
        occurred_at=data.get("occurred_at") or timezone.now(),
        channel="",
        campaign=None,
        contact_id=None,
        account_id=None,
        utm=data.get("utm") or None,
        landing_url=data.get("landing_url", ""),
        external_id=data.get("external_id", ""),
        campaign_by_code=lambda _code: None,
        errors=errors,
    )
    return errors


def validate_capture(payload: Any, form: CaptureForm | None = None) -> dict:
    """Every check a capture passes before it is accepted; raise ValidationFailed with field
    errors (in the order a synchronous capture met them: fields, records, touchpoint)."""
    data = clean_capture(payload)
    for check in (_record_errors, lambda d: _touchpoint_errors(d, form)):
        errors = check(data)
        if errors:
            raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    return data


# ---------------------------------------------------------------- single captures: intake


def capture_reply(row_id: int) -> dict:
    return {"id": row_id, "status": "accepted"}


def _insert_request(*, form: CaptureForm | None, key: str | None, payload: Any) -> tuple[int, bool]:
    """One INSERT (one round trip in autocommit); on a key seen before, the first row's id.

    ``ON CONFLICT DO NOTHING`` rather than catching IntegrityError: no savepoint needed,
    and a concurrent retry of the same key waits for the first insert, then finds it.
    """
    table = connection.ops.quote_name(CaptureRequest._meta.db_table)
    q = connection.ops.quote_name
    json_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    created_at = stored_datetime(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({q('form_id')}, {q('key')}, {q('payload')}, {q('status')}, "
            f"{q('error')}, {q('created_at')}) VALUES (%s, %s, {json_param}, %s, {json_param}, %s) "
            f"ON CONFLICT ({q('form_id')}, {q('key')}) DO NOTHING RETURNING {q('id')}",
            [
                form.pk if form else None,
                key,
                json.dumps(payload),
                CaptureRequest.Status.PENDING,
                "{}",
                created_at,
            ],
        )
        row = cursor.fetchone()
        if row is not None:
            return row[0], False
        cursor.execute(
            f"SELECT {q('id')} FROM {table} WHERE {q('form_id')} = %s AND {q('key')} = %s",
            [form.pk if form else None, key],
        )
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


_wake_lock = threading.Lock()
_last_wake = 0.0


def wake_worker(*, force: bool = False) -> None:
    """Queue one intake drain, at most every WAKE_EVERY seconds from this process.

    Best effort by design: the capture is already committed; if the task cannot be queued
    now, the next capture (or ``hamsu capture_drain``) picks the row up.
    """
    global _last_wake
    with _wake_lock:
        now = time.monotonic()
        if not force and now - _last_wake < WAKE_EVERY:
            return
        _last_wake = now
    try:
        from hamsu.funnel.tasks import process_capture_intake

        if not _drain_waiting(process_capture_intake):
            process_capture_intake.enqueue()
    except Exception:  # noqa: BLE001 - see the docstring: the next capture retries
        logger.exception("could not queue the capture intake drain")
        with _wake_lock:
            _last_wake = 0.0


def _drain_waiting(task) -> bool:
    """Whether a drain is queued and not started yet: it will see every row committed now,
    so another one would only pile up while the worker is busy (the database backend)."""
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return False
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(status="READY", task_path=task.module_path).exists()


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
    error = {name: [message] for name in _nul_fields(payload)} or {"body": [message]}
    return position, json.dumps(_without_nul(payload)), CaptureItem.Status.FAILED, error


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
    from hamsu.funnel.tasks import process_capture_batch

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
    from hamsu.core import audit

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
