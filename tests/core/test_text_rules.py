"""Control characters in text: an export never fails on stored data, and writes refuse NUL
(with a field error) and remove the other control characters — through the services,
the pages' forms, the API and imports alike (``hamsu.core.validation.clean_text``)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from hamsu.core import roles
from hamsu.core.errors import ValidationFailed
from hamsu.crm import services as crm
from hamsu.crm.models import Account

pytestmark = pytest.mark.django_db

VERTICAL_TAB_NAME = "Acme\x0b Trading\x1f"  # pasted from another system


@pytest.fixture
def admin(make_person, teams):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])


def workbook(response) -> openpyxl.Workbook:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(body), read_only=True)


def test_an_xlsx_export_does_not_fail_on_a_stored_control_character(client, admin):
    account = Account.objects.create(name="placeholder", owner=admin)
    Account.objects.filter(pk=account.pk).update(name=VERTICAL_TAB_NAME)  # as an old import left it
    client.force_login(admin.user)
    response = client.get("/data/exports/accounts.xlsx")
    assert response.status_code == 200
    names = [row[1] for row in workbook(response).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Acme Trading"]


def test_the_scorecard_and_campaign_xlsx_writers_drop_control_characters():
    from hamsu.campaigns.exports import xlsx_response as campaign_xlsx
    from hamsu.scorecard.exports import xlsx_response as scorecard_xlsx

    scorecard = workbook(scorecard_xlsx("t.xlsx", ["seller"], [[VERTICAL_TAB_NAME]]))
    campaigns = workbook(campaign_xlsx("t.xlsx", [("Campaigns", ["campaign"], [[VERTICAL_TAB_NAME]])]))
    assert next(scorecard.active.iter_rows(min_row=2, values_only=True)) == ("Acme Trading",)
    assert next(campaigns.active.iter_rows(min_row=2, values_only=True)) == ("Acme Trading",)


def test_a_service_refuses_nul_with_a_field_error(admin):
    with pytest.raises(ValidationFailed) as caught:
        crm.account_create(actor=admin.user, name="Acme\x00", owner=admin)
    assert list(caught.value.errors) == ["name"]


def test_a_service_removes_other_control_characters(admin):
    account = crm.account_create(actor=admin.user, name=VERTICAL_TAB_NAME, owner=admin)
    account.refresh_from_db()
    assert account.name == "Acme Trading"


def test_the_api_refuses_nul_with_the_fields_name(client, admin):
    client.force_login(admin.user)
    response = client.post("/api/v1/accounts", {"name": "Acme\x00"}, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert not Account.objects.exists()


def test_the_api_removes_other_control_characters(client, admin):
    client.force_login(admin.user)
    response = client.post("/api/v1/accounts", {"name": VERTICAL_TAB_NAME}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Account.objects.get().name == "Acme Trading"


def test_a_form_removes_control_characters(client, admin):
    client.force_login(admin.user)
    client.post("/crm/accounts/new/", {"name": VERTICAL_TAB_NAME, "owner": admin.pk})
    assert list(Account.objects.values_list("name", flat=True)) == ["Acme Trading"]


def test_a_form_refuses_nul_on_its_field(client, admin):
    client.force_login(admin.user)
    response = client.post("/crm/accounts/new/", {"name": "Acme\x00", "owner": admin.pk})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_an_import_removes_control_characters_and_refuses_nul(tmp_path, settings):
    from hamsu.dataio import services

    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "accounts.csv"
    path.write_text(
        "name,domain\nAcme\x0b Trading\x1f,acme.example\nNul\x00 Co,nul.example\n", encoding="utf-8"
    )
    job = services.import_job_create(actor=None, kind="accounts", path=path, mapping=None, via="cli")
    job = services.import_job_execute(job_id=job.pk, dry_run=False)
    assert list(Account.objects.values_list("name", flat=True)) == ["Acme Trading"]
    assert list(job.issues.filter(kind="error").values_list("row", "column")) == [(3, "name")]


def test_every_posted_form_field_loses_its_control_characters(rf):
    from hamsu.core.middleware import FormTextMiddleware

    seen = {}

    def view(request):
        seen.update(request.POST.lists())
        return None

    request = rf.post("/anywhere/", {"note": "Call\x07 back", "tags": ["a\x1b", "b"], "nul": "x\x00"})
    FormTextMiddleware(view)(request)
    assert seen == {"note": ["Call back"], "tags": ["a", "b"], "nul": ["x\x00"]}  # NUL: the field refuses it
