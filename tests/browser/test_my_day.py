"""Each role's home page — a rep's, a marketer's, a sales manager's, the heads' and the
CRO's day — in English and in Persian, at a laptop's width, over a small demo company: it
shows that role's day, fits the screen and passes axe-core (every page a browser test
visits is audited, see tests/accessibility.py). Issue 16, item 1.

Not yet at a phone's width (390 px): there every role's home page is wider than the
screen today (measured 7 December 2026, after the navigation by role landed); fitting the
phone is issue 16, item 10."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from hamsu.demo import generator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 800)}
# Demo login -> the parts of the day its home shows first (web.my_day.PARTS_BY_ROLE).
DAYS = {
    "rep": "sell",
    "downstream": "market",
    "manager": "team sell",
    "head.sales": "team",
    "head.marketing": "market team",
    "cro": "number",
}


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def demo_company(monkeypatch):
    monkeypatch.setitem(generator.SCALES, "browser", generator.Scale("browser", 12, 60, 1, 1.0))
    generator.generate(scale="browser", seed=7, progress=lambda message: None)


def log_in(page, live_server, username: str, language: str) -> None:
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", generator.DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("width", WIDTHS)
def test_each_roles_day_in_both_languages(page, live_server, static_files, demo_company, language, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    shown = {}
    wide = []
    for username in DAYS:
        log_in(page, live_server, username, language)
        day = page.get_by_test_id("my-day")
        shown[username] = day.get_attribute("data-parts")
        if overflows(page):
            wide.append(username)
    assert shown == DAYS
    assert wide == []
