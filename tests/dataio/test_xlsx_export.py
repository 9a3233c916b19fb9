"""XLSX exports (hamsu.core.xlsx, column by column) read back as the CSV export and as
openpyxl's own write-only files did, for every list and on both databases."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from hamsu.core.http import spreadsheet_text
from hamsu.core.validation import printable_text
from hamsu.crm.models import Contact
from hamsu.dataio.exporters import csv_stream, write_xlsx
from hamsu.dataio.selectors import EXPORTS, export_columns, export_rows

pytestmark = pytest.mark.django_db

# What only a spreadsheet cares about: markup characters, white space at the edges, a
# stored control character (written by raw SQL or an old import), a carriage return.
SPREADSHEET_TRICKY = ["a & b <c> d", "  padded  ", "tab\x0bvertical", "cr\r\nlf", " ", "=1<2"]


@pytest.fixture
def sheet_world(world, rep):
    for i, text in enumerate(SPREADSHEET_TRICKY):
        Contact.objects.create(
            first_name=text, last_name=text, email=f"s{i}@example.com", owner=rep, team=rep.team
        )


def openpyxl_reference(path, header, rows, title) -> None:
    """What the export wrote until now: openpyxl, write-only, a value at a time."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([spreadsheet_text(h) for h in header])
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, datetime.datetime) and timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            elif isinstance(value, str):
                value = spreadsheet_text(value)
            elif isinstance(value, Decimal):
                value = float(value)
            cells.append(value)
        sheet.append(cells)
    book.save(path)


def read(path, *, read_only=False) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=read_only)
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def without_carriage_returns(rows: list[tuple]) -> list[tuple]:
    """openpyxl wrote a carriage return raw, so XML read it back as a line feed."""
    return [
        tuple(v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v for v in row)
        for row in rows
    ]


def exported(tmp_path, user, kind: str, size: int = 5000) -> list[tuple]:
    path = tmp_path / f"{kind}-{size}.xlsx"
    chunks = export_columns(user=user, kind=kind, chunk_size=size, datetimes="aware")
    write_xlsx(path, EXPORTS[kind].header, chunks, title=kind)
    return read(path)


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_an_export_reads_back_as_openpyxls_own_file(sheet_world, head_of_sales, tmp_path, kind):
    user = head_of_sales.user
    reference = tmp_path / "reference.xlsx"
    openpyxl_reference(reference, EXPORTS[kind].header, export_rows(user=user, kind=kind), kind)
    assert without_carriage_returns(exported(tmp_path, user, kind)) == read(reference)


@pytest.mark.parametrize("size", [1, 3])
def test_chunks_of_any_size_write_the_same_sheet(sheet_world, head_of_sales, tmp_path, size):
    user = head_of_sales.user
    assert exported(tmp_path, user, "contacts", size) == exported(tmp_path, user, "contacts")


def test_a_carriage_return_inside_a_text_survives(sheet_world, head_of_sales, tmp_path):
    rows = exported(tmp_path, head_of_sales.user, "contacts")
    assert (rows[8][1], rows[-3][1]) == ("'\rreturn", "cr\r\nlf")


def test_every_export_reads_back_with_a_full_width_header_in_read_only_mode(
    sheet_world, head_of_sales, tmp_path
):
    """openpyxl's read-only mode trusts the sheet's dimension for its rows and columns."""
    path = tmp_path / "contacts.xlsx"
    count = write_xlsx(
        path,
        EXPORTS["contacts"].header,
        export_columns(user=head_of_sales.user, kind="contacts", datetimes="aware"),
    )
    rows = read(path, read_only=True)
    assert (len(rows), {len(row) for row in rows}) == (count + 1, {len(EXPORTS["contacts"].header)})


def as_csv_would_show(value, csv_cell: str):
    """The XLSX cell's value next to the CSV cell's text, as comparable values."""
    if value is None:
        return "", csv_cell
    if isinstance(value, bool):
        return str(value), csv_cell
    if isinstance(value, int | float):
        return float(value), float(csv_cell)
    if isinstance(value, datetime.datetime):
        if "T" not in csv_cell:  # a date column: Excel stores it as midnight
            return value, datetime.datetime.fromisoformat(csv_cell)
        moment = timezone.localtime(datetime.datetime.fromisoformat(csv_cell)).replace(tzinfo=None)
        # Excel keeps milliseconds (openpyxl rounds to them when it reads).
        return value, moment.replace(microsecond=0) + datetime.timedelta(
            milliseconds=round(moment.microsecond / 1000)
        )
    return value, printable_text(csv_cell)  # control characters are dropped in a sheet


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tehran"])
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_an_xlsx_export_holds_what_the_csv_export_holds(sheet_world, head_of_sales, tmp_path, kind, zone):
    user = head_of_sales.user
    text = "".join(csv_stream(EXPORTS[kind].header, export_columns(user=user, kind=kind)))
    table = list(csv.reader(io.StringIO(text[1:])))
    with timezone.override(zone):  # the sheet holds the company's wall-clock time
        sheet = exported(tmp_path, user, kind)
        pairs = [
            as_csv_would_show(value, cell)
            for row, csv_row in zip(sheet, table, strict=True)
            for value, cell in zip(row, csv_row, strict=True)
        ]
    assert [xlsx for xlsx, _csv in pairs] == [csv_value for _xlsx, csv_value in pairs]
