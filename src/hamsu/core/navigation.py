"""The navigation shell. Each app registers its entries from its AppConfig.ready()."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str  # a lazy translation
    icon: str  # a Bootstrap Icons name
    order: int = 100
    permission: str | None = None
    group: str = "main"
    # A count shown beside the label (unread notifications …): called with the user only
    # when the template renders it, so a page pays one query for it, not one per entry.
    badge: Callable[[object], int] | None = None


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)


def items_for(user) -> list[dict]:
    """The entries ``user`` may open, with their URLs resolved.

    An entry whose route does not exist is left out (and logged) rather than breaking
    every page of the product.
    """
    entries = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.label))):
        if item.permission is not None and not user.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            logger.error("Navigation entry %s has no route", item.url_name)
            continue
        entries.append(
            {
                "url": url,
                "url_name": item.url_name,
                "label": item.label,
                "icon": item.icon,
                "badge": partial(item.badge, user) if item.badge else None,
            }
        )
    return entries
