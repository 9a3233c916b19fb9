"""Write XLSX workbooks from chunks of columns, streaming: memory stays flat in the rows.

The list exports (``hamsu.dataio``: up to millions of rows) are written here. A text cell
follows ``hamsu.core.http.spreadsheet_text``, the rule the small scorecard and campaign
table downloads (still openpyxl, a few hundred rows) follow too — a
text that would start a formula gets a leading quote, control characters a spreadsheet
cannot hold are dropped — and numbers stay numbers, dates dates.

Why our own writer rather than a library: ``bench/xlsx_writers.py`` measured the
maintained ones on the same rows in one run (figures in ``docs/benchmarks/dataio.md``).
openpyxl (what we used) and XlsxWriter (constant memory) build every cell through several
Python calls — 10,000 and 21,000 rows per CPU-second, under the 50,000 rows/s goal;
PyExcelerate (25,000) holds the whole sheet in memory and writes datetimes as bare
numbers; the Rust-backed writers (rustpy-xlsxwriter, fastxlsxio: ~120,000) read back an
integer id as ``1.0`` (a re-import then reads "1.0"), a number in a column that also holds
dates as a date, and datetimes truncated to the second. Here a chunk is written column by
column with a few C-level passes per column (join, replace, ``str.format`` through
``map``), as the CSV export does: the formula and control-character checks look at a column's joined text once and touch single cells only
when something was found. The result reads back with openpyxl exactly as openpyxl's own
write-only files did (tests compare them), except that a carriage return inside a text
survives (openpyxl wrote it raw and XML turned it into a line feed).

The package is the minimal SpreadsheetML set Excel, LibreOffice and openpyxl open: content
types, relationships, a workbook, a style sheet with the date and date-time formats, and
one worksheet per sheet. A worksheet's ``<dimension>`` comes before its rows and readers
rely on it (openpyxl's read-only mode stops at its last row), so the rows go to a
temporary file first and are copied into the zip once counted — as openpyxl and
XlsxWriter do.
"""

from __future__ import annotations

import datetime
import itertools
import math
import operator
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, repeat
from xml.sax.saxutils import quoteattr

from django.utils import timezone

from hamsu.core.http import _FORMULA_START
from hamsu.core.validation import CONTROL_CHARACTERS, printable_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Level 1 deflates the contacts export's sheet four times faster than zlib's default 6
# (0.25 against 0.95 CPU-seconds per 112 MB of XML) for a file 18 % larger.
COMPRESSLEVEL = 1

_FORMULA_FIRST = frozenset(_FORMULA_START)
assert all(len(c) == 1 for c in _FORMULA_START), "the column rule tests first characters"
_first, _last = operator.itemgetter(0), operator.itemgetter(-1)
# What ``printable_text`` removes (CONTROL_CHARACTERS and NUL), one character at a time.
_UNPRINTABLE = tuple(chr(c) for c in range(32) if c == 0 or CONTROL_CHARACTERS.match(chr(c)))
_NEEDS_ESCAPE = ("&", "<", ">", "\r")

_EPOCH = datetime.datetime(1899, 12, 30)
_EPOCH_UTC = _EPOCH.replace(tzinfo=datetime.UTC)
_DATETIME, _DATE = datetime.datetime, datetime.date
_NUMBER_TYPES = (int, float, Decimal)
_DATETIME_STYLE, _DATE_STYLE = "1", "2"  # cellXfs in STYLES
_g16 = "%.16g".__mod__  # openpyxl's number format: the same digits read back

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# The number formats openpyxl gives dates and datetimes: a file reads back as before.
STYLES = (
    f"{_XML}<styleSheet {_NS}>"
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass
class Sheet:
    """One worksheet: its title, its header and its rows as chunks of columns
    (``chunk[c][r]`` is row r's value in column c; ``row_chunks`` makes them from rows)."""

    title: str
    header: Sequence[str]
    chunks: Iterable[Sequence[Sequence]]


def row_chunks(rows: Iterable[Sequence], size: int = 5000) -> Iterable[list[tuple]]:
    """Rows, ``size`` at a time, turned into columns (short rows padded with None)."""
    rows = iter(rows)
    while batch := list(itertools.islice(rows, size)):
        yield list(itertools.zip_longest(*batch))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_serial(value: datetime.date) -> float:
    """Days since 1899-12-30 of a naive datetime or a date, as ``openpyxl.utils.datetime.
    to_excel`` computes them (the same operations in the same order, so the same float)."""
    if not isinstance(value, _DATETIME):
        value = _DATETIME.combine(value, datetime.time())
    return _serial_of(value - _EPOCH)


def _serial_of(delta: datetime.timedelta) -> float:
    days = delta.days
    if 0 < days <= 60:  # Excel's 1900 leap-year bug: before 1 March 1900 it is a day off
        days -= 1
    return days + (delta.seconds + delta.microseconds / 10**6) / 86400


def _datetime_serials(values: Sequence, zone) -> list[str | None]:
    """Serials of a column of datetimes at the company's wall-clock time (None stays)."""
    if getattr(zone, "key", None) in ("UTC", "Etc/UTC") or zone is datetime.UTC:
        try:  # aware datetimes: their distance from the epoch in UTC is the wall clock's
            return [None if v is None else _g16(_serial_of(v - _EPOCH_UTC)) for v in values]
        except TypeError:  # a naive one among them: it already is wall-clock time
            pass
    return [None if v is None else _g16(excel_serial(_local(v, zone))) for v in values]


# ------------------------------------------------------------------ cells, column by column
#
# A chunk's XML is one ``"".join`` over the rows' pieces, zipped column by column: a
# column whose every row has a cell contributes its pieces — constant markup
# (``itertools.repeat``), the row numbers and the values' texts — and one with empty rows
# its whole cells ("" for no cell). No Python code runs per cell on the common path.


def spreadsheet_texts(values: Sequence) -> list[str]:
    """``spreadsheet_text`` of every value of a column of texts (None → ""), a column at a
    time: most columns hold no control character and no formula character anywhere, and
    are then not looked at cell by cell."""
    texts = list(values)
    if None in texts:
        texts = ["" if v is None else v for v in texts]
    joined = "".join(texts)
    if any(c in joined for c in _UNPRINTABLE):  # one memchr each: faster than a regex
        texts = [printable_text(v) for v in texts]
        joined = "".join(texts)
    if any(c in joined for c in _FORMULA_START) and not _FORMULA_FIRST.isdisjoint(
        map(_first, filter(None, texts))
    ):
        texts = ["'" + v if v[:1] in _FORMULA_FIRST else v for v in texts]
    return texts


def _whole_cells(head: str, numbers: list[str], middle: str, texts: list, tail: str) -> list[str]:
    """``head + number + middle + text + tail`` per row; "" (no cell) where text is None."""
    return [
        "" if text is None else f"{head}{number}{middle}{text}{tail}"
        for number, text in zip(numbers, texts, strict=True)
    ]


def _pieces(head: str, numbers: list[str], middle, texts: list, tail: str) -> list[Iterable[str]]:
    """A column's pieces for the row join: constant markup repeated, or whole cells when
    some rows have none. ``middle`` is a string, or one per row."""
    if None in texts:
        if not isinstance(middle, str):
            return [
                [
                    "" if t is None else f"{head}{n}{m}{t}{tail}"
                    for n, m, t in zip(numbers, middle, texts, strict=True)
                ]
            ]
        return [_whole_cells(head, numbers, middle, texts, tail)]
    return [repeat(head), numbers, repeat(middle) if isinstance(middle, str) else middle, texts, repeat(tail)]


def _text_pieces(letter: str, numbers: list[str], values: Sequence) -> list[Iterable[str]]:
    texts = spreadsheet_texts(values)
    joined = "\x00".join(texts)
    ends = set(map(_first, filter(None, texts))) | set(map(_last, filter(None, texts)))
    if any(c in joined for c in _NEEDS_ESCAPE):
        # A carriage return as a character reference: raw, XML would read it as a line feed.
        joined = joined.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        joined = joined.replace("\r", "&#13;")
    escaped: list = joined.split("\x00")
    if "" in texts:  # an empty text is no cell, as openpyxl wrote it
        escaped = [e if t else None for e, t in zip(escaped, texts, strict=True)]
    middle = '" t="inlineStr"><is><t>'
    if any(c.isspace() for c in ends):  # leading or trailing white space is kept
        keep = '" t="inlineStr"><is><t xml:space="preserve">'
        middle = [keep if t != t.strip() else middle for t in texts]
    return _pieces(f'<c r="{letter}', numbers, middle, escaped, "</t></is></c>")


def _number_text(value) -> str | None:
    if value.__class__ is Decimal:
        value = float(value)
    if value.__class__ is float and not math.isfinite(value):
        return None
    return _g16(value)


def _local(value: datetime.datetime, zone) -> datetime.datetime:
    # Excel has no time zones: the wall-clock time where the company is.
    return value.astimezone(zone).replace(tzinfo=None) if value.tzinfo is not None else value


def _cell(letter: str, number: str, value, zone) -> str:
    """One cell of a column that mixes kinds of value (the slow, general path)."""
    if value is None:
        return ""
    if value.__class__ is bool:
        return f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, _NUMBER_TYPES):
        text = _number_text(value)
        return "" if text is None else f'<c r="{letter}{number}"><v>{text}</v></c>'
    if isinstance(value, _DATETIME):
        serial = _g16(excel_serial(_local(value, zone)))
        return f'<c r="{letter}{number}" s="{_DATETIME_STYLE}"><v>{serial}</v></c>'
    if isinstance(value, _DATE):
        return f'<c r="{letter}{number}" s="{_DATE_STYLE}"><v>{_g16(excel_serial(value))}</v></c>'
    return "".join(next(zip(*_text_pieces(letter, [number], [str(value)]), strict=False)))


def column_pieces(letter: str, numbers: list[str], values: Sequence, zone) -> list[Iterable[str]]:
    """One column of a chunk as pieces of its rows' XML (see above)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    head = f'<c r="{letter}'
    if not kinds:
        return []
    if kinds == {str}:
        return _text_pieces(letter, numbers, values)
    if kinds == {int} and None not in values:
        return _pieces(head, numbers, '"><v>', list(map(_g16, values)), "</v></c>")
    if kinds <= {int, float, Decimal}:
        texts = [None if v is None else _number_text(v) for v in values]
        return _pieces(head, numbers, '"><v>', texts, "</v></c>")
    if kinds == {bool}:
        texts = [None if v is None else ("1" if v else "0") for v in values]
        return _pieces(head, numbers, '" t="b"><v>', texts, "</v></c>")
    if kinds == {_DATETIME}:
        return _pieces(
            head, numbers, f'" s="{_DATETIME_STYLE}"><v>', _datetime_serials(values, zone), "</v></c>"
        )
    if kinds == {_DATE}:
        texts = [None if v is None else _g16(excel_serial(v)) for v in values]
        return _pieces(head, numbers, f'" s="{_DATE_STYLE}"><v>', texts, "</v></c>")
    return [[_cell(letter, n, v, zone) for n, v in zip(numbers, values, strict=True)]]


# ------------------------------------------------------------------ the package


def _rows_xml(columns: Sequence[Sequence], first_row: int, letters: list[str], zone) -> tuple[str, int]:
    count = len(columns[0]) if columns else 0
    if not count:
        return "", 0
    numbers = list(map(str, range(first_row, first_row + count)))
    pieces: list[Iterable[str]] = [repeat('<row r="'), numbers, repeat('">')]
    for c, column in enumerate(columns):
        pieces += column_pieces(letters[c], numbers, column, zone)
    pieces.append(repeat("</row>"))
    # repeat() pieces are endless: the rows' lists end the zip.
    return "".join(chain.from_iterable(zip(*pieces, strict=False))), count


def _write_sheet_rows(body, sheet: Sheet, zone) -> tuple[int, int]:
    """The sheet's ``<row>`` elements into ``body``; returns (rows, columns) written."""
    width = len(sheet.header)
    letters = [column_letter(i) for i in range(max(width, 1))]
    row = 1
    if sheet.header:
        xml, _count = _rows_xml([[h] for h in sheet.header], 1, letters, zone)
        body.write(xml.encode())
        row = 2
    for columns in sheet.chunks:
        columns = list(columns)
        if len(columns) > len(letters):
            letters += [column_letter(i) for i in range(len(letters), len(columns))]
        width = max(width, len(columns))
        xml, count = _rows_xml(columns, row, letters, zone)
        body.write(xml.encode())
        row += count
    return row - 1, width


def _worksheet_head(rows: int, columns: int) -> bytes:
    last = f"{column_letter(max(columns, 1) - 1)}{max(rows, 1)}"
    ref = "A1" if last == "A1" else f"A1:{last}"
    return f'{_XML}<worksheet {_NS} {_REL_NS}><dimension ref="{ref}"/><sheetData>'.encode()


def _package_parts(titles: list[str]) -> dict[str, str]:
    sheets = "".join(
        f'<sheet name={quoteattr(title)} sheetId="{i}" r:id="rId{i}"/>' for i, title in enumerate(titles, 1)
    )
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{relationship}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(titles) + 1)
    )
    rels += f'<Relationship Id="rId{len(titles) + 1}" Type="{relationship}/styles" Target="styles.xml"/>'
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{main}.worksheet+xml"/>'
        for i in range(1, len(titles) + 1)
    )
    package_rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    return {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{package_rels}">'
            f'<Relationship Id="rId1" Type="{relationship}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": f"{_XML}<workbook {_NS} {_REL_NS}><sheets>{sheets}</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="{package_rels}">{rels}</Relationships>',
        "xl/styles.xml": STYLES,
    }


_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _titles(sheets: Sequence[Sheet]) -> list[str]:
    """Excel's rules for sheet names: 1–31 characters, none of []:*?/\\, no two alike."""
    titles: list[str] = []
    for i, sheet in enumerate(sheets, 1):
        title = _TITLE_FORBIDDEN.sub("", printable_text(str(sheet.title))).strip("'")[:31] or f"Sheet{i}"
        base, n = title, 1
        while title.lower() in (t.lower() for t in titles):
            n += 1
            title = f"{base[: 31 - len(str(n)) - 1]} {n}"
        titles.append(title)
    return titles


def write_workbook(target, sheets: Sequence[Sheet], *, zone=None) -> list[int]:
    """Write ``sheets`` as an XLSX workbook to ``target`` (a path or a binary file);
    returns the number of data rows written per sheet."""
    zone = zone or timezone.get_current_timezone()
    counts = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as book:
        for name, text in _package_parts(_titles(sheets)).items():
            book.writestr(name, text)
        for i, sheet in enumerate(sheets, 1):
            with tempfile.TemporaryFile() as body:
                rows, columns = _write_sheet_rows(body, sheet, zone)
                body.seek(0)
                with book.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                    part.write(_worksheet_head(rows, columns))
                    shutil.copyfileobj(body, part, 1 << 20)
                    part.write(b"</sheetData></worksheet>")
            counts.append(rows - (1 if sheet.header else 0))
    return counts
