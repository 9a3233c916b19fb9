"""Under the Content-Security-Policy (issue 15, defect 10) the pages still work in
Chromium and the browser refuses nothing: every script and style is a static file of
Hamsu's own. (The API's documentation, Swagger UI from our static files, is checked on the
server side in tests/core/test_security_headers.py: Swagger UI's own markup does not pass
axe-core, which audits every page a browser test opens.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import (  # noqa: F401 (fixtures)
    AREAS,
    demo_company,
    log_in_as_admin,
    static_files,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _patient(page):
    # A cold live server on a busy machine can take longer than the usual 15 s per page.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)


def _refusals(page) -> list[str]:
    """What the browser refused under the policy (Chromium logs each refusal)."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return refused


@pytest.mark.usefixtures("static_files", "demo_company")
def test_the_main_page_of_every_area_runs_under_the_policy(page, live_server):
    refused = _refusals(page)
    log_in_as_admin(page, live_server, "en")
    for _area, url_name in AREAS:
        page.goto(f"{live_server.url}{reverse(url_name)}")
        page.wait_for_load_state("networkidle")
    assert refused == []


@pytest.mark.usefixtures("static_files", "demo_company")
def test_a_chart_is_drawn_under_the_policy(page, live_server):
    log_in_as_admin(page, live_server, "en")
    page.goto(f"{live_server.url}{reverse('funnel:overview')}")
    assert page.locator("#lifecycle-chart canvas").count() == 1
