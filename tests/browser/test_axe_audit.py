"""The axe-core audit of the shared browser fixtures finds violations on every page a test
visits: the pages it leaves, the page it ends on, and the pages of a context it closes."""

from __future__ import annotations

import pytest

from tests.accessibility import AxeAudit

pytestmark = pytest.mark.browser

SITE = "http://hamsu.test"
PAGES = {
    # An image without a text alternative (WCAG 1.1.1), on a page long enough that axe
    # takes longer to read it than the next page takes to arrive.
    "/no-alt/": '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1">'
    '<a href="/fine/">On</a>' + "<p>A line of text to read.</p>" * 3000,
    "/fine/": "<p>Nothing wrong here.</p>",
    # A text field with no label (WCAG 4.1.2).
    "/no-label/": '<form><input type="text" name="q"></form>',
}


def serve(route):
    path = route.request.url.removeprefix(SITE)
    body = f'<!doctype html><html lang="en"><head><title>Probe</title></head><body><main><h1>Probe</h1>{PAGES[path]}</main></body></html>'
    route.fulfill(status=200, content_type="text/html", body=body)


@pytest.fixture
def probe(browser):
    """A context of its own audit (the test's audit would fail the test for these pages),
    serving the pages above."""
    audit = AxeAudit(browser.script)
    context = browser.playwright_browser.new_context()
    context.route(f"{SITE}/**", serve)
    audit.watch(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield audit, context, page
    audit.close()


def rules_on(audit, path):
    return {v.rule for v in audit.violations if v.url == f"{SITE}{path}"}


def test_the_page_a_test_leaves_by_a_link_is_audited(probe):
    audit, _context, page = probe
    page.goto(f"{SITE}/no-alt/")
    page.get_by_role("link", name="On").click()
    page.wait_for_url(f"{SITE}/fine/")
    assert rules_on(audit, "/no-alt/") == {"image-alt"}


def test_the_page_a_test_ends_on_is_audited(probe):
    audit, _context, page = probe
    page.goto(f"{SITE}/fine/")
    page.goto(f"{SITE}/no-label/")
    audit.finish()
    assert rules_on(audit, "/no-label/") == {"label"}


def test_a_page_without_violations_is_audited_and_clean(probe):
    audit, _context, page = probe
    page.goto(f"{SITE}/fine/")
    audit.finish()
    assert audit.pages_audited == [f"{SITE}/fine/"]
    assert rules_on(audit, "/fine/") == set()


def test_the_last_page_of_a_context_the_test_closes_is_audited(probe):
    audit, context, page = probe
    page.goto(f"{SITE}/no-label/")
    context.close()
    assert rules_on(audit, "/no-label/") == {"label"}


def test_the_report_names_the_page_the_rule_and_the_element(probe):
    audit, _context, page = probe
    page.goto(f"{SITE}/no-label/")
    audit.finish()
    report = audit.report()
    assert f"{SITE}/no-label/ (lang=en)" in report
    assert "[critical] label: Form elements must have labels" in report
    assert '<input type="text" name="q">' in report
