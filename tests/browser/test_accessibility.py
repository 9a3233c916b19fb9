"""Every area's main page, and every kind of page linked from there, opened by the
administrator of a small demo company, passes axe-core (WCAG 2.0/2.1 A and AA).

The audit itself is the shared browser fixtures' (tests/accessibility.py): each page is
checked as the test leaves it. These tests make sure every area is visited with real
figures, tables, forms and charts on it, not only the pages the journey tests open.
"""

from __future__ import annotations

import re

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


def log_in_as_admin(page, live_server, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", generator.DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_main_page_of_every_area_passes_axe(page, live_server, static_files, demo_company, language):
    log_in_as_admin(page, live_server, language)
    for _area, url_name in AREAS:
        response = page.goto(f"{live_server.url}{reverse(url_name)}")
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == language


# Links not to follow: leaving the product (admin, API, language switch), downloads, and
# anything that acts when fetched.
NOT_A_PAGE = re.compile(r"^/(admin|api|i18n|static|media)/|/logout/|/backup/|\.(csv|xlsx|pdf|ics)$")
MOST_PAGES = 150


def page_kind(path: str) -> str:
    """/crm/opportunities/24/ and /crm/opportunities/31/ are one kind of page."""
    return re.sub(r"\d+", "N", path)


def test_every_kind_of_page_linked_from_the_areas_passes_axe_in_persian(
    page, live_server, static_files, demo_company
):
    # Persian, right to left: the harder case; English shares every template and the areas'
    # main pages are also opened in English above.
    log_in_as_admin(page, live_server, "fa")
    queue = [reverse(url_name) for _area, url_name in AREAS]
    seen: set[str] = set()
    while queue and len(seen) < MOST_PAGES:
        path = queue.pop(0)
        if page_kind(path) in seen:
            continue
        seen.add(page_kind(path))
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        links = page.eval_on_selector_all("a[href^='/']", "links => links.map((a) => a.pathname)")
        queue.extend(link for link in links if not NOT_A_PAGE.search(link) and page_kind(link) not in seen)
    # The areas link to far more than their main pages (about a hundred kinds today).
    assert len(seen) > 3 * len(AREAS)
