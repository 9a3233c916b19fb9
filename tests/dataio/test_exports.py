"""Exports: every list as CSV and XLSX, only what the user may see, formulas neutralised."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from hamsu.core.models import CompanySettings, Visibility
from hamsu.crm.models import Contact

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads Persian correctly with the BOM
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def own_visibility(db):
    CompanySettings.objects.create(visibility=Visibility.OWN)


def test_contacts_export_shows_only_visible_records_and_neutralises_formulas(
    client, rep, other_rep, make_account, own_visibility
):
    mine = make_account(rep)
    Contact.objects.create(
        last_name='=HYPERLINK("http://evil")',
        first_name="@SUM(A1)",
        email="m@example.com",
        account=mine,
        owner=rep,
        team=rep.team,
    )
    Contact.objects.create(
        last_name="Hidden",
        email="h@example.com",
        account=make_account(other_rep),
        owner=other_rep,
        team=other_rep.team,
    )
    client.force_login(rep.user)
    rows = csv_rows(client.get("/data/exports/contacts.csv"))
    assert rows[0][:4] == ["id", "first_name", "last_name", "email"]
    assert len(rows) == 2
    assert rows[1][1] == "'@SUM(A1)"
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    response = client.get("/data/exports/contacts.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2
    assert values[1][2] == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(2, 3).data_type == "s"  # text, not a formula


def test_every_list_exports_in_both_formats(client, head_of_sales, rep, make_opportunity):
    make_opportunity(rep, external_id="X1")
    client.force_login(head_of_sales.user)
    for kind in ["accounts", "contacts", "opportunities", "activities", "people"]:
        assert client.get(f"/data/exports/{kind}.csv").status_code == 200
        assert client.get(f"/data/exports/{kind}.xlsx").status_code == 200
    opportunities = csv_rows(client.get("/data/exports/opportunities.csv"))
    assert opportunities[1][opportunities[0].index("external_id")] == "X1"
    assert client.get("/data/exports/secrets.csv").status_code == 404


def test_exports_reimport_without_a_mapping(client, head_of_sales, rep, make_account, tmp_path):
    from hamsu.crm import services as crm
    from hamsu.dataio import services

    crm.contact_create(
        actor=None,
        last_name="Round",
        first_name="Trip",
        email="rt@example.com",
        account=make_account(rep, name="Acme"),
        owner=rep,
    )
    client.force_login(head_of_sales.user)
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"".join(client.get("/data/exports/contacts.csv").streaming_content))
    job = services.import_job_create(actor=None, kind="contacts", path=path)
    job = services.import_job_execute(job_id=job.pk, dry_run=True)
    assert job.error_count == 0
    assert job.unchanged_count == 1


def test_api_export_honours_visibility(client, rep, other_rep, make_account, own_visibility):
    from hamsu.api import services as tokens

    Contact.objects.create(last_name="Mine", account=make_account(rep), owner=rep)
    Contact.objects.create(last_name="Theirs", account=make_account(other_rep), owner=other_rep)
    _token, raw = tokens.token_create(user=rep.user, name="t")
    response = client.get("/api/v1/data/exports/contacts", HTTP_AUTHORIZATION=f"Bearer {raw}")
    rows = csv_rows(response)
    assert [r[2] for r in rows[1:]] == ["Mine"]


def test_fast_csv_rows_follow_safe_cell_exactly():
    import datetime

    from hamsu.core.http import safe_cell
    from hamsu.dataio.exporters import csv_row

    samples = ["=1+1", "+31", "-5", "@A1", "\tx", "\rx", "plain", "", "'quoted", "علی", "=HYPERLINK()"]
    assert csv_row(samples) == [safe_cell(s) for s in samples]
    moment = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    assert csv_row([None, 5, moment]) == ["", 5, moment.isoformat()]


def test_export_page_lists_what_the_role_may_export(client, head_of_sales, rep, admin):
    client.force_login(rep.user)
    html = client.get("/data/exports/").content.decode()
    assert "/data/exports/contacts.csv" in html
    assert "<th>Opportunities</th>" in html
    assert "/data/backup/" not in html  # only administrators back up
    client.force_login(admin.user)
    assert "/data/backup/" in client.get("/data/exports/").content.decode()
