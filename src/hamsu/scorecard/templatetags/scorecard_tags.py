"""Formatting of scorecard figures (by unit) in the active language's digits."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from hamsu.core.templatetags.hamsu import money, num, pct

register = template.Library()


@register.filter
def cell(value):
    """A table cell: numbers grouped (two decimals when small and fractional), None as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return num(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value))
        if abs(number) < 10 and number != number.to_integral_value():
            return num(number, 2)
        return num(number)
    return value


@register.filter
def metric_value(value, unit: str):
    if value is None:
        return "—"
    if unit == "ratio":
        return pct(value, 1)
    if unit == "days":
        return num(value, 1)
    if unit == "multiple":
        return f"{num(value, 2)}×"
    if unit == "money":
        # In the company currency, like every total (and saying so).
        return money(value)
    return num(value)


@register.filter
def cell_as(value, unit: str):
    """A table cell shown in its column's unit (ratios as percentages)."""
    if value is None or value == "":
        return "—"
    if unit in ("ratio", "days", "multiple", "money"):
        return metric_value(value, unit)
    return cell(value)
