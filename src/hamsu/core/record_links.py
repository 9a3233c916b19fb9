"""Links from a CRM record to what the other apps know about it (the "Related" card).

The CRM must not import the apps built on top of it (they depend on crm, not the
reverse), so each app registers providers from its AppConfig.ready(), as it does for
navigation entries; the opportunity and account pages ask ``links_for`` and render what
comes back.

A provider is skipped without a query when the user lacks its permission, and returns
no link when its target does not exist (no lead, no plan, no feedback yet). Each one
declares how many queries it may run (``max_queries``) so the record pages stay at a
fixed, small number of queries whatever the data; a test holds every provider to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.urls import NoReverseMatch

logger = logging.getLogger(__name__)

OPPORTUNITY = "opportunity"
ACCOUNT = "account"
KINDS = (OPPORTUNITY, ACCOUNT)


@dataclass(frozen=True)
class RecordLink:
    label: str  # translated
    url: str
    icon: str = "link-45deg"  # a Bootstrap Icons name
    count: int | None = None  # shown as a badge when set
    count_capped: bool = False  # the count stopped at a bound: shown as "N+"
    hint: str = ""  # one line under the label, translated
    key: str = ""  # the provider's key, for tests and data-testid
    term: str = ""  # the glossary key of the figure the count shows (every count has one)


@dataclass(frozen=True)
class LinkProvider:
    key: str  # unique, "<app>.<what>"
    kind: str  # OPPORTUNITY or ACCOUNT
    links: Callable[..., Iterable[RecordLink]]  # (record, user) -> links
    permission: str | tuple[str, ...] | None = None  # every one is required
    order: int = 100
    max_queries: int = 0

    def allowed(self, user) -> bool:
        if self.permission is None:
            return True
        needed = (self.permission,) if isinstance(self.permission, str) else self.permission
        return user.has_perms(needed)


_PROVIDERS: dict[str, LinkProvider] = {}


def register(*providers: LinkProvider) -> None:
    """Add providers; registering a key again replaces it (ready() may run twice in tests)."""
    for provider in providers:
        if provider.kind not in KINDS:
            raise ValueError(f"Unknown record kind {provider.kind!r} for {provider.key}")
        _PROVIDERS[provider.key] = provider


def providers_for(kind: str) -> list[LinkProvider]:
    return sorted((p for p in _PROVIDERS.values() if p.kind == kind), key=lambda p: (p.order, p.key))


def links_for(kind: str, record, user) -> list[RecordLink]:
    """The links ``user`` may follow from ``record``, in the providers' order.

    A provider whose route does not exist is left out (and logged) rather than breaking
    the record page.
    """
    links: list[RecordLink] = []
    for provider in providers_for(kind):
        if not provider.allowed(user):
            continue
        try:
            found = list(provider.links(record, user))
        except NoReverseMatch:
            logger.error("Record link %s has no route", provider.key)
            continue
        links.extend(link if link.key else replace(link, key=provider.key) for link in found)
    return links
