"""Logins are throttled (issue 15, defect 4): by account and by address, with a lockout
the login page states plainly (English and Persian), the audit trail records, and an
administrator can lift; API token guessing is rate-limited per address (429 problem+json
with Retry-After)."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.utils import timezone

from hamsu.api import services as tokens
from hamsu.core import roles
from hamsu.core.models import AuditEntry

pytestmark = pytest.mark.django_db

RIGHT = "pw"  # the conftest's password for every persona


@pytest.fixture
def login(client):
    def attempt(username: str, password: str, *, address: str = "192.0.2.10", **extra):
        return client.post(
            "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
        )

    return attempt


@pytest.fixture
def victim(rep):
    return rep.user


def _fail(login, username: str, times: int, **kwargs):
    for _ in range(times):
        login(username, "wrong password", **kwargs)


def test_four_wrong_passwords_do_not_lock_the_account(login, victim):
    _fail(login, victim.username, 4)
    assert login(victim.username, RIGHT).status_code == 302


def test_after_five_wrong_passwords_the_right_one_is_refused(login, victim):
    _fail(login, victim.username, 5)
    assert login(victim.username, RIGHT).status_code == 429


def test_the_lockout_holds_from_any_address(login, victim):
    _fail(login, victim.username, 5, address="192.0.2.10")
    assert login(victim.username, RIGHT, address="198.51.100.7").status_code == 429


def test_the_locked_out_page_says_so_plainly(login, victim):
    _fail(login, victim.username, 5)
    page = login(victim.username, RIGHT).content.decode()
    assert "logging in is blocked for 15 minutes — even with the right password" in page


def test_the_locked_out_page_says_when_to_retry(login, victim):
    _fail(login, victim.username, 5)
    assert login(victim.username, RIGHT)["Retry-After"] == "900"


def test_the_locked_out_page_is_in_persian(login, victim):
    _fail(login, victim.username, 5)
    page = login(victim.username, RIGHT, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "۱۵ دقیقه" in page


def test_the_persian_page_shows_no_english_lockout_text(login, victim):
    _fail(login, victim.username, 5)
    page = login(victim.username, RIGHT, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "Too many failed logins" not in page


def test_the_lockout_ends_after_its_time(login, victim):
    _fail(login, victim.username, 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert login(victim.username, RIGHT).status_code == 302


def test_one_address_trying_many_accounts_is_locked_out(login, victim, make_person):
    for n in range(30):
        login(f"nobody{n}", "guess")
    assert login(victim.username, RIGHT).status_code == 429


def test_an_address_lockout_leaves_other_addresses_alone(login, victim):
    for n in range(30):
        login(f"nobody{n}", "guess")
    assert login(victim.username, RIGHT, address="198.51.100.7").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_address_bound(login, victim):
    for n in range(30):
        login(f"nobody{n}", "guess", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert login(victim.username, RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.200").status_code == 429


def test_the_lockout_is_in_the_audit_trail_once(login, victim):
    _fail(login, victim.username, 8)
    assert AuditEntry.objects.filter(action="lockout", object_id=victim.username).count() == 1


def test_the_audit_entry_names_the_address(login, victim):
    _fail(login, victim.username, 5)
    entry = AuditEntry.objects.get(action="lockout")
    assert entry.changes["ip_address"] == "192.0.2.10"


# ---------------------------------------------------------------- an administrator lifts it


@pytest.fixture
def administrator(make_person):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR).user


def test_the_administrator_sees_the_locked_out_account(client, login, victim, administrator):
    _fail(login, victim.username, 5)
    client.force_login(administrator)
    page = client.get("/settings/lockouts/").content.decode()
    assert victim.username in page


def test_lifting_the_lockout_lets_the_person_in(client, login, victim, administrator):
    _fail(login, victim.username, 5)
    client.force_login(administrator)
    client.post("/settings/lockouts/", {"username": victim.username})
    client.logout()
    assert login(victim.username, RIGHT).status_code == 302


def test_lifting_is_in_the_audit_trail(client, login, victim, administrator):
    _fail(login, victim.username, 5)
    client.force_login(administrator)
    client.post("/settings/lockouts/", {"username": victim.username})
    entry = AuditEntry.objects.get(action="unlock")
    assert (entry.actor, entry.object_id) == (administrator, victim.username)


def test_an_address_lockout_is_lifted_too(client, login, victim, administrator):
    for n in range(30):
        login(f"nobody{n}", "guess")
    client.force_login(administrator)
    client.post("/settings/lockouts/", {"ip_address": "192.0.2.10"})
    client.logout()
    assert login(victim.username, RIGHT).status_code == 302


def test_only_an_administrator_may_lift_lockouts(client, rep):
    client.force_login(rep.user)
    assert client.get("/settings/lockouts/").status_code == 403


def test_the_lockouts_page_is_in_persian(client, administrator):
    client.force_login(administrator)
    page = client.get("/settings/lockouts/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "No account is locked out." not in page


# ---------------------------------------------------------------- API tokens


@pytest.fixture
def api_get(client):
    def get(token: str, *, address: str = "192.0.2.20"):
        return client.get("/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)

    return get


def test_twenty_wrong_tokens_are_answered_401(api_get):
    answers = {api_get(f"hamsu_guess{n}").status_code for n in range(20)}
    assert answers == {401}


def test_the_next_guess_is_answered_429(api_get):
    for n in range(20):
        api_get(f"hamsu_guess{n}")
    assert api_get("hamsu_guess-more").status_code == 429


def test_the_429_is_a_problem_with_retry_after(api_get):
    for n in range(20):
        api_get(f"hamsu_guess{n}")
    response = api_get("hamsu_guess-more")
    assert (response["Content-Type"], int(response["Retry-After"]) > 0) == ("application/problem+json", True)


def test_a_right_token_from_the_guessing_address_is_refused_too(api_get, rep):
    _token, raw = tokens.token_create(user=rep.user, name="t")
    for n in range(20):
        api_get(f"hamsu_guess{n}")
    assert api_get(raw).status_code == 429


def test_other_addresses_keep_working(api_get, rep):
    _token, raw = tokens.token_create(user=rep.user, name="t")
    for n in range(20):
        api_get(f"hamsu_guess{n}")
    assert api_get(raw, address="198.51.100.9").status_code == 200


def test_a_right_token_does_not_count_against_the_address(api_get, rep):
    _token, raw = tokens.token_create(user=rep.user, name="t")
    for _ in range(25):
        api_get(raw)
    assert api_get(raw).status_code == 200
