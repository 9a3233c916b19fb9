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

from hamsu.core.http import _FORMULA_START, safe_cell

# safe_cell's rule, inlined for the million-row loop: a text cell whose first character
# starts a formula gets a leading quote. Falls back to calling safe_cell if the rule ever
# grows beyond single characters.
_FORMULA_FIRST = frozenset(_FORMULA_START) if all(len(c) == 1 for c in _FORMULA_START) else None
_DATETIME = datetime.datetime


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return safe_cell(value)
    return value


def csv_row(row) -> list:
    if _FORMULA_FIRST is None:
        return [_csv_value(v) for v in row]
    return [
        ("'" + v if v[:1] in _FORMULA_FIRST else v)
        if v.__class__ is str
        else ("" if v is None else (v.isoformat() if v.__class__ is _DATETIME else v))
        for v in row
    ]


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
        buffer.append(writer.writerow(csv_row(row)))
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
    counter = [0]

    def counted():
        for row in rows:
            counter[0] += 1
            yield csv_row(row)

    writer = csv.writer(handle)
    handle.write("\ufeff")
    writer.writerow(header)
    writer.writerows(counted())
    return counter[0]


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
