"""The navigation shell. Each app registers its entries from its AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str  # a lazy translation
    icon: str  # a Bootstrap Icons name
    order: int = 100
    permission: str | None = None
    group: str = "main"


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in _ITEMS:
            _ITEMS.append(item)


def items_for(user) -> list[NavItem]:
    return [
        item
        for item in sorted(_ITEMS, key=lambda i: (i.order, str(i.label)))
        if item.permission is None or user.has_perm(item.permission)
    ]
