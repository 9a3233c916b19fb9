"""Small helpers for thin views."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

from hamsu.core.validation import CONTROL_CHARACTERS, printable_text

# Cells starting with these are formulas in spreadsheet programs; prefixing a quote keeps
# an exported CRM field from running as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)  # all one character: test only the first


def safe_cell(value) -> str:
    text = "" if value is None else value if value.__class__ is str else str(value)
    return "'" + text if text[:1] in _FORMULA_FIRST else text


def spreadsheet_text(value) -> str:
    """A text cell of an XLSX export: ``safe_cell``'s rule, without the control characters
    a spreadsheet cannot hold. One stored name with a vertical tab made openpyxl refuse
    the whole workbook (a 500 for everyone); an export never fails on stored data."""
    text = "" if value is None else value if value.__class__ is str else str(value)
    if "\x00" in text or CONTROL_CHARACTERS.search(text):
        text = printable_text(text)
    return safe_cell(text)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream rows as CSV (UTF-8 with BOM so Excel reads Persian correctly)."""
    writer = csv.writer(_Echo())

    def generate():
        # Rows go out in pieces of 500: one write per row costs more than the row itself.
        buffer = ["\ufeff" + writer.writerow(header)]
        for row in rows:
            buffer.append(writer.writerow([safe_cell(value) for value in row]))
            if len(buffer) >= 500:
                yield "".join(buffer)
                buffer = []
        if buffer:
            yield "".join(buffer)

    response = StreamingHttpResponse(generate(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
