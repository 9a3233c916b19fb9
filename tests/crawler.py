"""A crawler over the product's pages, shared by the tests that hold every page to a rule.

It signs in as one person, starts from the home page and every navigation entry offered to
them, and follows every same-site link (``<a href>``) on the pages it reaches. Bounded so
it runs in CI on both databases: one representative URL per URL pattern (the first one
met). ``tests/test_every_page.py`` checks, from one crawl per login, that every link
answers 200 and that every figure on every page has a glossary definition the page links to.

Skipped, each for a reason:
- ``/logout/`` and ``/i18n/``: POST-only by design (a GET would be refused with 405);
- ``/admin/``: Django's own admin, for staff accounts the demo does not have;
- ``/static/`` and ``/api/``: files and the JSON API, not pages (the API has its own tests).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.urls import Resolver404, resolve

from hamsu.core import navigation

SKIPPED_PREFIXES = ("/logout/", "/i18n/", "/admin/", "/static/", "/api/")
# Query keys that only page through the same list.
VOLATILE = {"cursor"}


@dataclass(frozen=True)
class Visit:
    """One page the crawl asked for: what answered, where the link was, where it ended."""

    status: int
    found_on: str
    final: str  # the path the response came from, after redirects
    html: str  # the page's HTML when it answered 200 with a page, else ""


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


def crawl(client, user) -> dict[str, Visit]:
    """Visit every page reachable from home and the navigation, as ``client`` signed in as
    ``user``; {url: Visit}, in the order visited."""
    starts = ["/"] + [entry["url"] for entry in navigation.items_for(user)]
    queue = deque((url, "navigation") for url in starts)
    seen_patterns: set[str] = set()
    results: dict[str, Visit] = {}
    while queue:
        url, found_on = queue.popleft()
        pattern = pattern_of(url)
        if pattern in seen_patterns:
            continue
        seen_patterns.add(pattern)
        response = client.get(url, follow=True)
        final = response.request["PATH_INFO"]
        is_page = response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")
        html = response.content.decode() if is_page else ""
        results[url] = Visit(response.status_code, found_on, final, html)
        if is_page:
            queue.extend((link, url) for link in links_on(html, final))
    return results
