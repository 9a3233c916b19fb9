"""Bad files get a specific message: encodings, delimiters, quoting, headers, emptiness."""

from __future__ import annotations

import codecs

import openpyxl
import pytest

from hamsu.dataio.readers import ImportFileError, open_table

# As Excel on Windows saves it: Arabic yeh (ي) where Persian has ی.
PERSIAN_1256 = "نام,ايميل\nعلي رضايي,ali@example.com\n"


def rows(table):
    return [values for _number, values in table.rows()][1:]


def test_utf8_with_and_without_bom_read_the_same(write):
    plain = open_table(write("a.csv", "name,email\nZoë,z@example.com\n"))
    bom = open_table(write("b.csv", codecs.BOM_UTF8 + "name,email\nZoë,z@example.com\n".encode()))
    assert plain.encoding == "utf-8"
    assert bom.encoding == "utf-8-sig"
    assert plain.headers == bom.headers == ["name", "email"]  # no stray BOM in the first header
    assert rows(plain) == rows(bom) == [["Zoë", "z@example.com"]]


def test_windows_1256_persian_file_is_detected(write):
    table = open_table(write("fa.csv", PERSIAN_1256.encode("cp1256")))
    assert table.encoding == "cp1256"
    # …and read with the Persian letters users type and search for.
    assert rows(table) == [["علی رضایی", "ali@example.com"]]


def test_a_file_that_is_not_valid_in_the_chosen_encoding_says_so_with_the_line(write):
    content = ("name,email\n" + "a,a@example.com\n" * 3 + "علي,b@example.com\n").encode("cp1256")
    table = open_table(write("fa.csv", content), encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        rows(table)
    assert "not valid utf-8: line 5" in error.value.message
    assert error.value.line == 5
    assert "cp1256" in error.value.message


def test_undecodable_file_without_encoding_asks_for_one(write):
    with pytest.raises(ImportFileError, match="Choose its encoding"):
        # Latin-1 French: not UTF-8, and no Arabic letters when read as Windows-1256.
        open_table(write("x.csv", "name\nCrème brûlée\n".encode("latin-1")))


def test_unknown_encoding_name_is_refused(write):
    with pytest.raises(ImportFileError, match="Unknown encoding"):
        open_table(write("a.csv", "a\n1\n"), encoding="klingon")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(write, delimiter):
    text = (
        delimiter.join(["name", "email", "phone"]) + "\n" + delimiter.join(["A", "a@example.com", "1"]) + "\n"
    )
    table = open_table(write("d.csv", text))
    assert table.delimiter == delimiter
    assert rows(table) == [["A", "a@example.com", "1"]]


def test_quoting_error_names_the_line(write):
    table = open_table(
        write("q.csv", 'name,email\n"ok",a@example.com\n"broken,b@example.com\nc,c@example.com\n')
    )
    with pytest.raises(ImportFileError, match="row starting on line 3 is not valid CSV"):
        rows(table)


def test_duplicate_headers_are_refused(write):
    with pytest.raises(ImportFileError, match="“email” appears twice .columns 2 and 3."):
        open_table(write("h.csv", "name,Email,email\na,b,c\n"))


def test_empty_file_and_blank_header(write):
    with pytest.raises(ImportFileError, match="The file is empty"):
        open_table(write("e.csv", ""))
    with pytest.raises(ImportFileError, match="no name"):
        open_table(write("n.csv", "name,,email\n1,2,3\n"))


def test_blank_lines_are_not_rows(write):
    table = open_table(write("b.csv", "name\n\nA\n\nB\n"))
    assert [n for n, _v in table.rows()] == [1, 3, 5]


def test_xlsx_is_streamed_and_typed(write, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "employees"])
    sheet.append(["Acme", 120])
    path = tmp_path / "accounts.xlsx"
    book.save(path)
    table = open_table(path)
    assert table.format == "xlsx"
    assert table.headers == ["name", "employees"]
    assert rows(table) == [["Acme", 120]]
    assert table.estimate_rows() == 1


def test_old_xls_is_refused_with_advice(write):
    with pytest.raises(ImportFileError, match="save the sheet as .xlsx"):
        open_table(write("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100))
