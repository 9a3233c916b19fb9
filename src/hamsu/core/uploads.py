"""Bounds on every uploaded table, one set for every upload: the data imports (CSV and
XLSX, every kind), the people import, campaign spend and touchpoints, questionnaire answers.

A file's size on the wire says little about what it becomes: a 147 KB XLSX (a zip) can
hold a 150 MB string, a CSV one endless line. So what a file may hold is bounded before
and while it is read — its uncompressed size, rows, columns, the length of a line, of a
cell and of a column name — and a file over a bound is refused with the bound named
(HTTP 413, a field error on ``file``), never parsed to the end, never stored.

Every bound is a setting (``HAMSU_UPLOAD_*``, see settings.py); ``limits()`` reads them
at call time so tests and operators can change them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from hamsu.core import dates
from hamsu.core.errors import DomainError, ValidationFailed


class TooLarge(DomainError):
    """The upload exceeds a bound; ``errors["file"]`` names the bound."""

    status = 413


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int  # a file stored for import (files read whole: HAMSU_UPLOAD_MAX_IN_MEMORY_BYTES)
    max_uncompressed_bytes: int  # an XLSX's parts, added up, once unzipped
    max_compression_ratio: int  # any XLSX part over 1 MiB: uncompressed / compressed
    max_rows: int  # data rows (the header row not counted)
    max_columns: int
    max_line_chars: int  # one physical line of a CSV file
    max_cell_chars: int  # one value (Excel's own limit by default)
    max_header_chars: int  # one column name


def limits() -> UploadLimits:
    return UploadLimits(
        max_bytes=settings.HAMSU_UPLOAD_MAX_BYTES,
        max_uncompressed_bytes=settings.HAMSU_UPLOAD_MAX_UNCOMPRESSED_BYTES,
        max_compression_ratio=settings.HAMSU_UPLOAD_MAX_COMPRESSION_RATIO,
        max_rows=settings.HAMSU_UPLOAD_MAX_ROWS,
        max_columns=settings.HAMSU_UPLOAD_MAX_COLUMNS,
        max_line_chars=settings.HAMSU_UPLOAD_MAX_LINE_CHARS,
        max_cell_chars=settings.HAMSU_UPLOAD_MAX_CELL_CHARS,
        max_header_chars=settings.HAMSU_UPLOAD_MAX_HEADER_CHARS,
    )


def n(value: int) -> str:
    """A number in a message, grouped, in Persian digits for a Persian reader (as the
    ``num`` template filter writes it)."""
    text = intcomma(value, use_l10n=False)
    return dates.to_persian_digits(text) if dates.uses_jalali() else text


# ---------------------------------------------------------------- the messages, one per bound


def file_too_large(limit: int) -> str:
    return _("The file is larger than %(limit)s bytes, the most an upload may hold.") % {"limit": n(limit)}


def too_many_rows(limit: int) -> str:
    return _("The file has more than %(limit)s rows, the most one upload may hold; split it.") % {
        "limit": n(limit)
    }


def too_many_columns(row: int, count: int, limit: int) -> str:
    return _("Row %(row)s has %(count)s columns; a file may have at most %(limit)s.") % {
        "row": n(row),
        "count": n(count),
        "limit": n(limit),
    }


def line_too_long(line: int, limit: int) -> str:
    return _("Line %(line)s is longer than %(limit)s characters, the most one line may hold.") % {
        "line": n(line),
        "limit": n(limit),
    }


def cell_too_long(row: int, column: int, limit: int) -> str:
    return _(
        "The value in row %(row)s, column %(column)s is longer than %(limit)s characters, "
        "the most one cell may hold."
    ) % {"row": n(row), "column": n(column), "limit": n(limit)}


def value_too_long(line: int, limit: int) -> str:
    """A value csv refused as it parsed: it knows the line the row starts on, not the column."""
    return _(
        "A value in the row starting on line %(line)s is longer than %(limit)s characters, "
        "the most one cell may hold."
    ) % {"line": n(line), "limit": n(limit)}


def header_too_long(column: int, limit: int) -> str:
    return _("The name of column %(column)s is longer than %(limit)s characters.") % {
        "column": n(column),
        "limit": n(limit),
    }


def too_large(message: str, *, field: str = "file") -> TooLarge:
    return TooLarge(message, errors={field: [message]})


# ---------------------------------------------------------------- small CSV uploads


def read_upload(upload, *, max_bytes: int | None = None) -> bytes:
    """The bytes of an upload that is read whole (an upload object, a file or bytes), in
    chunks, refused as soon as they pass the bound."""
    limit = max_bytes or settings.HAMSU_UPLOAD_MAX_IN_MEMORY_BYTES
    if isinstance(upload, bytes | bytearray):
        if len(upload) > limit:
            raise too_large(file_too_large(limit))
        return bytes(upload)
    out = io.BytesIO()
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
    for chunk in chunks:
        if out.tell() + len(chunk) > limit:
            raise too_large(file_too_large(limit))
        out.write(chunk)
    return out.getvalue()


def decode_utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("The file is not UTF-8 text.")
        raise ValidationFailed(message, errors={"file": [message]}) from None


def bounded_lines(text: str | Iterable[str], *, max_line_chars: int) -> Iterator[str]:
    """The lines of ``text``, each refused when longer than the bound (read with a limit,
    so an endless line is never held whole)."""
    handle = io.StringIO(text, newline="") if isinstance(text, str) else text
    readline = handle.readline
    number = 0
    while line := readline(max_line_chars + 2):  # the line and its CR LF
        number += 1
        if len(line.rstrip("\r\n")) > max_line_chars:
            raise too_large(line_too_long(number, max_line_chars))
        yield line


def bounded_csv_rows(text: str, *, max_rows: int | None = None) -> Iterator[list[str]]:
    """csv.reader over ``text`` with every bound checked: line length, columns, cell
    length, column names (row 1) and the number of rows (``max_rows`` when a kind of
    import allows fewer than the general bound)."""
    bounds = limits()
    if max_rows is not None:
        bounds = dataclasses.replace(bounds, max_rows=min(max_rows, bounds.max_rows))
    bound_csv_fields(bounds)
    reader = csv.reader(bounded_lines(text, max_line_chars=bounds.max_line_chars))
    index = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if FIELD_LIMIT in str(error):
                raise too_large(value_too_long(start, bounds.max_cell_chars)) from None
            raise
        index += 1
        if index > bounds.max_rows + 1:
            raise too_large(too_many_rows(bounds.max_rows))
        check_row(row, index, bounds, header=index == 1)
        yield row


# csv's own message when a value passes csv.field_size_limit.
FIELD_LIMIT = "field larger than field limit"


def bound_csv_fields(bounds: UploadLimits) -> None:
    """csv refuses a longer value in C as it parses, so no value is ever held longer than
    the cell bound (column names are bounded tighter, after parsing). The limit belongs to
    the process: every reader sets the same configured bound."""
    csv.field_size_limit(max(bounds.max_cell_chars, bounds.max_header_chars))


def check_row(row: list, number: int, bounds: UploadLimits, *, header: bool = False) -> None:
    """Columns and cell lengths of one row (``number`` as a spreadsheet shows it)."""
    if len(row) > bounds.max_columns:
        used = len(row)
        while used and row[used - 1] in (None, ""):
            used -= 1  # an XLSX row is padded to the sheet's width: count what is there
        if used > bounds.max_columns:
            raise too_large(too_many_columns(number, used, bounds.max_columns))
    cell_limit = bounds.max_header_chars if header else bounds.max_cell_chars
    for column, value in enumerate(row, start=1):
        if value.__class__ is str and len(value) > cell_limit:
            if header:
                raise too_large(header_too_long(column, cell_limit))
            raise too_large(cell_too_long(number, column, cell_limit))


def csv_dicts(text: str, *, max_rows: int | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """(lower-cased header, rows as dicts of stripped values), as csv.DictReader gives them
    (an empty line is no row, a missing cell is "", cells beyond the header are dropped),
    with every bound checked."""
    rows = bounded_csv_rows(text, max_rows=max_rows)
    header = [name.strip().lower() for name in next(rows, [])]
    out = []
    for row in rows:
        if not row:
            continue
        out.append({key: (row[i].strip() if i < len(row) else "") for i, key in enumerate(header) if key})
    return header, out


def check_csv_text(text: str, *, max_rows: int | None = None, field: str = "file") -> None:
    """Hold CSV text to every bound before a parser of its own reads it (``TooLarge``
    with the error on ``field``)."""
    try:
        for _row in bounded_csv_rows(text, max_rows=max_rows):
            pass
    except TooLarge as error:
        raise too_large(error.message, field=field) from None
