"""The main page of every area, opened by an administrator of a small demo company in
English and in Persian, passes axe-core (WCAG 2.0/2.1 A and AA).

The audit itself is the shared browser fixtures' (tests/accessibility.py): each page is
checked as the test leaves it. This test makes sure every area is visited with real
figures, tables and charts on it, not only the pages the journey tests happen to open.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from hamsu.demo import generator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AREAS = [
    ("home", "home"),
    ("pipeline", "crm:pipeline"),
    ("deals", "crm:opportunities"),
    ("accounts", "crm:accounts"),
    ("contacts", "crm:contacts"),
    ("funnel", "funnel:overview"),
    ("campaigns", "campaigns:list"),
    ("scorecard", "scorecard:dashboard"),
    ("alignment", "alignment:index"),
    ("together", "collaboration:home"),
    ("data", "dataio:imports"),
    ("settings", "core:settings"),
    ("glossary", "glossary"),
]


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture
def demo_company(monkeypatch):
    # Every area with something on it (deals, leads, campaigns, targets, meetings, a
    # diagnostic round), at a scale small enough for a browser test.
    monkeypatch.setitem(generator.SCALES, "browser", generator.Scale("browser", 12, 60, 1, 1.0))
    generator.generate(scale="browser", seed=7, progress=lambda message: None)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_main_page_of_every_area_passes_axe(page, live_server, static_files, demo_company, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", generator.DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")
    for _area, url_name in AREAS:
        response = page.goto(f"{live_server.url}{reverse(url_name)}")
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == language
