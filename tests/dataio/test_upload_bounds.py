"""Uploads are bounded (issue 15, defect 3): a small file may not make the server unzip,
parse or store more than the bounds allow — uncompressed size, rows, columns, line and
cell length — on every upload endpoint; a file over a bound is refused with the bound
named (413 and a field error), and no job or header is stored."""

from __future__ import annotations

import datetime
import json
import random
import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hamsu.api import services as tokens
from hamsu.dataio.models import ImportJob, ImportKind, ImportStatus
from tests.dataio.workbooks import declare_size, workbook

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """The workbook of the report: ~150 KB whose first shared string (the header's first
    cell) holds 150 MB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    return workbook(path, [["HUGE", "x"], [1, 2]], first_string=(b"A" * MiB for _ in range(150))).read_bytes()


@pytest.fixture
def api(client, admin):
    _token, raw = tokens.token_create(user=admin.user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def upload(name: str, content: bytes, kind: str = "contacts"):
        return client.post(
            "/api/v1/data/imports", {"kind": kind, "file": SimpleUploadedFile(name, content)}, **auth
        )

    upload.auth = auth
    return upload


def _file_errors(response) -> list[str]:
    return [e["message"] for e in response.json()["errors"] if e["field"] == "file"]


def _text(length: int) -> str:
    return "".join(random.Random(length).choices(string.ascii_letters, k=length))


# ---------------------------------------------------------------- the report's workbook


def test_the_bomb_is_small(bomb):
    assert len(bomb) < 400_000


def test_the_bomb_is_refused_as_too_large(api, bomb):
    assert api("bomb.xlsx", bomb).status_code == 413


def test_the_refusal_names_the_bound(api, bomb):
    [message] = _file_errors(api("bomb.xlsx", bomb))
    assert "at most 100 times its size" in message


def test_the_bomb_leaves_no_job_and_no_header(api, bomb):
    api("bomb.xlsx", bomb)
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("kind", ImportKind.values)
def test_every_kind_of_import_refuses_the_bomb(api, bomb, kind):
    assert api("bomb.xlsx", bomb, kind=kind).status_code == 413


def test_the_page_refuses_the_bomb_with_the_bound_named(client, admin, bomb):
    client.force_login(admin.user)
    page = client.post(
        "/data/imports/", {"kind": "contacts", "file": SimpleUploadedFile("bomb.xlsx", bomb)}, follow=True
    )
    assert "at most 100 times its size" in page.content.decode()


def test_the_bomb_is_refused_in_persian_too(client, admin, bomb):
    client.force_login(admin.user)
    page = client.post(
        "/data/imports/",
        {"kind": "contacts", "file": SimpleUploadedFile("bomb.xlsx", bomb)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert "times its size" not in page.content.decode()


# ---------------------------------------------------------------- what the zip holds


def test_a_long_shared_string_is_refused_before_parsing_even_when_it_compresses_little(api, tmp_path):
    # Random letters compress ~1.3 times: the ratio bound passes, the streaming count of
    # the shared strings does not.
    path = workbook(tmp_path / "long.xlsx", [["HUGE", "x"], [1, 2]], first_string=[_text(40_000).encode()])
    response = api("long.xlsx", path.read_bytes())
    assert response.status_code == 413
    assert "longer than 32,767 characters" in _file_errors(response)[0]


def test_a_part_that_lies_about_its_size_is_refused(api, tmp_path):
    path = workbook(tmp_path / "liar.xlsx", [[_text(200_000), "x"], [1, 2]])
    declare_size(path, "xl/sharedStrings.xml", 100)
    response = api("liar.xlsx", path.read_bytes())
    assert response.status_code == 422
    assert "not a readable .xlsx workbook" in _file_errors(response)[0]


def test_the_uncompressed_total_is_bounded(api, tmp_path, settings):
    settings.HAMSU_UPLOAD_MAX_UNCOMPRESSED_BYTES = 20_000
    path = workbook(
        tmp_path / "big.xlsx", [["email", "first_name"]] + [[f"p{i}@example.com", "x"] for i in range(2000)]
    )
    response = api("big.xlsx", path.read_bytes())
    assert _file_errors(response) == [
        "The workbook unzips to more than 20,000 bytes, the most an upload may hold."
    ]


def test_an_ordinary_workbook_is_accepted(api, tmp_path):
    path = workbook(tmp_path / "ok.xlsx", [["email", "first_name"], ["a@example.com", "Ada"]])
    assert api("ok.xlsx", path.read_bytes()).status_code == 201


# ---------------------------------------------------------------- the header, stored bounded


def test_a_header_with_too_many_columns_is_refused(api):
    header = ",".join(f"c{i}" for i in range(501))
    response = api("wide.csv", f"{header}\n".encode())
    assert _file_errors(response) == ["Row 1 has 501 columns; a file may have at most 500."]


def test_a_long_column_name_is_refused(api):
    response = api("long-name.csv", f"email,{'n' * 201}\na@example.com,x\n".encode())
    assert _file_errors(response) == ["The name of column 2 is longer than 200 characters."]


def test_an_endless_first_line_is_refused_without_reading_it_whole(api):
    response = api("line.csv", b"email," + b"x" * (2 * MiB))
    assert response.status_code == 413
    assert _file_errors(response) == [
        "Line 1 is longer than 1,048,576 characters, the most one line may hold."
    ]


def test_the_largest_header_allowed_is_all_the_job_returns(client, api):
    # 500 columns of 200 characters: ~100 KB is the most a job's header can be.
    header = ",".join(f"{i:03d}" + "h" * 197 for i in range(500))
    created = api("widest.csv", f"{header}\n".encode())
    job = client.get(f"/api/v1/data/imports/{created.json()['id']}", **api.auth)
    assert len(job.content) < 120_000


# ---------------------------------------------------------------- rows, columns and cells while reading


@pytest.fixture
def dry_run(client, api, django_capture_on_commit_callbacks):
    def run(content: bytes, name="data.csv") -> ImportJob:
        created = api(name, content)
        assert created.status_code == 201, created.content
        job_id = created.json()["id"]
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/api/v1/data/imports/{job_id}/dry-run", **api.auth)
        return ImportJob.objects.get(pk=job_id)

    return run


def test_rows_beyond_the_bound_fail_the_run_with_the_bound_named(dry_run, settings):
    settings.HAMSU_UPLOAD_MAX_ROWS = 10
    rows = "".join(f"p{i}@example.com,P{i},L\n" for i in range(11))
    job = dry_run(f"email,first_name,last_name\n{rows}".encode())
    assert (job.status, job.message) == (
        ImportStatus.FAILED,
        "The file has more than 10 rows, the most one upload may hold; split it.",
    )


def test_rows_up_to_the_bound_are_read(dry_run, settings):
    settings.HAMSU_UPLOAD_MAX_ROWS = 10
    rows = "".join(f"p{i}@example.com,P{i},L\n" for i in range(10))
    job = dry_run(f"email,first_name,last_name\n{rows}".encode())
    assert job.status == ImportStatus.CHECKED


def test_xlsx_rows_beyond_the_bound_fail_the_run(dry_run, settings, tmp_path):
    settings.HAMSU_UPLOAD_MAX_ROWS = 3
    path = workbook(
        tmp_path / "rows.xlsx",
        [["email", "first_name", "last_name"]] + [[f"p{i}@example.com", "x", "y"] for i in range(4)],
    )
    job = dry_run(path.read_bytes(), name="rows.xlsx")
    assert job.message == "The file has more than 3 rows, the most one upload may hold; split it."


def test_a_long_cell_fails_the_run_with_its_line(dry_run):
    job = dry_run(f"email,first_name,last_name\na@example.com,{'x' * 32_768},L\n".encode())
    assert job.message == (
        "A value in the row starting on line 2 is longer than 32,767 characters, the most one cell may hold."
    )


def test_a_cell_of_the_bound_is_read(dry_run):
    job = dry_run(f"email,first_name,last_name\na@example.com,{'x' * 32_767},L\n".encode())
    assert job.status == ImportStatus.CHECKED


def test_a_long_xlsx_cell_in_a_data_row_is_refused_on_upload(api, tmp_path):
    # openpyxl keeps text in the shared strings: the upload's look inside finds it.
    path = workbook(tmp_path / "cell.xlsx", [["email", "first_name"], ["a@example.com", _text(33_000)]])
    assert api("cell.xlsx", path.read_bytes()).status_code == 413


def test_a_wide_data_row_fails_the_run_with_its_row(dry_run):
    wide = ",".join(["x"] * 500)
    job = dry_run(f"email,first_name,last_name\na@example.com,{wide}\n".encode())
    assert job.message == "Row 2 has 501 columns; a file may have at most 500."


def test_a_long_data_line_fails_the_run(dry_run):
    job = dry_run(b"email,first_name,last_name\na@example.com," + b"y" * (MiB + 10) + b"\n")
    assert job.message == "Line 2 is longer than 1,048,576 characters, the most one line may hold."


# ---------------------------------------------------------------- the other upload endpoints


@pytest.fixture
def people_api(client, admin):
    _token, raw = tokens.token_create(user=admin.user, name="p")

    def upload(content: bytes):
        return client.post(
            "/api/v1/people/import",
            {"file": SimpleUploadedFile("people.csv", content)},
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return upload


PEOPLE_HEADER = b"email,full_name,function,role\n"


def test_the_people_import_bounds_the_file_size(people_api, settings):
    settings.HAMSU_UPLOAD_MAX_IN_MEMORY_BYTES = 1000
    response = people_api(PEOPLE_HEADER + b"a@example.com,Ada,sales,sales_rep\n" * 40)
    assert response.status_code == 413
    assert _file_errors(response) == ["The file is larger than 1,000 bytes, the most an upload may hold."]


def test_the_people_import_bounds_a_cell(people_api):
    response = people_api(PEOPLE_HEADER + f"a@example.com,{'A' * 40_000},sales,sales_rep\n".encode())
    assert response.status_code == 413


def test_the_people_import_bounds_a_line(people_api):
    response = people_api(PEOPLE_HEADER + b"a" * (MiB + 1))
    assert _file_errors(response) == [
        "Line 2 is longer than 1,048,576 characters, the most one line may hold."
    ]


def test_the_people_import_refuses_a_file_that_is_not_utf8(people_api):
    response = people_api(PEOPLE_HEADER + "x@example.com,Zoë,sales,sales_rep\n".encode("latin-1"))
    assert _file_errors(response) == ["The file is not UTF-8 text."]


def test_the_people_import_page_shows_the_bound(client, admin):
    client.force_login(admin.user)
    page = client.post(
        "/together/people/import/",
        {
            "file": SimpleUploadedFile(
                "people.csv", PEOPLE_HEADER + f"a@example.com,{'A' * 40_000},s,r\n".encode()
            )
        },
    )
    assert "longer than 32,767 characters" in page.content.decode()


def test_the_campaign_spend_import_bounds_a_cell(client, admin):
    client.force_login(admin.user)
    page = client.post(
        "/campaigns/spend/import/",
        {
            "file": SimpleUploadedFile(
                "spend.csv",
                f"campaign,period_start,period_end,amount,note\nx,2026-01-01,2026-01-31,1,{'n' * 40_000}\n".encode(),
            )
        },
    )
    assert "longer than 32,767 characters" in page.content.decode()


def test_the_questionnaire_import_api_bounds_a_line(client, admin):
    from hamsu.alignment.models import Round

    round_ = Round.objects.create(
        name="Q1", anonymous=False, closes_at=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    )
    _token, raw = tokens.token_create(user=admin.user, name="q")
    response = client.post(
        f"/api/v1/alignment/rounds/{round_.pk}/import",
        json.dumps({"csv": "respondent,function," + "s" * (MiB + 5)}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 413
