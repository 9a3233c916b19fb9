"""Turn Django model validation into the domain error every entry point understands."""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed

EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def full_clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    errors: dict[str, list[str]] = {}
    clean_instance_texts(instance, errors)  # NUL refused, control characters removed
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


def check_date_range(field: str, value: datetime.date | None, errors: dict[str, list[str]]) -> None:
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        errors.setdefault(field, []).append(
            _("Date must be between %(start)s and %(end)s.") % {"start": EARLIEST_DATE, "end": LATEST_DATE}
        )


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


# ---------------------------------------------------------------- text

# C0 control characters other than tab, line feed and carriage return: XML 1.0 cannot hold
# them (so neither can an XLSX cell — openpyxl refuses them) and no one types them on
# purpose; they arrive pasted from other systems. NUL is refused outright (PostgreSQL
# cannot store it; SQLite would, and every export would then choke on it).
CONTROL_CHARACTERS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f]")
_NUL = ProhibitNullCharactersValidator()


def clean_text(value: str) -> str:
    """The text as stored: NUL rejected (Django's own message and code), other control
    characters removed. Every write path — services (``full_clean``), the API's parser,
    forms and imports — goes through this one rule."""
    if "\x00" in value:
        _NUL(value)
    return CONTROL_CHARACTERS.sub("", value) if CONTROL_CHARACTERS.search(value) else value


def printable_text(value: str) -> str:
    """For exports: what ``clean_text`` would have stored, never raising (NUL dropped)."""
    return CONTROL_CHARACTERS.sub("", value.replace("\x00", ""))


def clean_instance_texts(instance: models.Model, errors: dict[str, list[str]]) -> None:
    """Apply ``clean_text`` to every text field of ``instance`` (the value is cleaned in
    place; a NUL becomes a field error)."""
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        try:
            cleaned = clean_text(value)
        except ValidationError as error:
            errors.setdefault(field.name, []).extend(error.messages)
            continue
        if cleaned is not value:
            setattr(instance, field.attname, cleaned)
