"""Every page, for every demo login: each link answers 200, and each figure has a
definition in the glossary that the page links to.

One crawl per login serves both rules (crawling is what costs, so it is done once). A
crawler signs in as each of the demo company's logins, starts from the home page and every
navigation entry it is offered, and follows every same-site link (``<a href>``) on the
pages it reaches (``tests/crawler.py``; bounded to one URL per URL pattern, on the tiny
demo company generated once for the module).

Links: a link that answers 403, 404 or 500 to the person it was shown to is a broken
promise, wherever it is (the next-moves page once linked the CRO to a settings page that
refused them, and a rules-of-engagement move to nowhere). A redirect passes when it ends
on a page that answers 200 and is not the login page.

Figures: a figure nobody defined is a figure two people read two ways; issue 13 made the
glossary and its "How is this computed?" links the contract. Every figure on every page
(found by the markup convention of ``tests/figures.py``: ``.num``, ``data-chart``,
``data-figure``; a bare number outside them is reported too) must be defined by a
registered glossary entry that the same page links to. A new template that shows a number
must either explain it (``{% explain %}`` in its card, column header, row header or
``<dt>``, or ``data-figure`` on it) or say it is a value stored on one record
(``data-record``). ``docs/glossary.md`` describes the convention.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import timezone

from hamsu.core import glossary
from hamsu.demo import generator
from tests.crawler import SKIPPED_PREFIXES, crawl
from tests.figures import read_page

LOGINS = [login for login, _role in generator.DEMO_LOGINS]
NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    """The tiny demo company, generated once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(scale="tiny", seed=11, now=NOW, progress=lambda *_: None)
        yield
        transaction.set_rollback(True)


def _figure_problems(results) -> dict[str, list[str]]:
    registered = {term.key for term in glossary.all_terms()}
    problems: dict[str, list[str]] = {"undefined": [], "unregistered": [], "unlinked": []}
    for url, visit in results.items():
        if not visit.html:
            continue
        found, linked = read_page(visit.html)
        for figure in found:
            where = f"{url} {figure.where} {figure.text[:40]!r}"
            if not figure.keys:
                problems["undefined"].append(f"{where}: {figure.problem}")
            problems["unregistered"] += [f"{where}: {key}" for key in figure.keys if key not in registered]
            problems["unlinked"] += [f"{where}: {key}" for key in figure.keys if key not in linked]
    return problems


# One crawl per login and language serves every test of the module (crawling is what costs).
_CRAWLS: dict[tuple[str, str], dict] = {}


def _crawl(client, login: str, language: str) -> dict:
    user = get_user_model().objects.get(username=login)
    client.force_login(user)
    client.cookies["django_language"] = language
    if (login, language) not in _CRAWLS:
        _CRAWLS[login, language] = crawl(client, user)
    return _CRAWLS[login, language]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "language"), [(login, "en") for login in LOGINS] + [("cro", "fa")], ids=lambda v: v
)
def test_every_page_answers_and_explains_its_figures(demo_company, client, login, language):
    results = _crawl(client, login, language)
    broken = {
        url: f"{visit.status} (linked from {visit.found_on}"
        f"{'' if visit.final == url.split('?')[0] else f', ended on {visit.final}'})"
        for url, visit in results.items()
        if visit.status != 200 or visit.final == "/login/"
    }
    figures = _figure_problems(results)
    assert len(results) > 20  # the crawl really went through the product
    assert broken == {}
    assert figures["undefined"] == []  # every figure has a definition
    assert figures["unregistered"] == []  # ... by a registered glossary entry
    assert figures["unlinked"] == []  # ... that the page links to


def _pages_without_arguments() -> list[str]:
    """The view name of every route that takes no argument: each list, overview, form and
    settings page a login may be allowed to open."""
    names: list[str] = []

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                walk(
                    entry.url_patterns,
                    f"{namespace}:{entry.namespace}" if namespace and entry.namespace else inner,
                )
            elif entry.name:
                names.append(f"{namespace}:{entry.name}" if namespace else entry.name)

    walk(get_resolver().url_patterns, None)
    found = []
    for name in dict.fromkeys(names):
        try:
            path = reverse(name)
        except NoReverseMatch:
            continue  # it takes arguments: a record's page, reached from its list
        if not path.startswith(SKIPPED_PREFIXES + OUTSIDE_THE_PRODUCT):
            found.append(path)
    return found


def _get_form_actions(html: str) -> set[str]:
    actions = set()
    for form in re.findall(r"<form\b[^>]*>", html):
        method = re.search(r'method="(\w+)"', form)
        action = re.search(r'action="([^"]+)"', form)
        if action and (method is None or method.group(1).lower() == "get"):
            actions.add(urlsplit(action.group(1)).path)
    return actions


# Pages of the way in (signing in, its second step), not of the product behind it.
OUTSIDE_THE_PRODUCT = ("/login/",)


@pytest.mark.django_db
@pytest.mark.parametrize("login", LOGINS)
def test_every_page_a_login_may_open_is_reachable_from_the_navigation(demo_company, client, login):
    """Navigation by role (issue 16) offers each role what it uses; whatever else it may
    open must still be linked from a page the navigation leads to."""
    results = _crawl(client, login, "en")
    reached = {urlsplit(visit.final).path for visit in results.values() if visit.status == 200}
    reached |= {urlsplit(url).path for url, visit in results.items() if visit.status == 200}
    # The layout's search box is a form, not a link: what it leads to counts as reached.
    reached |= {path for visit in results.values() for path in _get_form_actions(visit.html)}
    unreached = []
    for path in _pages_without_arguments():
        if path in reached:
            continue
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            unreached.append(path)
    assert unreached == []
