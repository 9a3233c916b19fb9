"""A mapping preset is offered wherever a file is uploaded — the page and the API — and
recognised from the file's columns: the public data sets' ready-made mappings (the same
files the bundle imports) and the presets users save."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hamsu.dataio.mapping import MAPPINGS_DIR
from hamsu.dataio.models import ImportJob, ImportPreset

from .conftest import SHARED_DATA

pytestmark = pytest.mark.django_db

STEPS = [
    (SHARED_DATA / "maven_crm_sales_opportunities", "maven_crm", step)
    for step in json.loads((MAPPINGS_DIR / "maven_crm" / "bundle.json").read_text())["steps"]
] + [
    (SHARED_DATA / "olist_marketing_funnel", "olist", step)
    for step in json.loads((MAPPINGS_DIR / "olist" / "bundle.json").read_text())["steps"]
]


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin.user)
    return client


def header_only(path) -> bytes:
    """The file's header row and first data row: what recognition reads is the header."""
    with open(path, "rb") as handle:
        return handle.readline() + handle.readline()


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="data sets not present")
@pytest.mark.parametrize(("directory", "folder", "step"), STEPS, ids=[s[2]["file"] for s in STEPS])
def test_an_upload_through_the_api_is_mapped_with_its_data_sets_preset(admin_client, directory, folder, step):
    upload = SimpleUploadedFile(step["file"], header_only(directory / step["file"]), "text/csv")
    response = admin_client.post("/api/v1/data/imports", {"kind": step["kind"], "file": upload})
    assert response.status_code == 201, response.content
    mapping = response.json()["mapping"]
    ready_made = json.loads((MAPPINGS_DIR / folder / step["mapping"]).read_text())
    assert mapping["preset"] == f"{folder}/{step['mapping'].removesuffix('.json')}"
    assert mapping["columns"] == ready_made["columns"]
    assert mapping.get("options", {}) == ready_made.get("options", {})


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="data sets not present")
def test_an_upload_on_the_page_is_mapped_with_its_data_sets_preset(admin_client):
    path = SHARED_DATA / "maven_crm_sales_opportunities" / "sales_pipeline.csv"
    admin_client.post(
        "/data/imports/",
        {"kind": "opportunities", "file": SimpleUploadedFile("sales_pipeline.csv", header_only(path))},
    )
    job = ImportJob.objects.get()
    assert job.mapping["preset"] == "maven_crm/opportunities"
    assert job.mapping["stage_history"] == {
        "qualifying": "engage_date",
        "won": "close_date",
        "lost": "close_date",
    }
    page = admin_client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "Maven Analytics CRM Sales Opportunities: sales_pipeline.csv" in page


def test_a_saved_preset_is_recognised_from_the_columns_of_the_next_upload(admin_client):
    csv = b"Surname,Mail,Mobile\nAhmadi,a@example.com,0912\n"
    admin_client.post("/data/imports/", {"kind": "contacts", "file": SimpleUploadedFile("a.csv", csv)})
    first = ImportJob.objects.get()
    admin_client.post(
        f"/data/imports/{first.pk}/mapping/",
        {"col_last_name": "Surname", "col_email": "Mail", "col_phone": "Mobile", "preset_name": "Old CRM"},
    )
    saved = ImportPreset.objects.get(name="Old CRM")
    upload = SimpleUploadedFile("b.csv", b"Mobile,Mail,Surname\n0935,b@example.com,Karimi\n")
    response = admin_client.post("/api/v1/data/imports", {"kind": "contacts", "file": upload})
    assert response.json()["mapping"]["preset"] == str(saved.pk)


def test_a_preset_that_reads_a_column_the_file_lacks_is_not_applied(admin_client):
    upload = SimpleUploadedFile("x.csv", b"sales_agent,deal_stage\nA,Won\n")
    response = admin_client.post("/api/v1/data/imports", {"kind": "opportunities", "file": upload})
    assert "preset" not in response.json()["mapping"]


def test_the_api_lists_presets_and_says_which_fit_the_file(admin_client):
    listed = admin_client.get("/api/v1/data/presets?kind=leads").json()
    assert "olist/mqls" in {p["key"] for p in listed}
    upload = SimpleUploadedFile(
        "m.csv", b"mql_id,first_contact_date,landing_page_id,origin\nx,2018-01-01,p,search\n"
    )
    job = admin_client.post("/api/v1/data/imports", {"kind": "leads", "file": upload}).json()
    offered = admin_client.get(f"/api/v1/data/imports/{job['id']}/presets").json()
    assert offered[0]["key"] == "olist/mqls"
    assert offered[0]["fits"] is True


def test_a_preset_is_applied_to_an_uploaded_file_by_its_key(admin_client):
    upload = SimpleUploadedFile(
        "m.csv", b"mql_id,first_contact_date,landing_page_id,origin\nx,2018-01-01,p,search\n"
    )
    job = admin_client.post("/api/v1/data/imports", {"kind": "leads", "file": upload, "mapping": "{}"}).json()
    response = admin_client.put(
        f"/api/v1/data/imports/{job['id']}/mapping", {"preset": "olist/mqls"}, content_type="application/json"
    )
    assert response.json()["mapping"]["defaults"] == {"state": "mql", "touch_kind": "landing_page"}


def test_a_preset_of_another_kind_gets_a_field_error(admin_client):
    upload = SimpleUploadedFile("m.csv", b"mql_id\nx\n")
    response = admin_client.post(
        "/api/v1/data/imports", {"kind": "contacts", "file": upload, "preset": "olist/mqls"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "preset"
