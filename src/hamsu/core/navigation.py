"""The navigation shell. Each app registers its entries from its AppConfig.ready().

Entries are grouped into a few sections (Sell, Market, Together, Numbers, Settings), each
a menu in the layout. A role sees its own work first: the sections come in the order its
role uses them (a rep starts with Sell, a marketer with Market, the heads and the CRO with
Numbers). An entry may be meant for some roles only (``roles``): the others who may open
it are not offered it in the bar, and find it on the page it belongs under (``parent``),
so nothing a role may open becomes unreachable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

from hamsu.core import roles

logger = logging.getLogger(__name__)

SELL = "sell"
MARKET = "market"
TOGETHER = "together"
NUMBERS = "numbers"
SETTINGS = "settings"

# The menus' names, in a context of their own: "Together" and "Settings" name other
# things elsewhere, translated otherwise.
SECTION_LABELS = {
    SELL: pgettext_lazy("navigation section", "Sell"),
    MARKET: pgettext_lazy("navigation section", "Market"),
    TOGETHER: pgettext_lazy("navigation section", "Together"),
    NUMBERS: pgettext_lazy("navigation section", "Numbers"),
    SETTINGS: pgettext_lazy("navigation section", "Settings"),
}

# The order of the sections for each role: what the role works in first.
_SALES_FIRST = (SELL, TOGETHER, NUMBERS, MARKET, SETTINGS)
_MARKETING_FIRST = (MARKET, TOGETHER, NUMBERS, SELL, SETTINGS)
SECTION_ORDER: dict[str, tuple[str, ...]] = {
    roles.REVENUE_LEADER: (NUMBERS, SELL, MARKET, TOGETHER, SETTINGS),
    roles.HEAD_OF_SALES: (NUMBERS, SELL, MARKET, TOGETHER, SETTINGS),
    roles.HEAD_OF_MARKETING: (NUMBERS, MARKET, SELL, TOGETHER, SETTINGS),
    roles.ADMINISTRATOR: (SETTINGS, NUMBERS, SELL, MARKET, TOGETHER),
    roles.SALES_MANAGER: _SALES_FIRST,
    roles.SALES_REP: _SALES_FIRST,
    roles.LIAISON: _MARKETING_FIRST,
    roles.UPSTREAM_MARKETER: _MARKETING_FIRST,
    roles.DOWNSTREAM_MARKETER: _MARKETING_FIRST,
}
# A login holding several roles gets the order of the one that answers for most.
_PRECEDENCE = (
    roles.REVENUE_LEADER,
    roles.HEAD_OF_SALES,
    roles.HEAD_OF_MARKETING,
    roles.ADMINISTRATOR,
    roles.SALES_MANAGER,
    roles.LIAISON,
    roles.DOWNSTREAM_MARKETER,
    roles.UPSTREAM_MARKETER,
    roles.SALES_REP,
)
_DEFAULT_ORDER = (SELL, MARKET, TOGETHER, NUMBERS, SETTINGS)


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str  # a lazy translation
    icon: str  # a Bootstrap Icons name
    order: int = 100
    permission: str | None = None
    # The menu it sits in (one of SECTION_LABELS); None puts it on the bar itself, beside
    # the search box (the notifications bell, which everyone needs in sight).
    section: str | None = None
    # The roles that use it; None is everyone allowed to open it. Whoever else may open it
    # reaches it from ``parent``, the page it belongs under (which links to it).
    roles: frozenset[str] | None = None
    parent: str | None = None
    # A count shown beside the label (unread notifications …): called with the user only
    # when the template renders it, so a page pays one query for it, not one per entry.
    badge: Callable[[object], int] | None = None

    def __post_init__(self) -> None:
        if self.section is not None and self.section not in SECTION_LABELS:
            raise ValueError(f"Navigation entry {self.url_name}: unknown section {self.section!r}")
        if self.roles is not None and self.parent is None:
            # Hidden from some who may open it, it would be reachable by typing its URL only.
            raise ValueError(f"Navigation entry {self.url_name} is for some roles only: name its parent page")


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)


def section_order(user) -> tuple[str, ...]:
    held = roles.roles_of(user)
    for role in _PRECEDENCE:
        if role in held:
            return SECTION_ORDER[role]
    return _DEFAULT_ORDER


def _offered(item: NavItem, user, held: set[str]) -> bool:
    if item.permission is not None and not user.has_perm(item.permission):
        return False
    return item.roles is None or bool(item.roles & held)


def _entry(item: NavItem, user, current: str | None) -> dict | None:
    try:
        url = reverse(item.url_name)
    except NoReverseMatch:
        logger.error("Navigation entry %s has no route", item.url_name)
        return None
    return {
        "url": url,
        "url_name": item.url_name,
        "label": item.label,
        "icon": item.icon,
        "section": item.section,
        "current": item.url_name == current,
        "badge": partial(item.badge, user) if item.badge else None,
    }


def sections_for(user, *, current: str | None = None) -> list[dict]:
    """The menus ``user`` is offered, in the order of their role: each a dict with the
    section's ``key``, ``label``, ``items`` (entries as ``items_for`` gives them) and
    whether it holds the ``current`` page (a view name). Sections with nothing for the
    user are left out."""
    held = roles.roles_of(user)
    by_section: dict[str, list[dict]] = {}
    for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.label))):
        if item.section is None or not _offered(item, user, held):
            continue
        entry = _entry(item, user, current)
        if entry is not None:
            by_section.setdefault(item.section, []).append(entry)
    return [
        {
            "key": key,
            "label": SECTION_LABELS[key],
            "items": by_section[key],
            "current": any(entry["current"] for entry in by_section[key]),
        }
        for key in section_order(user)
        if key in by_section
    ]


def bar_items_for(user, *, current: str | None = None) -> list[dict]:
    """The entries that sit on the bar itself, outside the menus (the bell)."""
    held = roles.roles_of(user)
    entries = []
    for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.label))):
        if item.section is None and _offered(item, user, held):
            entry = _entry(item, user, current)
            if entry is not None:
                entries.append(entry)
    return entries


def items_for(user) -> list[dict]:
    """Every entry ``user`` is offered, menus first in their order, then the bar's.

    An entry whose route does not exist is left out (and logged) rather than breaking
    every page of the product.
    """
    return [entry for section in sections_for(user) for entry in section["items"]] + bar_items_for(user)


def parent_of(url_name: str) -> str | None:
    """The page an entry belongs under, for entries meant for some roles only."""
    for item in _ITEMS:
        if item.url_name == url_name:
            return item.parent
    return None
