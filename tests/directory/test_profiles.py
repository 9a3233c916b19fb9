"""Profiles kept current: my profile page and API, the HR import, the stale nudge."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from hamsu.core import roles
from hamsu.core.models import AuditEntry, Notification
from hamsu.directory.models import Person


@pytest.mark.django_db
def test_i_can_update_my_profile_and_it_is_stamped(client, rep, catalogue):
    Person.objects.filter(pk=rep.pk).update(profile_updated_at=timezone.now() - datetime.timedelta(days=400))
    client.force_login(rep.user)
    response = client.post(
        "/together/people/me/",
        {
            "phone": "+98 21 1234",
            "languages": "en, FA",
            "expertise": "pricing, public tenders",
            "segments": [catalogue["segment"].pk],
            "absent_until": "1405/01/15",
        },
    )
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.languages == ["en", "fa"]
    assert sorted(rep.expertise.values_list("name", flat=True)) == ["pricing", "public tenders"]
    assert rep.absent_until == datetime.date(2026, 4, 4)
    assert rep.profile_updated_at > timezone.now() - datetime.timedelta(minutes=1)
    assert AuditEntry.objects.filter(object_type="directory.person", object_id=str(rep.pk)).exists()


@pytest.mark.django_db
def test_a_bad_language_code_is_a_field_error_and_nothing_changes(client, rep):
    client.force_login(rep.user)
    response = client.post("/together/people/me/", {"languages": "english", "phone": "123"})
    assert response.status_code == 200
    assert 'data-field-error="languages"' in response.content.decode()
    rep.refresh_from_db()
    assert rep.phone == ""


@pytest.mark.django_db
def test_the_api_twin_edits_only_my_own_profile(client, rep, other_rep):
    client.force_login(rep.user)
    response = client.patch(
        "/api/v1/people/me",
        {"expertise": ["negotiation"], "languages": ["fa"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["expertise"] == ["negotiation"]
    from hamsu.core.errors import PermissionDenied
    from hamsu.directory.services import person_profile_update

    with pytest.raises(PermissionDenied):
        person_profile_update(person=other_rep, actor=rep.user, phone="1")
    missing = client.patch("/api/v1/people/me", {"segment_ids": [999]}, content_type="application/json")
    assert missing.status_code == 404


CSV = """email,full_name,function,role,team,manager_email,expertise,segments,languages,absent_until
new.rep@example.com,New Rep,sales,Sales rep,Sales — SMB,boss@example.com,pricing;events,Manufacturing,en;fa,
boss@example.com,Big Boss,sales,sales_manager,Sales — SMB,,,,en,
bad@example.com,Bad Row,sales,astronaut,Sales — SMB,,,,en,
worse,No Email,sales,sales_rep,Nowhere,,,Unknown segment,english,2026-13-40
"""


@pytest.mark.django_db
def test_the_import_reports_every_row_and_writes_only_good_ones(client, make_person, teams, catalogue):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR)
    client.force_login(admin.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", CSV.encode("utf-8-sig"), content_type="text/csv")
    response = client.post("/together/people/import/", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 created, 0 updated, 2 with errors." in html
    new = Person.objects.get(email="new.rep@example.com")
    assert new.manager.email == "boss@example.com"  # the manager came later in the file
    assert sorted(new.expertise.values_list("name", flat=True)) == ["events", "pricing"]
    assert not Person.objects.filter(email__in=["bad@example.com", "worse"]).exists()
    assert "Unknown role" in html
    assert "Unknown team" in html
    assert "Enter a valid e-mail" in html


@pytest.mark.django_db
def test_the_import_dry_run_saves_nothing_and_the_api_twin_reports_rows(
    client, make_person, teams, catalogue
):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR)
    client.force_login(admin.user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", CSV.encode(), content_type="text/csv")
    response = client.post("/api/v1/people/import", {"file": upload, "dry_run": "true"})
    assert response.status_code == 200
    body = response.json()
    assert body["summary"] == {"created": 2, "updated": 0, "error": 2}
    assert body["rows"][2]["errors"]["role"]
    assert not Person.objects.filter(email="new.rep@example.com").exists()


@pytest.mark.django_db
def test_a_seller_cannot_import(client, rep):
    client.force_login(rep.user)
    assert client.get("/together/people/import/").status_code == 403


@pytest.mark.django_db
def test_the_import_command(tmp_path, teams, catalogue, capsys):
    path = tmp_path / "people.csv"
    path.write_text(CSV.splitlines()[0] + "\n" + CSV.splitlines()[2] + "\n", encoding="utf-8")
    call_command("people_import", str(path))
    assert "1 created, 0 updated, 0 with errors." in capsys.readouterr().out


@pytest.mark.django_db
def test_stale_profiles_are_nudged_once_a_month(rep, other_rep):
    Person.objects.filter(pk=rep.pk).update(profile_updated_at=timezone.now() - datetime.timedelta(days=181))
    call_command("nudge_stale_profiles")
    call_command("nudge_stale_profiles")
    assert list(Notification.objects.filter(kind="stale_profile").values_list("recipient_id", flat=True)) == [
        rep.pk
    ]
