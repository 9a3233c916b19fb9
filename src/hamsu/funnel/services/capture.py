"""Lead capture: one form fill becomes an upserted contact and account, a touchpoint, a
scored and evaluated lead, routed if it qualifies — all in one transaction, so a 2xx
reply means the lead is stored; bulk submissions are stored durably first and worked
through by a background job."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed
from hamsu.crm.models import Account, Contact, Segment
from hamsu.funnel.models import CaptureBatch, CaptureForm, CaptureItem, CaptureRequest, Lead, LeadState
from hamsu.funnel.services import leads as lifecycle

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


def _domain_of(email: str) -> str:
    domain = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    return "" if domain in FREE_MAIL else domain


def _serialise_on(key: str) -> None:
    """On PostgreSQL two captures of one new e-mail must not both create the contact."""
    if connection.vendor == "postgresql" and key:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _upsert_account(*, domain: str, company: str, country: str, employees, segment) -> Account | None:
    account = None
    if domain:
        account = Account.objects.filter(domain=domain).order_by("pk").first()
    if account is None and company and not domain:
        account = Account.objects.filter(name__iexact=company).order_by("pk").first()
    if account is not None or not (domain or company):
        return account
    from hamsu.crm import services as crm

    return crm.account_create(
        actor=None,
        via="capture",
        name=(company or domain)[:200],
        domain=domain,
        country=country,
        employees=employees,
        segment=segment,
    )


def _upsert_contact(*, data: dict, account: Account | None) -> Contact | None:
    email = data.get("email", "")
    if not email:
        return None
    contact = Contact.objects.filter(email=email).order_by("pk").first()
    if contact is not None:
        return contact
    from hamsu.crm import services as crm

    return crm.contact_create(
        actor=None,
        via="capture",
        account=account,
        first_name=data.get("first_name", "")[:100],
        last_name=(data.get("last_name") or email.split("@")[0])[:100],
        email=email,
        phone=data.get("phone", "")[:40],
        title=data.get("title", "")[:120],
        country=data.get("country", ""),
    )


def _record_touchpoint(*, kind: str, at, contact, account, data: dict) -> None:
    """Give the campaigns app its attribution record when it offers the service."""
    try:
        from hamsu.campaigns.models import TouchpointKind
        from hamsu.campaigns.services import touchpoint_record
    except ImportError:  # the campaigns app is optional for capture
        return
    campaign_kind = kind if kind in TouchpointKind.values else ("form_fill" if "request" in kind else "other")
    touchpoint_record(
        actor=None,
        kind=campaign_kind,
        occurred_at=at,
        contact=contact,
        account=account,
        utm=data.get("utm") or None,
        landing_url=data.get("landing_url", ""),
        external_id=data.get("external_id", ""),
        via="capture",
    )


def clean_capture(payload: Any) -> dict:
    """Check one submission; raise ValidationFailed with field errors."""
    errors: dict[str, list[str]] = {}
    if not isinstance(payload, dict):
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"body": [_("Send a JSON object.")]}
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


@transaction.atomic
def lead_capture(
    *, payload: dict, form: CaptureForm | None = None, via: str = "capture"
) -> tuple[Lead, bool]:
    """Capture one submission; returns (lead, created). Everything or nothing is written."""
    data = clean_capture(payload)
    now = timezone.now()
    at = data.get("occurred_at") or now
    _serialise_on(data["email"] or data.get("phone", ""))
    segment = None
    if data.get("segment"):
        segment = Segment.objects.filter(name__iexact=str(data["segment"])).first()
    domain = _domain_of(data["email"])
    account = _upsert_account(
        domain=domain,
        company=data.get("company", ""),
        country=data["country"],
        employees=data.get("employees"),
        segment=segment,
    )
    contact = _upsert_contact(data=data, account=account)
    if segment is None and account is not None:
        segment = account.segment
    kind = data.get("touch_kind") or (form.touch_kind if form else "form_fill")
    origin = data.get("origin") or (form.origin if form else "") or kind
    existing = (
        Lead.objects.select_for_update()
        .filter(email=data["email"])
        .exclude(state=LeadState.WON)
        .order_by("-pk")
        .first()
        if data["email"]
        else None
    )
    created = existing is None
    if existing is None:
        lead = lifecycle.lead_create(
            actor=None,
            via=via,
            contact=contact,
            account=account,
            evaluate=False,
            at=min(at, now),
            email=data["email"],
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            company=data.get("company", "") or (account.name if account else ""),
            title=data.get("title", ""),
            phone=data.get("phone", ""),
            country=data["country"],
            employees=data.get("employees"),
            segment=segment,
            origin=origin,
        )
    else:
        lead = existing
        if lead.state in (LeadState.LOST, LeadState.DISQUALIFIED):
            # A returning lost or disqualified lead who raises a hand again is nurtured anew.
            lead = lifecycle.lead_recycle(
                lead=lead, actor=None, via=via, reason=_("came back through %(kind)s") % {"kind": kind}
            )
    lifecycle.lead_touch_record(lead=lead, kind=kind, at=at, source=(form.name if form else via))
    _record_touchpoint(kind=kind, at=at, contact=contact, account=account, data=data)
    from hamsu.funnel.services.definitions import lead_evaluate

    lead = lead_evaluate(lead=lead, actor=None, via=via, now=now)
    return lead, created


def capture_reply(lead: Lead, created: bool) -> dict:
    return {
        "lead_id": lead.pk,
        "created": created,
        "state": lead.state,
        "owner_id": lead.owner_id,
        "queue": lead.queue,
    }


@transaction.atomic
def lead_capture_idempotent(*, payload: dict, form: CaptureForm | None, key: str) -> tuple[int, dict, bool]:
    """Capture once per (form, Idempotency-Key): a retry gets the first reply back.

    The key row is inserted first, in the same transaction as the lead, so a concurrent
    retry waits on it and then replays; a failed capture rolls the key back with it.
    """
    if not key:
        lead, created = lead_capture(payload=payload, form=form)
        return (201 if created else 200), capture_reply(lead, created), False
    if len(key) > 200:
        raise ValidationFailed(
            _("Idempotency-Key too long"), errors={"Idempotency-Key": [_("At most 200 characters.")]}
        )
    try:
        with transaction.atomic():
            record = CaptureRequest.objects.create(form=form, key=key, status_code=0)
    except IntegrityError:
        previous = CaptureRequest.objects.get(form=form, key=key)
        return previous.status_code, previous.response, True
    lead, created = lead_capture(payload=payload, form=form)
    status = 201 if created else 200
    reply = capture_reply(lead, created)
    CaptureRequest.objects.filter(pk=record.pk).update(lead=lead, status_code=status, response=reply)
    return status, reply, False


# ---------------------------------------------------------------- bulk


@transaction.atomic
def capture_batch_create(
    *, payloads: list, actor, form: CaptureForm | None = None, idempotency_key: str = ""
) -> tuple[CaptureBatch, bool]:
    """Store a batch durably (one insert) and queue it; returns (batch, replayed)."""
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
    CaptureItem.objects.bulk_create(
        [
            CaptureItem(batch=batch, position=i, payload=p if isinstance(p, dict) else {"_invalid": p})
            for i, p in enumerate(payloads)
        ],
        batch_size=1000,
    )
    from hamsu.funnel.tasks import process_capture_batch

    transaction.on_commit(lambda: process_capture_batch.enqueue(batch.pk))
    return batch, False


def capture_batch_process(*, batch_id: int) -> CaptureBatch:
    """Work through a batch's pending items, each in its own transaction (safe to re-run)."""
    batch = CaptureBatch.objects.select_related("form").get(pk=batch_id)
    for item in (
        CaptureItem.objects.filter(batch=batch, status=CaptureItem.Status.PENDING)
        .order_by("position")
        .iterator(chunk_size=500)
    ):
        try:
            with transaction.atomic():
                lead, _created = lead_capture(payload=item.payload, form=batch.form, via="bulk")
                CaptureItem.objects.filter(pk=item.pk).update(status=CaptureItem.Status.DONE, lead=lead)
        except ValidationFailed as error:
            CaptureItem.objects.filter(pk=item.pk).update(
                status=CaptureItem.Status.FAILED, error=error.errors
            )
    with transaction.atomic():
        counts = {
            row: CaptureItem.objects.filter(batch=batch, status=row).count()
            for row in CaptureItem.Status.values
        }
        CaptureBatch.objects.filter(pk=batch.pk).update(
            processed=counts["done"] + counts["failed"],
            failed=counts["failed"],
            status=CaptureBatch.Status.DONE if counts["pending"] == 0 else CaptureBatch.Status.QUEUED,
            finished_at=timezone.now() if counts["pending"] == 0 else None,
        )
    batch.refresh_from_db()
    return batch


def capture_drain() -> int:
    """Process every batch still queued (after a crash, the worker picks up here)."""
    done = 0
    for batch_id in (
        CaptureBatch.objects.filter(status=CaptureBatch.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        capture_batch_process(batch_id=batch_id)
        done += 1
    return done


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
