"""Numbers and amounts of money as a reader of the active language writes them.

English groups thousands with "," and writes "12,000 EUR"; Persian uses Persian digits, the
Arabic thousands separator (٬) and decimal separator (٫), and names the currency's unit in
Persian after the amount ("۱۲٬۰۰۰ ریال"). The ISO code is kept in English because three of
the currencies a deal can be booked in write their amounts with "$".
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

from hamsu.core import dates
from hamsu.core.money import CURRENCY_UNITS

PERSIAN_SEPARATORS = str.maketrans({",": "٬", ".": "٫"})


def format_number(value, places: int = 0, *, language: str | None = None) -> str:
    """A grouped number with ``places`` decimals, in Persian digits on a Persian page."""
    if value in (None, ""):
        return ""
    number = Decimal(value)
    text = intcomma(f"{number:.{int(places)}f}", use_l10n=False)
    if dates.uses_jalali(language):
        return dates.to_persian_digits(text.translate(PERSIAN_SEPARATORS))
    return text


def currency_unit(currency: str) -> str:
    """How an amount's currency is written after it: the code, or its Persian name."""
    unit = CURRENCY_UNITS.get(str(currency))
    return str(unit) if unit is not None else str(currency)


def format_money(value, currency: str, places: int = 0, *, language: str | None = None) -> str:
    """An amount with its currency ("12,000 EUR", "۱۲٬۰۰۰ یورو"); empty for no amount."""
    text = format_number(value, places, language=language)
    if not text:
        return ""
    if not currency:
        # Never reached from the pages (they pass the deal's currency or the company's);
        # kept so a caller that has no currency does not get one invented for it.
        return text
    return f"{text} {currency_unit(currency)}"
