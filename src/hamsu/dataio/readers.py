"""Read CSV and XLSX files as a stream of rows, with a specific message for each way a
file can be broken (encoding, delimiter, quoting, headers, emptiness).

Nothing here reads a whole file into memory: CSV is decoded incrementally and parsed by
the csv module line by line; XLSX is opened with openpyxl's read-only (streaming) mode.

Two ways through a CSV file: ``rows()`` decodes line by line so a bad byte or a broken
quote is reported on its own line, and ``chunks()`` — the import's hot path — lets C
code (TextIOWrapper, csv.reader, islice) do all the per-row work and, should the file
turn out to be broken, reads it again the careful way to say exactly where.

Both ways hold every file to the bounds of ``hamsu.core.uploads`` (line length, columns,
cell length, rows; an XLSX's parts are inspected by ``xlsx_guard`` before openpyxl opens
it), so no file makes the server hold more than a bounded line, row or header.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path

from django.utils.translation import gettext as _

from hamsu.core import uploads
from hamsu.core.uploads import TooLarge
from hamsu.core.validation import CONTROL_CHARACTERS

SAMPLE_BYTES = 256 * 1024
DELIMITERS = [",", ";", "\t", "|"]
# Persian and Arabic letters: a file that decodes as Windows-1256 and holds them is most
# likely a Persian export from Excel on Windows.
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
# Windows-1256 has no Persian yeh and kaf: Persian files saved in it carry the Arabic
# letters, which would then not match what Persian users type. Read them as Persian.
_PERSIAN_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0643": "\u06a9"})


class ImportFileError(Exception):
    """The file cannot be read at all; ``message`` says why and where. ``too_large``: it
    passes one of the upload bounds (answered 413 rather than 422)."""

    def __init__(self, message: str, *, line: int | None = None, too_large: bool = False):
        super().__init__(message)
        self.message = message
        self.line = line
        self.too_large = too_large

    @classmethod
    def beyond_bound(cls, error: TooLarge, *, line: int | None = None) -> ImportFileError:
        return cls(error.message, line=line, too_large=True)


@dataclass
class TableFile:
    path: Path
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    headers: list[str] = field(default_factory=list)
    bounds: uploads.UploadLimits = field(default_factory=uploads.limits)

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number as a spreadsheet shows it — header is row 1, values)."""
        if self.format == "xlsx":
            yield from _xlsx_rows(self.path, self.bounds)
        else:
            yield from _csv_rows(self.path, self.encoding, self.delimiter, self.bounds)

    def chunks(self, size: int) -> Iterator[tuple[list[int], list[list]]]:
        """The rows after the header in lists of up to ``size``: (row numbers, rows), the
        same rows and numbers ``rows()`` gives. CSV cells are always ``str``.

        Control characters other than tab and line breaks are removed here, for every
        kind of record (``hamsu.core.validation.clean_text``'s rule); a NUL stays, for
        the field check to refuse with the row and column."""
        if self.format == "xlsx":
            rows = self.rows()
            next(rows, None)  # the header
            while batch := list(islice(rows, size)):
                numbers = [number for number, _row in batch]
                yield numbers, _without_control_characters([row for _number, row in batch])
        else:
            for numbers, batch in _csv_chunks(self.path, self.encoding, self.delimiter, size, self.bounds):
                yield numbers, _without_control_characters(batch)

    def estimate_rows(self) -> int:
        """A fast count for the progress bar (newlines; XLSX: the sheet's dimension)."""
        if self.format == "xlsx":
            import openpyxl

            book = openpyxl.load_workbook(self.path, read_only=True)
            try:
                return max(0, (book.worksheets[0].max_row or 1) - 1)
            finally:
                book.close()
        count = 0
        last = b"\n"
        with open(self.path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
                last = chunk[-1:]
        return max(0, count - (1 if last == b"\n" else 0))


def open_table(path: str | Path, *, encoding: str = "", delimiter: str = "", filename: str = "") -> TableFile:
    """Open ``path``, detect what was not given, read the header row and check it."""
    path = Path(path)
    name = (filename or path.name).lower()
    if path.stat().st_size == 0:
        raise ImportFileError(_("The file is empty."))
    with open(path, "rb") as handle:
        head = handle.read(8)
    if name.endswith((".xlsx", ".xlsm")) or head.startswith(b"PK\x03\x04"):
        table = TableFile(path, "xlsx")
        _check_workbook(table)
    elif name.endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old Excel .xls files cannot be read; save the sheet as .xlsx or CSV."))
    else:
        table = TableFile(path, "csv")
        table.encoding = _choose_encoding(path, encoding)
        table.delimiter = delimiter or _sniff_delimiter(path, table.encoding)
    table.headers = _read_headers(table)
    return table


def _check_workbook(table: TableFile) -> None:
    from hamsu.dataio.xlsx_guard import ArchiveRefused, check_archive

    try:
        check_archive(table.path, table.bounds)
    except ArchiveRefused as refused:
        raise ImportFileError(refused.message, too_large=refused.too_large) from None


def _choose_encoding(path: Path, requested: str) -> str:
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if requested:
        try:
            codecs.lookup(requested)
        except LookupError:
            raise ImportFileError(_("Unknown encoding “%(encoding)s”.") % {"encoding": requested}) from None
        if requested.lower().replace("_", "-") in ("utf-8", "utf8") and sample.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        return requested
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # The sample may end in the middle of a multi-byte character: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = sample.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if text and _ARABIC_SCRIPT.search(text):
        return "cp1256"
    raise ImportFileError(
        _(
            "The file is not valid UTF-8 and does not look like Windows-1256 (Persian) either. "
            "Choose its encoding (for example cp1256, latin-1) and try again."
        )
    )


def _sniff_delimiter(path: Path, encoding: str) -> str:
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(64 * 1024)
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        # The sniffer gives up on one-column files and on irregular quoting: count instead.
        counts = {d: lines[0].count(d) for d in DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _read_headers(table: TableFile) -> list[str]:
    rows = table.rows()
    try:
        _number, header = next(rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    finally:
        rows.close()
    try:
        uploads.check_row(header, 1, table.bounds, header=True)
    except TooLarge as error:
        raise ImportFileError.beyond_bound(error, line=1) from None
    headers = [("" if value is None else str(value)).strip() for value in header]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise ImportFileError(_("The first row is empty; it must hold the column names."), line=1)
    seen: dict[str, int] = {}
    for index, name in enumerate(headers, start=1):
        if not name:
            raise ImportFileError(
                _("Column %(index)s has no name in the header row.") % {"index": index}, line=1
            )
        key = name.casefold()
        if key in seen:
            raise ImportFileError(
                _("The column name “%(name)s” appears twice (columns %(first)s and %(second)s).")
                % {"name": name, "first": seen[key], "second": index},
                line=1,
            )
        seen[key] = index
    return headers


class _DecodeFailed(Exception):
    def __init__(self, line: int, byte: int):
        self.line = line
        self.byte = byte


class _LineTooLong(Exception):
    def __init__(self, line: int):
        self.line = line


def _decoded_lines(raw, encoding: str, max_chars: int):
    """Decode line by line, so a bad byte is reported on its own physical line; a line
    is read with a limit (4 bytes a character at most), never whole when it is endless."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    readline = partial(raw.readline, 4 * max_chars + 2)
    for line_number, line in enumerate(iter(readline, b""), start=1):
        try:
            text = decoder.decode(line)
        except UnicodeDecodeError as error:
            raise _DecodeFailed(line_number, error.object[error.start]) from None
        if len(text) > max_chars and len(text.rstrip("\r\n")) > max_chars:
            raise _LineTooLong(line_number)
        yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def _bounded_text_lines(text, max_chars: int):
    """The lines of a text stream, read with a limit; a longer line stops the reading."""
    readline = partial(text.readline, max_chars + 2)
    for line_number, line in enumerate(iter(readline, ""), start=1):
        if len(line) > max_chars and len(line.rstrip("\r\n")) > max_chars:
            raise _LineTooLong(line_number)
        yield line


def _csv_rows(
    path: Path, encoding: str, delimiter: str, bounds: uploads.UploadLimits
) -> Iterator[tuple[int, list]]:
    raw = open(path, "rb")  # noqa: SIM115 - closed in finally, the generator owns it
    if codecs.lookup(encoding).name.startswith("utf-16"):
        # UTF-16 newlines are two bytes: let the text layer split them.
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
        lines = _bounded_text_lines(text, bounds.max_line_chars)
    else:
        lines = _decoded_lines(raw, encoding, bounds.max_line_chars)
    uploads.bound_csv_fields(bounds)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    persian = codecs.lookup(encoding).name == "cp1256"
    number = 0
    try:
        while True:
            start = reader.line_num + 1  # a quoted value may span lines: name where it began
            try:
                row = next(reader)
            except StopIteration:
                return
            except _DecodeFailed as error:
                raise ImportFileError(
                    _(
                        "The file is not valid %(encoding)s: line %(line)s holds byte %(byte)s, which this "
                        "encoding cannot decode. Choose the right encoding (for Persian files from Excel "
                        "on Windows: cp1256)."
                    )
                    % {"encoding": encoding, "line": error.line, "byte": hex(error.byte)},
                    line=error.line,
                ) from None
            except UnicodeDecodeError as error:
                raise ImportFileError(
                    _("The file is not valid %(encoding)s (%(reason)s).")
                    % {"encoding": encoding, "reason": error},
                ) from None
            except _LineTooLong as error:
                raise ImportFileError(
                    uploads.line_too_long(error.line, bounds.max_line_chars), line=error.line, too_large=True
                ) from None
            except csv.Error as error:
                if uploads.FIELD_LIMIT in str(error):
                    raise ImportFileError(
                        uploads.value_too_long(start, bounds.max_cell_chars), line=start, too_large=True
                    ) from None
                raise ImportFileError(
                    _(
                        "The row starting on line %(line)s is not valid CSV (%(reason)s); "
                        "check the quotes around its values."
                    )
                    % {"line": start, "reason": error},
                    line=start,
                ) from None
            number += 1
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank lines are not rows
            if number > bounds.max_rows + 1:
                raise ImportFileError(
                    uploads.too_many_rows(bounds.max_rows), line=reader.line_num, too_large=True
                )
            try:
                uploads.check_row(row, number, bounds, header=number == 1)
            except TooLarge as error:
                raise ImportFileError.beyond_bound(error, line=start) from None
            if persian:
                row = [value.translate(_PERSIAN_LETTERS) for value in row]
            yield number, row
    finally:
        raw.close()


def _check_chunk(batch: list[list], numbers: list[int], bounds: uploads.UploadLimits) -> None:
    """The column bound over a chunk, in one C pass; the row that breaks it is named.
    (Cell lengths: csv.field_size_limit, as the chunk is parsed.)"""
    if batch and max(map(len, batch)) > bounds.max_columns:
        for number, row in zip(numbers, batch, strict=True):
            uploads.check_row(row, number, bounds)


def _without_control_characters(rows: list[list]) -> list[list]:
    search, remove = CONTROL_CHARACTERS.search, CONTROL_CHARACTERS.sub
    try:
        if not search("".join(map("".join, rows))):  # CSV: one C pass over the chunk
            return rows
    except TypeError:  # XLSX cells may be numbers or dates
        pass
    for i, row in enumerate(rows):
        if any(cell.__class__ is str and search(cell) for cell in row):
            rows[i] = [remove("", cell) if cell.__class__ is str else cell for cell in row]
    return rows


def _csv_chunks(
    path: Path, encoding: str, delimiter: str, size: int, bounds: uploads.UploadLimits
) -> Iterator[tuple[list[int], list[list]]]:
    utf16 = codecs.lookup(encoding).name.startswith("utf-16")
    persian = codecs.lookup(encoding).name == "cp1256"
    raw = open(path, "rb")  # noqa: SIM115 - closed in finally, the generator owns it
    try:
        # newline="\n": lines end where _decoded_lines ends them (a lone CR stays inside
        # its line), so csv.reader sees exactly what the careful path gives it.
        text = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="" if utf16 else "\n")
        bounded = _bounded_text_lines(text, bounds.max_line_chars)
        lines = (line.translate(_PERSIAN_LETTERS) for line in bounded) if persian else bounded
        uploads.bound_csv_fields(bounds)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        number = 0
        header_pending = True
        while True:
            try:
                batch = list(islice(reader, size))
            except (csv.Error, UnicodeDecodeError, _LineTooLong) as error:
                failure = error
                break  # diagnosed below, by the careful reader
            if not batch:
                return
            numbers = list(range(number + 1, number + 1 + len(batch)))
            number += len(batch)
            if min(map(len, batch)) <= 1:  # a blank line parses as [] (or [""]): not a row
                keep = [i for i, row in enumerate(batch) if row and (len(row) > 1 or row[0].strip())]
                if len(keep) < len(batch):
                    batch = [batch[i] for i in keep]
                    numbers = [numbers[i] for i in keep]
            if header_pending and batch:
                header_pending = False
                batch, numbers = batch[1:], numbers[1:]
            if batch:
                if numbers[-1] > bounds.max_rows + 1:
                    raise ImportFileError(
                        uploads.too_many_rows(bounds.max_rows), line=numbers[-1], too_large=True
                    )
                try:
                    _check_chunk(batch, numbers, bounds)
                except TooLarge as error:
                    raise ImportFileError.beyond_bound(error) from None
                yield numbers, batch
    finally:
        raw.close()
    # The file is broken somewhere: the careful reader names the line and the reason.
    for _row in _csv_rows(path, encoding, delimiter, bounds):
        pass
    raise ImportFileError(  # not reached unless the two readers disagree
        _("The file is not valid %(encoding)s (%(reason)s).") % {"encoding": encoding, "reason": failure}
    )


def _xlsx_rows(path: Path, bounds: uploads.UploadLimits) -> Iterator[tuple[int, list]]:
    import zipfile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _("The file is not a readable .xlsx workbook (%(reason)s).") % {"reason": error}
        ) from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not row or all(
                value is None or (isinstance(value, str) and not value.strip()) for value in row
            ):
                continue
            if number > bounds.max_rows + 1:
                raise ImportFileError(uploads.too_many_rows(bounds.max_rows), line=number, too_large=True)
            try:
                uploads.check_row(row, number, bounds, header=number == 1)
            except TooLarge as error:
                raise ImportFileError.beyond_bound(error, line=number) from None
            yield number, list(row)
    finally:
        book.close()
