"""Every link on every page answers 200 for the role it is shown to.

A crawler signs in as each of the demo company's logins, starts from the home page and
every navigation entry it is offered, and follows every same-site link (``<a href>``) on
the pages it reaches. A link that answers 403, 404 or 500 to the person it was shown to is
a broken promise, wherever it is (the next-moves page once linked the CRO to a settings
page that refused them, and a rules-of-engagement move to nowhere).

Bounded so it runs in CI on both databases: one representative URL per URL pattern per
login (the first one met), on the tiny demo company, generated once for the module.
Skipped, each for a reason:
- ``/logout/`` and ``/i18n/``: POST-only by design (a GET would be refused with 405);
- ``/admin/``: Django's own admin, for staff accounts the demo does not have;
- ``/static/`` and ``/api/``: files and the JSON API, not pages (the API has its own tests).
A redirect passes when it ends on a page that answers 200 and is not the login page.
"""

from __future__ import annotations

import datetime
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from hamsu.core import navigation
from hamsu.demo import generator

SKIPPED_PREFIXES = ("/logout/", "/i18n/", "/admin/", "/static/", "/api/")
# Query keys that only page through the same list.
VOLATILE = {"cursor"}
LOGINS = [login for login, _role in generator.DEMO_LOGINS]
NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 0))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_on(html: str, page: str) -> list[str]:
    """Same-site paths (with their query) linked from ``html``, served at ``page``."""
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        if href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(urljoin(f"http://testserver{page}", href))
        if parts.netloc != "testserver" or parts.path.startswith(SKIPPED_PREFIXES):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def pattern_of(url: str) -> str:
    """What makes two links the same for the crawl: the route (links to two deals are one
    pattern) and which query keys it sets (two sorts or two periods of one list are one)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return parts.path  # checked once, and reported as a 404
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)} - VOLATILE)
    return f"{match.route}|{match.view_name}|{','.join(keys)}"


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    """The tiny demo company, generated once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(scale="tiny", seed=11, now=NOW, progress=lambda *_: None)
        yield
        transaction.set_rollback(True)


def crawl(client, user) -> dict[str, tuple[int, str, str]]:
    """Visit every page reachable from home and the navigation; {url: (status, where, final)}."""
    starts = ["/"] + [entry["url"] for entry in navigation.items_for(user)]
    queue = deque((url, "navigation") for url in starts)
    seen_patterns: set[str] = set()
    results: dict[str, tuple[int, str, str]] = {}
    while queue:
        url, found_on = queue.popleft()
        pattern = pattern_of(url)
        if pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        response = client.get(url, follow=True)
        final = response.request["PATH_INFO"]
        results[url] = (response.status_code, found_on, final)
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            html = response.content.decode()
            queue.extend((link, url) for link in links_on(html, final))
    return results


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("login", "language"), [(login, "en") for login in LOGINS] + [("cro", "fa")], ids=lambda v: v
)
def test_every_link_answers_200_for_the_role_it_is_shown_to(demo_company, client, login, language):
    user = get_user_model().objects.get(username=login)
    client.force_login(user)
    client.cookies["django_language"] = language
    results = crawl(client, user)
    broken = {
        url: f"{status} (linked from {where}{'' if final == url.split('?')[0] else f', ended on {final}'})"
        for url, (status, where, final) in results.items()
        if status != 200 or final == "/login/"
    }
    assert len(results) > 20  # the crawl really went through the product
    assert broken == {}
