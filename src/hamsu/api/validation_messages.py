"""The field errors of a 422 in the reader's language.

pydantic writes its messages in English ("String should have at most 200 characters"),
whatever the request's language, and django-ninja hands them over as they are. Each error
also carries its ``type`` and the limits it broke (``ctx``), so the message is written
again here from a translated template per type; the API builds every 422 through
``message_for`` (see ``hamsu.api.errors``).

A type this table does not know is either one of ours (``PydanticCustomError`` raised
with a message already translated, e.g. ``null_not_allowed``), kept as it is, or a
pydantic type no schema of ours meets so far, which gets a general message rather than
English.
"""

from __future__ import annotations

import decimal
import typing

from django.utils.translation import gettext_lazy
from pydantic_core.core_schema import ErrorType

from hamsu.core import dates

PYDANTIC_TYPES = frozenset(typing.get_args(ErrorType))

NOT_A_NUMBER = gettext_lazy("Enter a number.")
NOT_A_WHOLE_NUMBER = gettext_lazy("Enter a whole number.")
NOT_A_DATE = gettext_lazy("Enter a date as YYYY-MM-DD, e.g. 2025-03-31.")
NOT_A_DATETIME = gettext_lazy("Enter a date and time with its time zone, e.g. 2025-03-31T14:30:00+03:30.")
NOT_TRUE_OR_FALSE = gettext_lazy("Enter true or false.")
NOT_TEXT = gettext_lazy("Enter text.")
NOT_A_LIST = gettext_lazy("Enter a list.")
NOT_AN_OBJECT = gettext_lazy("Enter an object with named fields.")

# pydantic's error type -> the message, with the error's ``ctx`` values as parameters.
MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("There is no such field; check its name in the API document."),
    "string_type": NOT_TEXT,
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("This value is not in the expected form (%(pattern)s)."),
    "string_unicode": NOT_TEXT,
    "int_type": NOT_A_WHOLE_NUMBER,
    "int_parsing": NOT_A_WHOLE_NUMBER,
    "int_from_float": NOT_A_WHOLE_NUMBER,
    "int_parsing_size": NOT_A_WHOLE_NUMBER,
    "float_type": NOT_A_NUMBER,
    "float_parsing": NOT_A_NUMBER,
    "decimal_type": NOT_A_NUMBER,
    "decimal_parsing": NOT_A_NUMBER,
    "finite_number": NOT_A_NUMBER,
    "decimal_max_digits": gettext_lazy("At most %(max_digits)s digits in all."),
    "decimal_max_places": gettext_lazy("At most %(decimal_places)s digits after the decimal point."),
    "decimal_whole_digits": gettext_lazy("At most %(whole_digits)s digits before the decimal point."),
    "greater_than": gettext_lazy("Must be more than %(gt)s."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "less_than": gettext_lazy("Must be less than %(lt)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "multiple_of": gettext_lazy("Must be a multiple of %(multiple_of)s."),
    "bool_type": NOT_TRUE_OR_FALSE,
    "bool_parsing": NOT_TRUE_OR_FALSE,
    "date_type": NOT_A_DATE,
    "date_parsing": NOT_A_DATE,
    "date_from_datetime_parsing": NOT_A_DATE,
    "date_from_datetime_inexact": gettext_lazy("Enter a date without a time of day."),
    "date_past": gettext_lazy("Enter a date in the past."),
    "date_future": gettext_lazy("Enter a date in the future."),
    "datetime_type": NOT_A_DATETIME,
    "datetime_parsing": NOT_A_DATETIME,
    "datetime_from_date_parsing": NOT_A_DATETIME,
    "datetime_object_invalid": NOT_A_DATETIME,
    "timezone_naive": gettext_lazy("Enter a time without a time zone."),
    "timezone_aware": gettext_lazy("Give the time zone too (e.g. Z or +03:30)."),
    "time_type": gettext_lazy("Enter a time of day, e.g. 14:30."),
    "time_parsing": gettext_lazy("Enter a time of day, e.g. 14:30."),
    "time_delta_type": gettext_lazy("Enter a duration."),
    "time_delta_parsing": gettext_lazy("Enter a duration."),
    "literal_error": gettext_lazy("Use one of: %(expected)s."),
    "enum": gettext_lazy("Use one of: %(expected)s."),
    "list_type": NOT_A_LIST,
    "tuple_type": NOT_A_LIST,
    "set_type": NOT_A_LIST,
    "iterable_type": NOT_A_LIST,
    "too_short": gettext_lazy("At least %(min_length)s items."),
    "too_long": gettext_lazy("At most %(max_length)s items."),
    "dict_type": NOT_AN_OBJECT,
    "model_type": NOT_AN_OBJECT,
    "model_attributes_type": NOT_AN_OBJECT,
    "dataclass_type": NOT_AN_OBJECT,
    "uuid_type": gettext_lazy("Enter a UUID."),
    "uuid_parsing": gettext_lazy("Enter a UUID."),
    "url_type": gettext_lazy("Enter a web address."),
    "url_parsing": gettext_lazy("Enter a web address."),
    "url_scheme": gettext_lazy("Enter a web address."),
    "url_syntax_violation": gettext_lazy("Enter a web address."),
    "url_too_long": gettext_lazy("This web address is too long."),
    "json_invalid": gettext_lazy("This is not valid JSON."),
    "json_type": gettext_lazy("This is not valid JSON."),
    "none_required": gettext_lazy("Leave this field empty."),
    "bytes_type": NOT_TEXT,
}
GENERAL = gettext_lazy("This value is not valid.")


def _number(value) -> str:
    text = format(value, "f") if isinstance(value, decimal.Decimal) else str(value)
    return dates.to_persian_digits(text) if dates.uses_jalali() else text


def _parameters(ctx: dict) -> dict:
    parameters = {}
    for key, value in ctx.items():
        if isinstance(value, bool):
            parameters[key] = str(value).lower()
        elif isinstance(value, int | float | decimal.Decimal):
            parameters[key] = _number(value)
        elif key == "expected":
            # pydantic lists the choices as "'a', 'b' or 'c'": the codes, without the English "or".
            parameters[key] = str(value).replace(" or ", ", ")
        else:
            parameters[key] = str(value)
    return parameters


def message_for(error: dict) -> str:
    """The message of one pydantic error (as django-ninja passes it) in the active language."""
    kind = error.get("type", "")
    template = MESSAGES.get(kind)
    if template is None:
        if kind == "value_error":
            # Our validators raise ValueError with a translated message; pydantic prefixes it.
            return str(error.get("ctx", {}).get("error") or GENERAL)
        if kind in PYDANTIC_TYPES or "msg" not in error:
            return str(GENERAL)
        return error["msg"]
    try:
        return str(template) % _parameters(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        # A template whose limit pydantic did not pass.
        return str(GENERAL)
