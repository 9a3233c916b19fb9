"""Find every figure on a page and the glossary entry it is defined by.

The markup convention every template follows (see ``docs/glossary.md``):

- **A figure** is an element with the class ``num`` (a number in a table cell, a card's
  value, a count beside a title), a chart container (``data-chart``), or any element
  carrying ``data-figure``.
- **Its definition** is found, first match wins:
  1. ``data-figure="<glossary key>"`` on the element or its nearest ancestor that has one
     (a chart drawing two figures names both keys, separated by a space);
  2. in a table body or foot, the explain link (``{% explain %}``) in its column's header
     (the lowest header row, colspans and rowspans counted), else in its row's header
     (a ``<th>`` starting the row);
  3. in a definition list, the explain link in the ``<dt>`` before its ``<dd>``;
  4. inside a card (``.card``), the card's one explain link.
  More than one key where exactly one is expected (a card with two explain links, a
  header with two) is ambiguous: give the figure its own ``data-figure``.
- **Not a figure**: a value stored on one record and shown as entered (a deal's amount,
  a target someone typed, a date) — the element, or its column's header, carries
  ``data-record``; and anything inside a form control.

A number that is not marked at all is caught too: a text node that is only a number, a
percentage or an amount of money (``12``, ``1,250``, ``45.0%``, ``9,800 USD``) and sits
outside every figure and every ``data-record`` element is reported as unmarked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, NavigableString, Tag

# A bare figure as the number filters print it (hamsu.core.templatetags.hamsu: num,
# money, pct), optionally signed, optionally followed by a currency code.
BARE_NUMBER = re.compile(r"^[-−+]?\d[\d,]*(\.\d+)?\s*(%|[A-Z]{3})?$")
# {id(thead): (thead, grid)}: the tag is kept so an id reused by another parse never matches.
_GRIDS: dict[int, tuple[Tag, list[list[Tag]]]] = {}
SKIPPED_TAGS = {"script", "style", "option", "select", "textarea", "input", "button", "template"}


@dataclass(frozen=True)
class Figure:
    """One figure on a page: where it is, what it shows and the glossary key defining it."""

    where: str  # a short description of the element, for the failure message
    text: str
    keys: tuple[str, ...]  # empty when no definition was found
    problem: str = ""  # why no key was found (ambiguous, unmarked)


def _describe(tag: Tag) -> str:
    attrs = []
    for name in ("data-testid", "id", "data-chart", "data-figure"):
        if tag.get(name):
            attrs.append(f'{name}="{tag.get(name)}"')
    text = " ".join(tag.get_text(" ", strip=True).split())[:40]
    return f"<{tag.name} {' '.join(attrs)}> {text!r}".replace("  ", " ")


def _explained(tag: Tag) -> list[str]:
    """Distinct glossary keys of the explain links inside ``tag``, in order."""
    keys: list[str] = []
    for link in tag.find_all(attrs={"data-glossary": True}):
        if link["data-glossary"] not in keys:
            keys.append(link["data-glossary"])
    return keys


def _is_record(tag: Tag) -> bool:
    return tag.has_attr("data-record") or tag.find_parent(attrs={"data-record": True}) is not None


def _header_grid(head: Tag) -> list[list[Tag]]:
    """The header rows as a grid of cells, a cell repeated under its colspan and rowspan
    (worked out once per table: a long table asks for it once per cell)."""
    cached = _GRIDS.get(id(head))
    if cached is not None and cached[0] is head:
        return cached[1]
    grid: list[list[Tag]] = []
    for r, row in enumerate(head.find_all("tr")):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for header in row.find_all(["td", "th"], recursive=False):
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            for dr in range(int(header.get("rowspan", 1))):
                while len(grid) <= r + dr:
                    grid.append([])
                line = grid[r + dr]
                for dc in range(int(header.get("colspan", 1))):
                    while len(line) <= c + dc:
                        line.append(None)
                    line[c + dc] = header
            c += int(header.get("colspan", 1))
    _GRIDS[id(head)] = (head, grid)
    return grid


def _column_header(cell: Tag) -> Tag | None:
    """The lowest header cell above a body cell (colspans and rowspans counted), or None
    outside a table body."""
    row = cell.find_parent("tr")
    table = cell.find_parent("table")
    if row is None or table is None or row.find_parent("thead") is not None:
        return None
    column = 0
    for sibling in row.find_all(["td", "th"], recursive=False):
        if sibling is cell:
            break
        column += int(sibling.get("colspan", 1))
    head = table.find("thead")
    if head is None:
        return None
    grid = _header_grid(head)
    if not grid or column >= len(grid[-1]):
        return None
    return grid[-1][column]


def _row_header(cell: Tag) -> Tag | None:
    """The cell that names a body row (its first cell, when that is not a figure), or None."""
    row = cell.find_parent("tr")
    if row is None:
        return None
    first = row.find(["td", "th"], recursive=False)
    if first is None or first is cell or _is_figure(first):
        return None
    return first


def _in_record_column(tag: Tag) -> bool:
    """Whether ``tag`` sits in a table column, or beside a ``<dt>``, marked ``data-record``."""
    cell = tag if tag.name in ("td", "th") else tag.find_parent(["td", "th"])
    header = _column_header(cell) if cell is not None else None
    if header is not None and _is_record(header):
        return True
    term = _term_of(tag)
    return term is not None and _is_record(term)


def _definition(tag: Tag) -> tuple[str | None, str]:
    """(key, problem) for one figure element, by the convention above."""
    marked = tag if tag.has_attr("data-figure") else tag.find_parent(attrs={"data-figure": True})
    if marked is not None:
        return marked["data-figure"], ""  # a chart of two figures lists both keys
    cell = tag if tag.name in ("td", "th") else tag.find_parent(["td", "th"])
    if cell is not None:
        for header, what in ((_column_header(cell), "column header"), (_row_header(cell), "row header")):
            keys = _explained(header) if header is not None else []
            if len(keys) == 1:
                return keys[0], ""
            if keys:
                return None, f"its {what} explains {len(keys)} figures {keys}; mark it with data-figure"
        return None, "neither its column header nor its row header has an explain link"
    if tag.name == "dd" or tag.find_parent("dd") is not None:
        item = tag if tag.name == "dd" else tag.find_parent("dd")
        term = item.find_previous_sibling("dt")
        keys = _explained(term) if term is not None else []
        if len(keys) == 1:
            return keys[0], ""
        return None, f"its term (<dt>) explains {len(keys)} figures; it needs exactly one"
    card = tag.find_parent(class_="card")
    if card is not None:
        keys = _explained(card)
        if len(keys) == 1:
            return keys[0], ""
        if keys:
            return None, f"its card explains {len(keys)} figures {keys}; mark it with data-figure"
        return None, "its card has no explain link"
    return None, "not in a card or table column that explains it, and no data-figure"


def _term_of(tag: Tag) -> Tag | None:
    item = tag if tag.name == "dd" else tag.find_parent("dd")
    return item.find_previous_sibling("dt") if item is not None else None


def _is_figure(tag: Tag) -> bool:
    return "num" in (tag.get("class") or []) or tag.has_attr("data-chart") or tag.has_attr("data-figure")


def read_page(html: str) -> tuple[list[Figure], set[str]]:
    """(every figure on the page, the glossary keys the page links to), from one parse."""
    soup = BeautifulSoup(html, "html.parser")
    try:
        return _figures_in(soup), set(_explained(soup))
    finally:
        _GRIDS.clear()


def figures_on(html: str) -> list[Figure]:
    """Every figure on the page (outermost figure elements only), with its definition, and
    every bare number that sits outside the convention."""
    return read_page(html)[0]


def _figures_in(soup: BeautifulSoup) -> list[Figure]:
    body = soup.find("main") or soup.body or soup
    found: list[Figure] = []
    for tag in body.find_all(_is_figure):
        if _is_record(tag) or tag.find_parent(_is_figure) is not None:
            continue
        if tag.name in ("th",) or tag.find_parent("thead") is not None:
            continue  # a header cell classed num (right-aligned) names the column, it shows no figure
        text = " ".join(tag.get_text(" ", strip=True).split())
        if not text and not tag.has_attr("data-chart") and not tag.has_attr("data-figure"):
            continue  # an empty cell shows nothing
        if text in ("—", "-"):
            continue  # nothing to show for this row
        if _in_record_column(tag):
            continue
        key, problem = _definition(tag)
        found.append(Figure(_describe(tag), text, tuple(key.split()) if key else (), problem))
    for string in body.find_all(string=True):
        if not isinstance(string, NavigableString) or string.parent.name in SKIPPED_TAGS:
            continue
        text = string.strip()
        if not text or not BARE_NUMBER.match(text):
            continue
        parent = string.parent
        if _is_figure(parent) or parent.find_parent(_is_figure) is not None or _is_record(parent):
            continue
        if _in_record_column(parent):
            continue
        if parent.find_parent(SKIPPED_TAGS) is not None:
            continue
        found.append(Figure(_describe(parent), text, (), "a bare number outside any figure element"))
    return found


def explained_on(html: str) -> set[str]:
    """The glossary keys a page links to."""
    soup = BeautifulSoup(html, "html.parser")
    return set(_explained(soup))
