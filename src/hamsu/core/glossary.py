"""The glossary: one written definition of every figure Hamsu shows.

Sales and marketing only stop arguing about numbers when both can read how each one is
computed. Every card, table header and chart that shows a figure links to its entry here
("How is this computed?"), the entries are listed on the glossary page in both languages,
and ``docs/metrics.md`` is generated from the same entries (a test keeps it in step).
Each figure's entry is also the contract its reconciliation test (``tests/reconcile/``)
recomputes independently from the raw rows.

The glossary is a registry, like navigation and record links: each app registers its
own terms from its AppConfig.ready(), with lazily translated texts, so core imports no
app above it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# The filters a page can offer; a term names those that change what it counts.
FILTERS: dict[str, Promise] = {
    "period": _("Period"),
    "team": _("Team"),
    "segment": _("Segment"),
    "product": _("Product"),
    "seller": _("Seller"),
    "campaign": _("Campaign"),
    "channel": _("Channel"),
    "source": _("Source"),
    "function": _("Function"),
    "owner": _("Owner"),
    "state": _("State"),
    "round": _("Diagnostic round"),
    "model": _("Attribution model"),
    "lookback": _("Attribution lookback"),
}


@dataclass(frozen=True)
class Section:
    key: str
    title: Promise
    order: int = 100


@dataclass(frozen=True)
class Term:
    """One figure: what it means, how it is computed, what it counts and what narrows it."""

    key: str  # "<section>.<figure>", also the anchor on the glossary page
    section: str  # a registered Section's key
    name: Promise
    definition: Promise
    formula: Promise
    counts: Promise  # which records it counts
    filters: tuple[str, ...] = ()  # keys of FILTERS that apply
    # A ratio that is a share of one cohort stays in [0, 1]; the reconciliation tests
    # hold every term marked so to it.
    bounded: bool = False
    order: int = 100

    def __post_init__(self) -> None:
        unknown = [f for f in self.filters if f not in FILTERS]
        if unknown:
            raise ValueError(f"Glossary term {self.key} names unknown filters {unknown}")
        if "." not in self.key:
            raise ValueError(f"Glossary key {self.key!r} must read '<section>.<figure>'")

    @property
    def anchor(self) -> str:
        return self.key.replace(".", "-")

    def filter_labels(self) -> list[Promise]:
        return [FILTERS[f] for f in self.filters]


def section_terms(section: str, **shared) -> Callable[..., Term]:
    """A maker of the terms of one section that share some fields (what they count, the
    filters that narrow them), so that each entry says only what is its own:

        closed_loop = section_terms("closed_loop", counts=DEALS, filters=("period",))
        closed_loop("pipeline_count", name=…, definition=…, formula=…, order=10)

    is ``Term(key="closed_loop.pipeline_count", section="closed_loop", counts=DEALS,
    filters=("period",), …)``; a field given to the entry overrides the shared one."""

    def make(figure: str, **own) -> Term:
        return Term(key=f"{section}.{figure}", section=section, **(shared | own))

    return make


_SECTIONS: dict[str, Section] = {}
_TERMS: dict[str, Term] = {}


def register_section(*sections: Section) -> None:
    for section in sections:
        _SECTIONS[section.key] = section


def register(*terms: Term) -> None:
    """Add terms; registering a key again replaces it (ready() may run twice in tests)."""
    for term in terms:
        if term.section not in _SECTIONS:
            raise ValueError(f"Glossary term {term.key} is in unregistered section {term.section!r}")
        _TERMS[term.key] = term


def term(key: str) -> Term:
    """The registered term; a KeyError names a figure nobody has defined."""
    return _TERMS[key]


def find(key: str) -> Term | None:
    found = _TERMS.get(key)
    if found is None:
        logger.error("A page links to glossary term %r, which is not registered", key)
    return found


def all_terms() -> list[Term]:
    return sorted(_TERMS.values(), key=lambda t: (_SECTIONS[t.section].order, t.section, t.order, t.key))


def sections() -> list[tuple[Section, list[Term]]]:
    """Every section with its terms, in reading order; a section with no term is left out."""
    grouped: dict[str, list[Term]] = {}
    for item in all_terms():
        grouped.setdefault(item.section, []).append(item)
    return [(_SECTIONS[key], terms) for key, terms in grouped.items()]


def as_markdown() -> str:
    """The glossary as the Markdown of ``docs/metrics.md`` (in the active language)."""
    from django.utils.translation import gettext

    lines = [
        "# " + gettext("Glossary of figures"),
        "",
        gettext(
            "Every figure Hamsu shows on a page or through the API, with its one definition. "
            "Generated by `hamsu glossary --markdown` from the entries the product shows on its "
            "glossary page; each figure has a reconciliation test in tests/reconcile/ that "
            "recomputes it from the raw records."
        ),
        "",
    ]
    for section, terms in sections():
        lines += [f"## {section.title}", ""]
        for item in terms:
            lines += [f"### {item.name}", "", f'<a id="{item.anchor}"></a>`{item.key}`', ""]
            lines += [str(item.definition), ""]
            lines += [f"- **{gettext('Formula')}:** {item.formula}"]
            lines += [f"- **{gettext('Counts')}:** {item.counts}"]
            filters = ", ".join(str(label) for label in item.filter_labels()) or gettext("none")
            lines += [f"- **{gettext('Filters')}:** {filters}"]
            if item.bounded:
                lines += [f"- **{gettext('Range')}:** {gettext('between 0 and 1 (0% and 100%)')}"]
            lines += [""]
    return "\n".join(lines).rstrip() + "\n"
