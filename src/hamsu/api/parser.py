"""Every request body and query of the API passes ``hamsu.core.validation.clean_text``
before its schema sees it: a NUL is refused with the field it came in (PostgreSQL cannot
store one, and a stored one broke every export), other control characters are removed.
One parser for the whole API, so no endpoint can forget it.

The one exception is a bulk capture: its rows are stored as they come and checked one by
one later, so a NUL fails its own row (with the field) instead of the whole batch."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja.parser import Parser

from hamsu.core.errors import ValidationFailed
from hamsu.core.validation import CONTROL_CHARACTERS, clean_text

# Paths whose rows are checked one by one after they are stored (see the docstring).
ROW_BY_ROW = ("/funnel/capture-batches",)


def _clean(value: Any, path: str, errors: dict[str, list[str]]) -> Any:
    if isinstance(value, str):
        try:
            return clean_text(value)
        except ValidationError as error:
            errors.setdefault(path or "body", []).extend(error.messages)
            return CONTROL_CHARACTERS.sub("", value)  # the NUL stays, for the row's own check
    if isinstance(value, dict):
        return {
            key: _clean(item, f"{path}.{key}" if path else str(key), errors) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_clean(item, f"{path}.{i}" if path else str(i), errors) for i, item in enumerate(value)]
    return value


def cleaned(data: Any, *, refuse_nul: bool = True) -> Any:
    errors: dict[str, list[str]] = {}
    data = _clean(data, "", errors)
    if errors and refuse_nul:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    return data


class TextCleaningParser(Parser):
    def parse_body(self, request):
        return cleaned(super().parse_body(request), refuse_nul=not request.path.endswith(ROW_BY_ROW))

    def parse_querydict(self, data, list_fields, request):
        return cleaned(super().parse_querydict(data, list_fields, request))
