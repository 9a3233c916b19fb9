"""The checks a lead capture passes before it is accepted, shared by the intake (the web
request, ``capture``) and the worker (``capture_process``), so a submission is judged
the same way on both sides: the fields, what the records would refuse, and what the
touch recorders above the funnel would refuse (``hamsu.funnel.capture_touches``)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed
from hamsu.core.validation import validate_country_code
from hamsu.funnel import capture_touches
from hamsu.funnel.models import CaptureForm

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
# The text fields and their longest accepted value (the lead's and contact's columns).
TEXT_LIMITS = (
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
)
_email_validator = EmailValidator()
_domain_length = MaxLengthValidator(200)  # crm.Account.domain


def domain_of(email: str) -> str:
    """The company domain of an e-mail, as accounts store it ("" for free-mail senders)."""
    domain = email.rsplit("@", 1)[-1].lower().removeprefix("www.") if "@" in email else ""
    return "" if domain in FREE_MAIL else domain


def touch_kind_of(data: dict, form: CaptureForm | None) -> str:
    return data.get("touch_kind") or (form.touch_kind if form else "form_fill")


def nul_fields(payload: dict) -> list[str]:
    """Fields holding a NUL character anywhere: PostgreSQL can store none in text or JSON."""
    if "\\u0000" not in json.dumps(payload):
        return []
    return sorted(str(k).replace("\x00", "") for k, v in payload.items() if "\\u0000" in json.dumps([k, v]))


def without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


def _check_texts(data: dict, errors: dict[str, list[str]]) -> None:
    for name, limit in TEXT_LIMITS:
        value = data.get(name, "")
        if value is None:
            data[name] = ""
        elif not isinstance(value, str):
            errors.setdefault(name, []).append(_("Send text."))
        elif len(value) > limit:
            errors.setdefault(name, []).append(_("At most %(n)s characters.") % {"n": limit})


def _check_contact(data: dict, errors: dict[str, list[str]]) -> None:
    """The e-mail (or a phone instead) and the country code."""
    email = (data.get("email") or "").lower()
    data["email"] = email
    if email:
        local, _at, domain = email.partition("@")
        if not local or "." not in domain or " " in email:
            errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    if not (email or data.get("phone")):
        errors.setdefault("email", []).append(_("Give an e-mail or a phone number."))
    country = data.get("country") or ""
    if country and (not isinstance(country, str) or not validate_country_code.accepts(country)):
        errors.setdefault("country", []).append(_("Use the two-letter country code."))
    data["country"] = country.upper() if isinstance(country, str) else ""


def _check_details(data: dict, errors: dict[str, list[str]]) -> None:
    """The company size, the time of the touch and its UTM codes."""
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


def clean_capture(payload: Any) -> dict:
    """Check one submission; raise ValidationFailed with field errors."""
    if not isinstance(payload, dict):
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"body": [_("Send a JSON object.")]}
        )
    nul = nul_fields(payload)
    if nul:
        message = str(ProhibitNullCharactersValidator.message)
        raise ValidationFailed(
            _("Please correct the errors below."), errors={name: [message] for name in nul}
        )
    errors: dict[str, list[str]] = {}
    unknown = set(payload) - CAPTURE_FIELDS
    if unknown:
        errors.update({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in payload.items() if k in CAPTURE_FIELDS}
    for check in (_check_texts, _check_contact, _check_details):
        check(data, errors)
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


def _touch_errors(data: dict, form: CaptureForm | None) -> dict[str, list[str]]:
    """What the touch recorders above the funnel (campaign touchpoints) would refuse."""
    return capture_touches.touch_errors(
        capture_touches.CapturedTouch(
            kind=touch_kind_of(data, form),
            occurred_at=data.get("occurred_at"),
            utm=data.get("utm") or None,
            landing_url=data.get("landing_url", ""),
            external_id=data.get("external_id", ""),
        )
    )


def validate_capture(payload: Any, form: CaptureForm | None = None) -> dict:
    """Every check a capture passes before it is accepted; raise ValidationFailed with field
    errors (in the order a synchronous capture met them: fields, records, touchpoint)."""
    data = clean_capture(payload)
    for check in (_record_errors, lambda d: _touch_errors(d, form)):
        errors = check(data)
        if errors:
            raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    return data
