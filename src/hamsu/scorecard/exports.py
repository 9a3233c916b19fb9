"""Export any scorecard table as CSV or XLSX (every cell through ``safe_cell``)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.http import HttpResponse

from hamsu.core.http import csv_response, spreadsheet_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_value(value):
    # Numbers stay numbers (so spreadsheets can sum them); text goes through safe_cell so
    # a name like "=HYPERLINK(…)" is never run as a formula.
    if isinstance(value, bool) or value is None:
        return spreadsheet_text(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return spreadsheet_text(value)


def xlsx_response(filename: str, header: list[str], rows) -> HttpResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=filename.rsplit(".", 1)[0][:31] or "data")
    sheet.append([spreadsheet_text(h) for h in header])
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export(name: str, fmt: str, header: list[str], rows) -> HttpResponse:
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows)
    return csv_response(f"{name}.csv", header, rows)
