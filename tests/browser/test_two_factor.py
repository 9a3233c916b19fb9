"""Two-factor login in Chromium: a person turns it on by scanning (here: reading) the key,
keeps the recovery codes, and from then on logs in with the password and a code."""

from __future__ import annotations

import base64
import time

import pytest
from django_otp.oath import TOTP

from hamsu.core import roles
from tests.browser.test_accessibility import static_files  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _patient(page):
    # A cold live server on a busy machine can take longer than the usual 15 s per page.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)


def code_for(secret_text: str, *, later: int = 0) -> str:
    key = "".join(secret_text.split())
    totp = TOTP(base64.b32decode(key + "=" * (-len(key) % 8)))
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def log_in(page, live_server, username: str):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()


@pytest.fixture
def person(make_person):
    return make_person("Rana Rep", role=roles.SALES_REP).user


@pytest.fixture
def turned_on(page, live_server, static_files, person):  # noqa: F811 (the imported fixture)
    log_in(page, live_server, person.username)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/account/two-factor/")
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.fill("#id_code", code_for(secret))
    page.get_by_test_id("two-factor-confirm").click()
    page.get_by_test_id("recovery-codes").wait_for()
    return secret


def test_turning_it_on_shows_ten_recovery_codes(page, turned_on):
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10


def test_the_next_login_asks_for_a_code_and_accepts_the_apps(page, live_server, person, turned_on):
    page.context.clear_cookies()  # a new visit: the session is gone
    log_in(page, live_server, person.username)
    page.wait_for_url(f"{live_server.url}/login/code/")
    page.fill("#id_code", code_for(turned_on, later=30))
    page.get_by_test_id("code-submit").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("logout").count() == 1


def test_a_wrong_code_is_explained_on_the_page(page, live_server, person, turned_on):
    page.context.clear_cookies()  # a new visit: the session is gone
    log_in(page, live_server, person.username)
    page.wait_for_url(f"{live_server.url}/login/code/")
    page.fill("#id_code", "000000")
    page.get_by_test_id("code-submit").click()
    assert "not right" in page.get_by_test_id("code-error").inner_text()


def test_a_recovery_code_kept_from_the_page_logs_in_once(page, live_server, person, turned_on):
    kept = page.get_by_test_id("recovery-codes").locator("li").first.inner_text()
    page.context.clear_cookies()  # the phone is lost: a new visit with a kept code
    log_in(page, live_server, person.username)
    page.wait_for_url(f"{live_server.url}/login/code/")
    page.fill("#id_code", kept)
    page.get_by_test_id("code-submit").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("logout").count() == 1


def test_a_used_recovery_code_is_refused_the_second_time(page, live_server, person, turned_on):
    kept = page.get_by_test_id("recovery-codes").locator("li").first.inner_text()
    for landing in ("/", "/login/code/"):
        page.context.clear_cookies()
        log_in(page, live_server, person.username)
        page.wait_for_url(f"{live_server.url}/login/code/")
        page.fill("#id_code", kept)
        page.get_by_test_id("code-submit").click()
        page.wait_for_url(f"{live_server.url}{landing}")
    page.get_by_test_id("code-error").wait_for()
    assert page.url == f"{live_server.url}/login/code/"
