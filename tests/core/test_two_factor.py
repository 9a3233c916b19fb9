"""Two-factor login (issue 15): a code from an authenticator app after the password, ten
single-use recovery codes, required per role by the administrator, in both languages."""

from __future__ import annotations

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamsu.api import services as tokens
from hamsu.core import roles, two_factor
from hamsu.core.company import company_settings
from hamsu.core.models import AuditEntry
from hamsu.core.views_two_factor import PENDING_SESSION_KEY

pytestmark = pytest.mark.django_db


def code_now(device: TOTPDevice, *, later: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


@pytest.fixture
def user(rep):
    return rep.user


@pytest.fixture
def enrolled(user):
    """The rep with an authenticator turned on, and their recovery codes."""
    device = two_factor.totp_begin(user=user)
    codes = two_factor.totp_confirm(user=user, code=code_now(device))
    device.refresh_from_db()
    return device, codes


def password_step(client, username: str):
    return client.post("/login/", {"username": username, "password": "pw"})


def test_without_two_factor_the_password_logs_in(client, user):
    password_step(client, user.username)
    assert client.get("/").status_code == 200


def test_with_two_factor_the_password_asks_for_a_code(client, user, enrolled):
    assert password_step(client, user.username)["Location"] == "/login/code/"


def test_the_password_alone_does_not_log_in(client, user, enrolled):
    password_step(client, user.username)
    assert client.get("/").status_code == 302


def test_the_code_from_the_app_logs_in(client, user, enrolled):
    device, _codes = enrolled
    password_step(client, user.username)
    client.post("/login/code/", {"code": code_now(device, later=30)})
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused(client, user, enrolled):
    password_step(client, user.username)
    assert client.post("/login/code/", {"code": "000000"}).status_code == 422


def test_a_wrong_code_says_what_to_type(client, user, enrolled):
    password_step(client, user.username)
    page = client.post("/login/code/", {"code": "000000"}).content.decode()
    assert "Type the six digits your app shows now" in page


def test_a_wrong_code_does_not_log_in(client, user, enrolled):
    password_step(client, user.username)
    client.post("/login/code/", {"code": "000000"})
    assert client.get("/").status_code == 302


def test_the_code_step_runs_out_after_five_minutes(client, user, enrolled):
    device, _codes = enrolled
    password_step(client, user.username)
    session = client.session
    session[PENDING_SESSION_KEY] = {**session[PENDING_SESSION_KEY], "until": time.time() - 1}
    session.save()
    assert client.post("/login/code/", {"code": code_now(device, later=30)})["Location"] == "/login/"


def test_a_recovery_code_logs_in(client, user, enrolled):
    _device, codes = enrolled
    password_step(client, user.username)
    client.post("/login/code/", {"code": codes[0]})
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_only_once(client, user, enrolled):
    _device, codes = enrolled
    password_step(client, user.username)
    client.post("/login/code/", {"code": codes[0]})
    client.logout()
    password_step(client, user.username)
    assert client.post("/login/code/", {"code": codes[0]}).status_code == 422


def test_there_are_ten_recovery_codes(enrolled):
    _device, codes = enrolled
    assert len(set(codes)) == 10


def test_a_session_that_skipped_the_code_is_sent_to_it(client, user, enrolled):
    client.force_login(user)  # as the admin site's login would
    assert client.get("/crm/opportunities/")["Location"] == "/login/code/"


# ---------------------------------------------------------------- setting it up


def test_the_setup_page_shows_a_qr_code(client, user):
    client.force_login(user)
    assert "data:image/svg+xml" in client.get("/account/two-factor/").content.decode()


def test_the_right_code_turns_it_on(client, user):
    client.force_login(user)
    client.get("/account/two-factor/")
    client.post("/account/two-factor/", {"step": "confirm", "code": code_now(two_factor.pending_totp(user))})
    assert two_factor.is_enrolled(user)


def test_turning_it_on_shows_the_recovery_codes(client, user):
    client.force_login(user)
    client.get("/account/two-factor/")
    device = two_factor.pending_totp(user)
    page = client.post("/account/two-factor/", {"step": "confirm", "code": code_now(device)}).content.decode()
    assert page.count("<li>") >= 10


def test_a_wrong_code_does_not_turn_it_on(client, user):
    client.force_login(user)
    client.get("/account/two-factor/")
    client.post("/account/two-factor/", {"step": "confirm", "code": "000000"})
    assert not two_factor.is_enrolled(user)


def test_turning_it_on_is_in_the_audit_trail(enrolled, user):
    entry = AuditEntry.objects.get(object_type="core.user", object_id=str(user.pk))
    assert entry.changes == {"two_factor": "two_factor_on"}


def test_new_recovery_codes_cancel_the_old_ones(client, user, enrolled):
    _device, codes = enrolled
    two_factor.recovery_codes_renew(user=user)
    password_step(client, user.username)
    assert client.post("/login/code/", {"code": codes[1]}).status_code == 422


def test_it_can_be_turned_off(client, user, enrolled):
    device, _codes = enrolled
    password_step(client, user.username)
    client.post("/login/code/", {"code": code_now(device, later=30)})
    client.post("/account/two-factor/off/")
    assert not two_factor.is_enrolled(user)


# ---------------------------------------------------------------- required per role


@pytest.fixture
def required_of_reps():
    row = company_settings()
    row.two_factor_roles = [roles.SALES_REP]
    row.save()
    two_factor.forget_required_roles()


@pytest.fixture
def administrator(make_person):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR).user


def test_the_administrator_requires_it_of_a_role(client, administrator, user):
    client.force_login(administrator)
    form = {
        "name": "Acme",
        "base_currency": "USD",
        "visibility": "everyone",
        "fiscal_calendar": "gregorian",
        "big_deal_threshold": "2000000",
        "influence_lookback_days": "90",
        "two_factor_roles": [roles.SALES_REP],
    }
    client.post("/settings/", form)
    assert two_factor.is_required_of(user)


@pytest.mark.usefixtures("required_of_reps")
def test_a_person_of_that_role_without_it_is_sent_to_set_it_up(client, user):
    client.force_login(user)
    assert client.get("/crm/opportunities/")["Location"] == "/account/two-factor/"


@pytest.mark.usefixtures("required_of_reps")
def test_a_person_of_another_role_is_not_asked(client, administrator):
    client.force_login(administrator)
    assert client.get("/crm/opportunities/").status_code == 200


@pytest.mark.usefixtures("required_of_reps")
def test_once_set_up_the_person_gets_in(client, user):
    client.force_login(user)
    client.get("/account/two-factor/")
    client.post("/account/two-factor/", {"step": "confirm", "code": code_now(two_factor.pending_totp(user))})
    assert client.get("/crm/opportunities/").status_code == 200


@pytest.mark.usefixtures("required_of_reps")
def test_a_required_person_cannot_turn_it_off(client, user, enrolled):
    device, _codes = enrolled
    password_step(client, user.username)
    client.post("/login/code/", {"code": code_now(device, later=30)})
    client.post("/account/two-factor/off/")
    assert two_factor.is_enrolled(user)


@pytest.mark.usefixtures("required_of_reps")
def test_api_tokens_are_not_asked_for_a_code(client, user):
    _token, raw = tokens.token_create(user=user, name="t")
    assert client.get("/api/v1/accounts", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


# ---------------------------------------------------------------- Persian


def test_the_code_page_is_in_persian(client, user, enrolled):
    password_step(client, user.username)
    page = client.get("/login/code/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "Enter your code" not in page


def test_the_setup_page_is_in_persian(client, user):
    client.force_login(user)
    page = client.get("/account/two-factor/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "Scan this code" not in page
