"""Every figure on every page has one definition in the glossary, and the page links to it.

A figure nobody defined is a figure two people read two ways; issue 13 made the glossary
and its "How is this computed?" links the contract. This test makes a missing definition
impossible to ship: it crawls every page an administrator and a sales rep can reach on the
tiny demo company (the crawler of ``tests/test_links.py``, once per person for the whole
module), finds every figure by the markup convention of ``tests/figures.py`` (``.num``,
``data-chart``, ``data-figure``; a bare number outside them is reported too) and holds
each one to a registered glossary entry that the same page links to.

A new template that shows a number must either explain it (``{% explain %}`` in its card,
column header, row header or ``<dt>``, or ``data-figure`` on it) or say it is a value
stored on one record (``data-record``). docs/glossary.md describes the convention.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone

from hamsu.core import glossary
from hamsu.demo import generator
from tests.crawler import crawl
from tests.figures import explained_on, figures_on

NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))
# The widest view and the narrowest: an administrator sees every page, a rep their own.
LOGINS = ("admin", "rep")


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """{(login, url): html} of every page the two people reach, crawled once for the module
    on the tiny demo company (rolled back afterwards)."""
    found: dict[tuple[str, str], str] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(scale="tiny", seed=11, now=NOW, progress=lambda *_: None)
        for login in LOGINS:
            user = get_user_model().objects.get(username=login)
            client = Client()
            client.force_login(user)
            client.cookies["django_language"] = "en"
            for url, visit in crawl(client, user).items():
                if visit.html:
                    found[(login, url)] = visit.html
        transaction.set_rollback(True)
    return found


@pytest.fixture(scope="module")
def figures(pages):
    """[(login, url, Figure, keys the page links to)] for every figure found."""
    return [
        (login, url, figure, explained_on(html))
        for (login, url), html in pages.items()
        for figure in figures_on(html)
    ]


def _where(login, url, figure) -> str:
    return f"{login} {url} {figure.where} {figure.text[:40]!r}"


def test_the_crawl_went_through_the_product(pages, figures):
    assert len(pages) > 150
    assert len(figures) > 1000


def test_every_figure_has_a_definition(figures):
    undefined = sorted(
        f"{_where(login, url, figure)}: {figure.problem}"
        for login, url, figure, _links in figures
        if not figure.keys
    )
    assert undefined == []


def test_every_figure_is_defined_by_a_registered_glossary_entry(figures):
    registered = {term.key for term in glossary.all_terms()}
    unknown = sorted(
        f"{_where(login, url, figure)}: {key}"
        for login, url, figure, _links in figures
        for key in figure.keys
        if key not in registered
    )
    assert unknown == []


def test_every_page_links_to_the_entry_of_each_figure_it_shows(figures):
    unlinked = sorted(
        f"{_where(login, url, figure)}: {key}"
        for login, url, figure, links in figures
        for key in figure.keys
        if key not in links
    )
    assert unlinked == []
