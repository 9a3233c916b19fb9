"""Unchecked input (issue 15, defect 9): a country is an ISO 3166 code, a web domain is a
host name and nothing else, and the invisible characters that reorder or hide text
(bidirectional overrides, embeddings and isolates; C1 controls) never reach the database —
through the services, the pages' forms, the API and imports alike, by one shared rule in
``hamsu.core.validation``."""

from __future__ import annotations

import pytest

from hamsu.core import roles
from hamsu.core.errors import ValidationFailed
from hamsu.crm import services as crm
from hamsu.crm.models import Account, Contact
from hamsu.funnel.models import Lead

pytestmark = pytest.mark.django_db

# "Invoice.exe" disguised: the right-to-left override makes "‮exe.txt" read as "txt.exe".
SPOOFED_NAME = "Acme \u202eexe.txt\u202c Trading"
ISOLATED_NAME = "Acme \u2066Trading\u2069"
C1_NAME = "Acme\x85 Trading\x9b"


@pytest.fixture
def admin(make_person, teams):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])


def api_post(client, user, path, data):
    client.force_login(user)
    return client.post(f"/api/v1{path}", data, content_type="application/json")


def error_fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


# ---------------------------------------------------------------- countries


def test_a_service_refuses_a_country_that_is_not_iso_3166(admin):
    with pytest.raises(ValidationFailed) as caught:
        crm.account_create(actor=admin.user, name="Acme", owner=admin, country="ZZ")
    assert list(caught.value.errors) == ["country"]


def test_a_service_accepts_an_iso_country_in_any_case(admin):
    account = crm.account_create(actor=admin.user, name="Acme", owner=admin, country="de")
    account.refresh_from_db()
    assert account.country == "DE"


def test_the_api_refuses_an_unknown_country_for_an_account(client, admin):
    response = api_post(client, admin.user, "/accounts", {"name": "Acme", "country": "ZZ"})
    assert response.status_code == 422
    assert error_fields(response) == ["country"]


def test_the_api_refuses_an_unknown_country_for_a_contact(client, admin):
    account = crm.account_create(actor=admin.user, name="Acme", owner=admin)
    response = api_post(
        client,
        admin.user,
        "/contacts",
        {"account_id": account.pk, "last_name": "Ahmadi", "email": "s@acme.example", "country": "UK"},
    )
    assert response.status_code == 422
    assert error_fields(response) == ["country"]


def test_the_api_refuses_an_unknown_country_for_a_lead(client, admin):
    response = api_post(client, admin.user, "/funnel/leads", {"email": "ana@pars.example", "country": "ZZ"})
    assert response.status_code == 422
    assert error_fields(response) == ["country"]
    assert not Lead.objects.exists()


def test_a_form_refuses_an_unknown_country_on_its_field(client, admin):
    client.force_login(admin.user)
    response = client.post("/crm/accounts/new/", {"name": "Acme", "owner": admin.pk, "country": "ZZ"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["country"]


# ---------------------------------------------------------------- domains


@pytest.mark.parametrize(
    "domain",
    ["javascript:alert(1)", "https://acme.example", "acme.example/about", "acme example.com", "10.0.0.1"],
)
def test_the_api_accepts_only_a_host_name_as_a_domain(client, admin, domain):
    response = api_post(client, admin.user, "/accounts", {"name": "Acme", "domain": domain})
    assert response.status_code == 422
    assert error_fields(response) == ["domain"]


def test_a_host_name_is_stored_bare(client, admin):
    response = api_post(client, admin.user, "/accounts", {"name": "Acme", "domain": "WWW.Acme.Example"})
    assert response.status_code == 201, response.content
    assert Account.objects.get().domain == "acme.example"


def test_a_form_refuses_a_script_as_a_domain(client, admin):
    client.force_login(admin.user)
    response = client.post(
        "/crm/accounts/new/", {"name": "Acme", "owner": admin.pk, "domain": "javascript:alert(1)"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["domain"]


# ---------------------------------------------------------------- invisible characters


@pytest.mark.parametrize("name", [SPOOFED_NAME, ISOLATED_NAME, C1_NAME])
def test_a_service_neutralises_characters_that_reorder_or_hide_text(admin, name):
    account = crm.account_create(actor=admin.user, name=name, owner=admin)
    account.refresh_from_db()
    assert account.name == name.translate(dict.fromkeys([0x202E, 0x202C, 0x2066, 0x2069, 0x85, 0x9B]))


def test_the_api_neutralises_a_bidi_override(client, admin):
    response = api_post(client, admin.user, "/accounts", {"name": SPOOFED_NAME})
    assert response.status_code == 201, response.content
    assert Account.objects.get().name == "Acme exe.txt Trading"


def test_a_form_neutralises_a_bidi_override(client, admin):
    client.force_login(admin.user)
    client.post("/crm/accounts/new/", {"name": SPOOFED_NAME, "owner": admin.pk})
    assert list(Account.objects.values_list("name", flat=True)) == ["Acme exe.txt Trading"]


def test_persian_joiners_and_direction_marks_are_kept(admin):
    # ZWNJ spells "می‌خواهم"; RLM/LRM are harmless marks people type on Persian keyboards.
    name = "شرکت می\u200cخواهم \u200fAcme\u200e"
    account = crm.account_create(actor=admin.user, name=name, owner=admin)
    account.refresh_from_db()
    assert account.name == name


def test_a_single_line_field_holds_no_line_break(admin):
    account = crm.account_create(actor=admin.user, name="Acme\r\nTrading\tGroup", owner=admin)
    account.refresh_from_db()
    assert account.name == "Acme Trading Group"


# ---------------------------------------------------------------- imports


def run_import(tmp_path, settings, kind, text):
    from hamsu.dataio import services

    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    job = services.import_job_create(actor=None, kind=kind, path=path, mapping=None, via="cli")
    return services.import_job_execute(job_id=job.pk, dry_run=False)


def test_an_import_refuses_bad_countries_and_domains_row_by_row(tmp_path, settings):
    job = run_import(
        tmp_path,
        settings,
        "accounts",
        "name,domain,country\n"
        "Good Co,good.example,ir\n"
        "Zed Co,zed.example,ZZ\n"
        'Script Co,"javascript:alert(1)",DE\n',
    )
    assert list(Account.objects.values_list("name", "country")) == [("Good Co", "IR")]
    assert list(job.issues.filter(kind="error").order_by("row").values_list("row", "column")) == [
        (3, "country"),
        (4, "domain"),
    ]


def test_an_import_neutralises_bidi_controls_and_line_breaks(tmp_path, settings):
    run_import(tmp_path, settings, "accounts", f'name,domain\n"{SPOOFED_NAME}\nGroup",acme.example\n')
    assert list(Account.objects.values_list("name", flat=True)) == ["Acme exe.txt Trading Group"]


def test_a_contact_import_refuses_an_unknown_country(tmp_path, settings, admin):
    crm.account_create(actor=admin.user, name="Acme", owner=admin)
    job = run_import(
        tmp_path,
        settings,
        "contacts",
        "first_name,last_name,email,account,country\n"
        "Sara,Ahmadi,sara@acme.example,Acme,IR\n"
        "Zed,Zee,zed@acme.example,Acme,ZZ\n",
    )
    assert list(Contact.objects.values_list("email", flat=True)) == ["sara@acme.example"]
    assert list(job.issues.filter(kind="error").values_list("row", "column")) == [(3, "country")]
