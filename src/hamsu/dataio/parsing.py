"""Turn one cell into a typed value, or a ValueError whose text is shown in the report.

Cells may hold Persian or Arabic digits (۱۴۰۲/۰۱/۱۵, ٣٫٥), Jalali dates, thousands
separators, or — from XLSX — already-typed numbers and datetimes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core.dates import parse_date, to_ascii_digits

# Arabic decimal and thousands separators, and the Persian/Arabic comma.
_NUMBER_TRANSLATION = str.maketrans({"٫": ".", "٬": "", "،": ""})
_TRUE = {"1", "true", "yes", "y", "t", "بله", "درست"}
_FALSE = {"0", "false", "no", "n", "f", "خیر", "نادرست", ""}
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%SZ")
_DATE_FORMATS = ("%d.%m.%Y", "%m/%d/%Y")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def number_text(value) -> str:
    return to_ascii_digits(text(value)).translate(_NUMBER_TRANSLATION).replace(",", "").replace(" ", "")


def integer(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    cleaned = number_text(value)
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text(value)}) from None
    if number != number.to_integral_value():
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text(value)})
    return int(number)


def decimal(value) -> Decimal | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    cleaned = number_text(value)
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text(value)}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text(value)})
    return number


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    cleaned = text(value).casefold()
    if cleaned in _TRUE:
        return True
    if cleaned in _FALSE:
        return False
    raise ValueError(_("“%(value)s” is not yes or no.") % {"value": text(value)})


def date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    cleaned = to_ascii_digits(text(value))
    if not cleaned:
        return None
    moment = _datetime_or_none(cleaned)
    if moment is not None:
        return moment.date()
    try:
        return parse_date(cleaned)
    except (ValueError, TypeError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date (use YYYY-MM-DD; Jalali dates such as 1402/01/15 are read too).")
        % {"value": text(value)}
    )


def _datetime_or_none(cleaned: str) -> datetime.datetime | None:
    if len(cleaned) <= 10:
        return None
    try:
        return datetime.datetime.fromisoformat(cleaned)
    except ValueError:
        pass
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
    return None


def moment(value) -> datetime.datetime | None:
    """A date or date-time cell as an aware datetime (dates at midnight, local time zone)."""
    if isinstance(value, datetime.datetime):
        result = value
    else:
        cleaned = to_ascii_digits(text(value))
        if not cleaned:
            return None
        result = _datetime_or_none(cleaned)
        if result is None:
            day = date(cleaned)
            result = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(result):
        result = timezone.make_aware(result)
    return result


def domain_of(value: str) -> str:
    """``https://www.Example.com/about`` → ``example.com`` (the CRM stores bare domains)."""
    cleaned = text(value).lower()
    for prefix in ("https://", "http://"):
        cleaned = cleaned.removeprefix(prefix)
    cleaned = cleaned.split("/", 1)[0].split("?", 1)[0]
    return cleaned.removeprefix("www.")
