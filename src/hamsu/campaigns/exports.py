"""CSV and XLSX downloads of the attribution and closed-loop tables.

Text cells go through ``safe_cell`` in both formats: a campaign called "=HYPERLINK(…)"
must stay text in the spreadsheet. Numbers stay numbers so the sheet can sum them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

from hamsu.core.http import csv_response, spreadsheet_text


def _cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float):
        return value
    return spreadsheet_text(value)


def xlsx_response(filename: str, sheets: Sequence[tuple[str, list[str], Iterable[Sequence]]]) -> HttpResponse:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([spreadsheet_text(h) for h in header])
        for row in rows:
            sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_response(fmt: str, basename: str, sheets: Sequence[tuple[str, list[str], list[Sequence]]]):
    """CSV gets the first sheet (one table per file); XLSX gets every sheet."""
    if fmt == "xlsx":
        return xlsx_response(f"{basename}.xlsx", sheets)
    _title, header, rows = sheets[0]
    return csv_response(f"{basename}.csv", header, rows)
