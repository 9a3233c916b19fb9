"""Template filters of the alignment pages."""

from __future__ import annotations

from django import template

from hamsu.core import dates

register = template.Library()


@register.filter
def localdigits(value) -> str:
    """Text with its digits in the page's script (Persian digits on Persian pages)."""
    text = "" if value is None else str(value)
    return dates.to_persian_digits(text) if dates.uses_jalali() else text


@register.filter
def signed(value, places: int = 1) -> str:
    """A signed number (+1.2 / −0.4) in the page's digits, for gaps."""
    if value is None:
        return "—"
    number = float(value)
    text = f"{abs(number):.{int(places)}f}"
    sign = "+" if number > 0 else "−" if number < 0 else ""
    return localdigits(sign + text)
