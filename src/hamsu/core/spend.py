"""Money spent by sales and marketing: one figure wherever a page shows it.

Two ledgers record spend, each for its own kind of cost, and no cost belongs in both:
- campaign spend, on the campaign it bought (``campaigns.CostLine``): media, events,
  content, partner programmes — what a campaign's ROI divides by;
- the cost ledger (``scorecard.CostEntry``): everything that is no campaign's —
  salaries, tools, travel, research, market entry, and every sales cost.

"Marketing spend" is campaign spend plus the ledger's marketing costs, and every page
that shows it (the closed loop, the scorecard's cost per MQL, CAC, cost of sales) asks
this module, so the figure is the same on every page. The ledgers live in apps above
core, so they register here from their ``AppConfig.ready()``, like navigation entries.

A cost counts in a period when the day it is booked on falls inside it: a cost line's
``period_start``, a ledger entry's ``month`` (the first day of its fiscal month).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise

MARKETING = "marketing"
SALES = "sales"
FUNCTIONS = (MARKETING, SALES)


@dataclass(frozen=True)
class Ledger:
    """One place spend is recorded.

    ``total(start, end, function)`` sums the base-currency amounts booked on a day in
    ``[start, end]`` (either bound None: open) for ``function`` (None: every function),
    or returns None when the ledger has no row at all in the period.
    """

    key: str
    label: Promise
    functions: tuple[str, ...]
    total: Callable[[datetime.date | None, datetime.date | None, str | None], Decimal | None]
    order: int = 100


_LEDGERS: dict[str, Ledger] = {}


def register(*ledgers: Ledger) -> None:
    """Add ledgers; registering a key again replaces it (ready() may run twice in tests)."""
    for ledger in ledgers:
        _LEDGERS[ledger.key] = ledger


def ledgers() -> list[Ledger]:
    return sorted(_LEDGERS.values(), key=lambda ledger: (ledger.order, ledger.key))


def breakdown(
    *, start: datetime.date | None, end: datetime.date | None, function: str | None = None
) -> dict[str, Decimal | None]:
    """Each ledger's spend in the period (None: the ledger recorded nothing then)."""
    if function is not None and function not in FUNCTIONS:
        raise ValueError(f"Unknown function {function!r}")
    return {
        ledger.key: ledger.total(start, end, function)
        for ledger in ledgers()
        if function is None or function in ledger.functions
    }


def total(
    *, start: datetime.date | None, end: datetime.date | None, function: str | None = None
) -> Decimal | None:
    """Spend in the period from every ledger; None when none recorded anything (not
    measured, which is not the same as zero)."""
    parts = [
        amount for amount in breakdown(start=start, end=end, function=function).values() if amount is not None
    ]
    if not parts:
        return None
    return sum(parts, Decimal("0"))
