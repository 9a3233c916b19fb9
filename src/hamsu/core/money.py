"""Money: amounts are Decimals with an ISO 4217 currency; totals use the company currency."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The currencies a company can book deals in. Kept explicit so an unknown code is a
# validation error rather than a silently mis-summed pipeline.
CURRENCIES: dict[str, str] = {
    "USD": _("US dollar"),
    "EUR": _("Euro"),
    "GBP": _("Pound sterling"),
    "IRR": _("Iranian rial"),
    "IRT": _("Iranian toman"),
    "AED": _("UAE dirham"),
    "TRY": _("Turkish lira"),
    "BRL": _("Brazilian real"),
    "CAD": _("Canadian dollar"),
    "AUD": _("Australian dollar"),
    "CHF": _("Swiss franc"),
    "JPY": _("Japanese yen"),
    "CNY": _("Chinese yuan"),
    "INR": _("Indian rupee"),
    "SAR": _("Saudi riyal"),
}
# How each currency is written after an amount (hamsu.core.numbers.format_money). English
# keeps the ISO code (USD, CAD and AUD all write "$"); Persian names the unit as a reader
# says it ("۱۲٬۰۰۰ ریال", "۵۰۰ یورو").
CURRENCY_UNITS: dict[str, str] = {
    "USD": pgettext_lazy("currency unit after an amount", "USD"),
    "EUR": pgettext_lazy("currency unit after an amount", "EUR"),
    "GBP": pgettext_lazy("currency unit after an amount", "GBP"),
    "IRR": pgettext_lazy("currency unit after an amount", "IRR"),
    "IRT": pgettext_lazy("currency unit after an amount", "IRT"),
    "AED": pgettext_lazy("currency unit after an amount", "AED"),
    "TRY": pgettext_lazy("currency unit after an amount", "TRY"),
    "BRL": pgettext_lazy("currency unit after an amount", "BRL"),
    "CAD": pgettext_lazy("currency unit after an amount", "CAD"),
    "AUD": pgettext_lazy("currency unit after an amount", "AUD"),
    "CHF": pgettext_lazy("currency unit after an amount", "CHF"),
    "JPY": pgettext_lazy("currency unit after an amount", "JPY"),
    "CNY": pgettext_lazy("currency unit after an amount", "CNY"),
    "INR": pgettext_lazy("currency unit after an amount", "INR"),
    "SAR": pgettext_lazy("currency unit after an amount", "SAR"),
}
# Formatted lazily: an f-string here would fix the names in the language active at import
# (English), and every currency list on a Persian page would read in English.
CURRENCY_CHOICES = [(code, format_lazy("{} — {}", code, name)) for code, name in CURRENCIES.items()]
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
