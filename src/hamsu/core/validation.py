"""Turn Django model validation into the domain error every entry point understands."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed

EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def full_clean(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=False)
    except ValidationError as error:
        raise ValidationFailed(_("Please correct the errors below."), errors=error.message_dict) from error


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
