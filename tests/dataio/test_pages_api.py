"""The import pages and their API twins: upload → map → dry run → commit, with progress."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hamsu.api import services as tokens
from hamsu.core import roles
from hamsu.crm.models import Contact
from hamsu.dataio.models import ImportJob, ImportPreset, ImportStatus

pytestmark = pytest.mark.django_db

CSV = b"Record ID,First Name,Last Name,Email,Company Name\n1,Sara,Ahmadi,sara@example.com,Acme\n2,Bad,,b@example.com,Acme\n"


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin.user)
    return client


def test_upload_map_dry_run_and_commit_in_the_browser(admin_client, django_capture_on_commit_callbacks):
    response = admin_client.post(
        "/data/imports/", {"kind": "contacts", "file": SimpleUploadedFile("hubspot.csv", CSV, "text/csv")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"/data/imports/{job.pk}/"
    page = admin_client.get(f"/data/imports/{job.pk}/").content.decode()
    assert 'name="col_email"' in page
    assert '<option value="Email" selected>' in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/data/imports/{job.pk}/start/", {"mode": "dry_run"})
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.created_count == 1
    assert job.error_count == 1
    assert Contact.objects.count() == 0
    page = admin_client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "This field cannot be blank." in page
    assert "Import (skip 1 row with errors)" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/data/imports/{job.pk}/start/", {"mode": "commit"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Contact.objects.get().email == "sara@example.com"
    report = b"".join(admin_client.get(f"/data/imports/{job.pk}/report.csv").streaming_content).decode(
        "utf-8-sig"
    )
    assert report.splitlines()[1] == "3,Last Name,error,This field cannot be blank."
    # A finished file cannot be imported twice by accident.
    admin_client.post(f"/data/imports/{job.pk}/start/", {"mode": "commit"})
    assert Contact.objects.count() == 1


def test_progress_is_polled_with_htmx_while_running(admin_client, admin):
    job = ImportJob.objects.create(
        kind="contacts",
        file_path="/nonexistent.csv",
        filename="x.csv",
        status=ImportStatus.RUNNING,
        created_by=admin.user,
    )
    partial = admin_client.get(f"/data/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "HX-Refresh" not in partial
    job.status = ImportStatus.DONE
    job.save()
    done = admin_client.get(f"/data/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "every 1s" not in done.content.decode()


def test_live_progress_comes_from_the_progress_file(admin, tmp_path):
    from hamsu.dataio.progress import write_progress
    from hamsu.dataio.selectors import import_job_progress

    job = ImportJob(
        kind="contacts", file_path=str(tmp_path / "f.csv"), filename="f.csv", status=ImportStatus.RUNNING
    )
    write_progress(job.file_path, 250, 1000)
    assert import_job_progress(job) == {"processed": 250, "total": 1000, "percent": 25, "active": True}


def test_bad_upload_gets_a_specific_message(admin_client):
    response = admin_client.post(
        "/data/imports/",
        {"kind": "contacts", "file": SimpleUploadedFile("e.csv", b"", "text/csv")},
        follow=True,
    )
    assert "The file is empty." in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_mapping_is_edited_and_saved_as_preset(admin_client):
    admin_client.post(
        "/data/imports/",
        {"kind": "contacts", "file": SimpleUploadedFile("c.csv", b"Surname,Mail\nA,a@example.com\n")},
    )
    job = ImportJob.objects.get()
    admin_client.post(
        f"/data/imports/{job.pk}/mapping/",
        {"col_last_name": "Surname", "col_email": "Mail", "preset_name": "Our old CRM"},
    )
    job.refresh_from_db()
    assert job.mapping["columns"] == {"last_name": "Surname", "email": "Mail"}
    assert ImportPreset.objects.get(name="Our old CRM").mapping["columns"]["email"] == "Mail"


def test_someone_elses_import_is_not_visible(client, make_person, admin, teams):
    manager = make_person("Mo Manager", role=roles.SALES_MANAGER, team=teams["smb"])
    job = ImportJob.objects.create(
        kind="contacts", file_path="/x.csv", filename="x.csv", created_by=admin.user
    )
    client.force_login(manager.user)
    assert client.get(f"/data/imports/{job.pk}/").status_code == 404


def test_a_sales_rep_cannot_import(client, rep):
    client.force_login(rep.user)
    assert client.get("/data/imports/").status_code == 403


# ---------------------------------------------------------------- API


@pytest.fixture
def auth(admin):
    _token, raw = tokens.token_create(user=admin.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_upload_dry_run_commit_and_issues(client, auth, django_capture_on_commit_callbacks):
    created = client.post(
        "/api/v1/data/imports",
        {"kind": "contacts", "file": SimpleUploadedFile("h.csv", CSV, "text/csv")},
        **auth,
    )
    assert created.status_code == 201, created.content
    job_id = created.json()["id"]
    assert created.json()["mapping"]["preset"] == "hubspot-contacts"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/data/imports/{job_id}/dry-run", **auth).status_code == 202
    checked = client.get(f"/api/v1/data/imports/{job_id}", **auth).json()
    assert checked["status"] == "checked"
    assert checked["created_count"] == 1
    found = client.get(f"/api/v1/data/imports/{job_id}/issues", {"kind": "error"}, **auth).json()
    assert found == [
        {"row": 3, "column": "Last Name", "kind": "error", "message": "This field cannot be blank."}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/data/imports/{job_id}/commit", **auth)
    assert client.get(f"/api/v1/data/imports/{job_id}", **auth).json()["status"] == "done"
    assert Contact.objects.count() == 1


def test_api_refuses_bad_files_and_mappings_with_field_errors(client, auth):
    empty = client.post(
        "/api/v1/data/imports", {"kind": "contacts", "file": SimpleUploadedFile("e.csv", b"")}, **auth
    )
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "file"
    job = client.post(
        "/api/v1/data/imports",
        {"kind": "contacts", "file": SimpleUploadedFile("c.csv", b"a,b\n1,2\n")},
        **auth,
    ).json()
    bad = client.put(
        f"/api/v1/data/imports/{job['id']}/mapping",
        json.dumps({"mapping": {"columns": {"email": "nope"}}}),
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "email"


def test_api_import_needs_the_permission(client, rep):
    _token, raw = tokens.token_create(user=rep.user, name="t")
    response = client.post(
        "/api/v1/data/imports",
        {"kind": "contacts", "file": SimpleUploadedFile("c.csv", CSV)},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 403


def test_import_page_in_persian_is_right_to_left(admin_client, admin):
    ImportJob.objects.create(
        kind="contacts", file_path="/x.csv", filename="x.csv", total_rows=1250, created_by=admin.user
    )
    admin_client.cookies["django_language"] = "fa"
    html = admin_client.get("/data/imports/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert 'dir="rtl"' in html
    assert "درون‌ریزی داده" in html
    assert "۱٬۲۵۰" in html or "۱,۲۵۰" in html  # numbers in Persian digits
