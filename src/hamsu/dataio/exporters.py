"""Write export rows as CSV or XLSX, streaming: neither format holds the rows in memory.

Every text cell goes through hamsu.core.http.safe_cell, so a value such as ``=HYPERLINK(…)``
typed into the CRM cannot run as a formula in the spreadsheet that opens the export.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone

from hamsu.core.http import safe_cell


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(value)
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(
    header: list[str], rows: Iterable[tuple], *, bom: bool = True, batch: int = 2000
) -> Iterator[str]:
    """CSV text in chunks of ``batch`` rows (UTF-8 with BOM so Excel reads Persian right)."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" if bom else "") + writer.writerow(header)
    buffer = []
    for row in rows:
        buffer.append(writer.writerow([_csv_value(v) for v in row]))
        if len(buffer) >= batch:
            yield "".join(buffer)
            buffer = []
    if buffer:
        yield "".join(buffer)


def write_csv(path_or_handle, header: list[str], rows: Iterable[tuple]) -> int:
    if isinstance(path_or_handle, str):
        with open(path_or_handle, "w", encoding="utf-8", newline="") as handle:
            return write_csv(handle, header, rows)
    handle = path_or_handle
    count = 0
    writer = csv.writer(handle)
    handle.write("\ufeff")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
    return count


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write the local wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(path, header: list[str], rows: Iterable[tuple], *, title: str = "export") -> int:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
        count += 1
    book.save(path)
    return count


def xlsx_tempfile(header: list[str], rows: Iterable[tuple], *, title: str) -> tempfile._TemporaryFileWrapper:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    write_xlsx(handle.name, header, rows, title=title)
    handle.seek(0)
    return handle
