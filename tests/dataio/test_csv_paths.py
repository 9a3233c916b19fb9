"""The fast CSV export path writes exactly what the row-by-row path writes.

Exports of lists go column by column (selectors.export_columns → exporters.safe_columns →
exporters.csv_text) for speed; the row-by-row path (export_rows → csv_row → csv.writer)
is the reference: same bytes, same formula neutralising, same visibility.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest

from hamsu.core.http import csv_response, safe_cell
from hamsu.core.models import CompanySettings, Visibility
from hamsu.crm.models import Contact
from hamsu.dataio.exporters import csv_chunks, csv_stream, csv_text, safe_columns
from hamsu.dataio.selectors import EXPORTS, export_columns, export_queryset, export_rows
from tests.dataio.conftest import TRICKY

pytestmark = pytest.mark.django_db


def reference(header, rows) -> str:
    return "".join(csv_chunks(header, rows))


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_every_export_writes_the_same_bytes_on_both_paths(world, head_of_sales, kind):
    spec = EXPORTS[kind]
    user = head_of_sales.user
    expected = reference(spec.header, export_rows(user=user, kind=kind))
    for size in (1, 3, 5000):
        assert (
            "".join(csv_stream(spec.header, export_columns(user=user, kind=kind, chunk_size=size)))
            == expected
        )
    assert len(list(csv.reader(io.StringIO(expected[1:])))) > 1


@pytest.fixture
def own_visibility(db):
    CompanySettings.objects.create(visibility=Visibility.OWN)


def test_fast_path_honours_visibility(own_visibility, world, rep):
    spec = EXPORTS["contacts"]
    text = "".join(csv_stream(spec.header, export_columns(user=rep.user, kind="contacts")))
    assert text == reference(spec.header, export_rows(user=rep.user, kind="contacts"))
    rows = list(csv.reader(io.StringIO(text[1:])))[1:]
    visible = export_queryset(user=rep.user, kind="contacts")
    assert [int(r[0]) for r in rows] == list(visible.values_list("pk", flat=True))
    assert 0 < len(rows) < Contact.objects.count()


def test_safe_columns_follow_safe_cell_and_leave_numbers_alone():
    columns = [
        TRICKY,
        [None] * len(TRICKY),
        list(range(-3, len(TRICKY) - 3)),
        [Decimal("-1.5")] * len(TRICKY),
    ]
    safe = safe_columns(columns)
    assert safe[0] == [safe_cell(v) for v in TRICKY]
    assert safe[1:] == columns[1:]  # None, negative ints and decimals are not text
    mixed = ["=x", 5, None, "-y"]
    assert safe_columns([mixed, mixed])[0] == ["'=x", 5, None, "'-y"]


@pytest.mark.parametrize(
    "columns",
    [
        [["a", "b"], ["c", "d"]],
        [["a", None], [1, 2], [Decimal("1.50"), True]],
        [["with, comma", "x"], ["y", "z"]],
        [['say "hi"', ""], ["", ""]],
        [["line\nbreak", "cr\rhere"], ["1", "2"]],
        [[None, None], [None, None]],
        [["", "only"]],
        [[], []],
        [[0.1, 2.5], [datetime.date(2024, 1, 2), None]],
    ],
)
def test_csv_text_is_what_csv_writer_writes(columns):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(zip(*columns, strict=True))
    assert csv_text(columns) == buffer.getvalue()


def test_core_csv_response_streams_in_pieces_with_the_same_text():
    rows = [[f"=r{i}", i, None] for i in range(1200)]
    response = csv_response("x.csv", ["a", "b", "c"], rows)
    pieces = list(response.streaming_content)
    assert len(pieces) < 10  # not one piece per row
    text = b"".join(pieces).decode()
    parsed = list(csv.reader(io.StringIO(text[1:])))
    assert parsed[0] == ["a", "b", "c"]
    assert parsed[1] == ["'=r0", "0", ""]
    assert len(parsed) == 1201
