"""Write export rows as CSV or XLSX, streaming: neither format holds the rows in memory.

Every text cell follows hamsu.core.http.safe_cell, so a value such as ``=HYPERLINK(…)``
typed into the CRM cannot run as a formula in the spreadsheet that opens the export.

Lists come a chunk at a time, column by column (``selectors.export_columns``); XLSX is
written from the same chunks by ``hamsu.core.xlsx`` (its text rule is ``spreadsheet_text``:
safe_cell's plus no control characters). For CSV, ``safe_columns`` applies safe_cell's
rule with a few C passes per column (a column holding none of the formula characters
anywhere — most of them — is not looked at cell by cell), and ``csv_text`` joins the rows
in C when no cell needs quoting. A million rows cost a few microseconds each, most of it the database's.
"""

from __future__ import annotations

import csv
import datetime
import io
import operator
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from hamsu.core import xlsx
from hamsu.core.http import _FORMULA_START, safe_cell

# safe_cell's rule, inlined for the million-row loop: a text cell whose first character
# starts a formula gets a leading quote. Falls back to calling safe_cell if the rule ever
# grows beyond single characters.
_FORMULA_FIRST = frozenset(_FORMULA_START) if all(len(c) == 1 for c in _FORMULA_START) else None
_first = operator.itemgetter(0)
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


def safe_columns(columns: list[Sequence]) -> list[Sequence]:
    """safe_cell's rule for every ``str`` cell of a chunk given column by column (numbers
    stay numbers, as in ``csv_row``); columns without a formula are returned as they are."""
    if _FORMULA_FIRST is None:
        return [[_csv_value(v) if isinstance(v, str) else v for v in column] for column in columns]
    safe = list(columns)
    for i, column in enumerate(columns):
        try:
            joined = "".join(filter(None, column))
        except TypeError:  # not all text: numbers (an id column) or a mix
            if not any(issubclass(kind, str) for kind in set(map(type, column))):
                continue  # no text at all, nothing to neutralise
            hit = any(isinstance(v, str) and v[:1] in _FORMULA_FIRST for v in column)
        else:
            # Most columns hold none of the six characters anywhere (one memchr each);
            # only then look at the first character of each cell.
            hit = any(c in joined for c in _FORMULA_START) and not _FORMULA_FIRST.isdisjoint(
                map(_first, filter(None, column))
            )
        if hit:
            safe[i] = [("'" + v) if isinstance(v, str) and v[:1] in _FORMULA_FIRST else v for v in column]
    return safe


_NEEDS_QUOTES = (",", '"', "\r", "\n")


def csv_text(columns: list[Sequence]) -> str:
    """A chunk given column by column as CSV text, exactly as ``csv.writer`` writes it.

    When no cell holds a comma, a quote or a line break — nearly always — nothing needs
    quoting and the rows are joined with "," in C (half the writer's cost); otherwise
    the writer does it. Cells become text as the writer makes them (None → "", str()).
    """
    if len(columns) > 1:  # one empty cell alone on a row is written as "" by the writer
        texts = []
        for column in columns:
            if None in column:
                column = ["" if v is None else v if v.__class__ is str else str(v) for v in column]
            try:
                joined = "".join(column)
            except TypeError:  # numbers
                column = list(map(str, column))
                joined = "".join(column)
            if any(c in joined for c in _NEEDS_QUOTES):
                break
            texts.append(column)
        else:
            if not texts[0]:
                return ""
            return "\r\n".join(map(",".join, zip(*texts, strict=True))) + "\r\n"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(zip(*columns, strict=True))
    return buffer.getvalue()


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


def csv_stream(header: list[str], chunks: Iterable[list[Sequence]], *, bom: bool = True) -> Iterator[str]:
    """CSV text, one piece per chunk of ``selectors.export_columns`` (UTF-8 with BOM)."""
    head = ("\ufeff" if bom else "") + csv.writer(_Echo()).writerow(header)
    for columns in chunks:
        yield head + csv_text(safe_columns(columns))
        head = ""
    if head:  # no rows at all: the header alone
        yield head


def write_csv_columns(path_or_handle, header: list[str], chunks: Iterable[list[Sequence]]) -> int:
    """Write ``selectors.export_columns`` output as CSV; returns the number of rows."""
    if isinstance(path_or_handle, str | os.PathLike):
        with open(path_or_handle, "w", encoding="utf-8", newline="") as handle:
            return write_csv_columns(handle, header, chunks)
    handle = path_or_handle
    handle.write("\ufeff")
    csv.writer(handle).writerow(header)
    count = 0
    for columns in chunks:
        handle.write(csv_text(safe_columns(columns)))
        count += len(columns[0]) if columns else 0
    return count


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


def write_xlsx(
    path_or_handle, header: list[str], chunks: Iterable[list[Sequence]], *, title: str = "export"
) -> int:
    """Write ``selectors.export_columns(…, datetimes="aware")`` output as XLSX (see
    ``hamsu.core.xlsx``: text through ``spreadsheet_text``, datetimes as the company's
    wall-clock time); returns the number of rows."""
    return xlsx.write_workbook(path_or_handle, [xlsx.Sheet(title, header, chunks)])[0]


def xlsx_tempfile(
    header: list[str], chunks: Iterable[list[Sequence]], *, title: str
) -> tempfile._TemporaryFileWrapper:
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    write_xlsx(handle, header, chunks, title=title)
    handle.seek(0)
    return handle
