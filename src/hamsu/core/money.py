"""Money: amounts are Decimals with an ISO 4217 currency; totals use the company currency."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

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
# Formatted lazily: an f-string here would fix the names in the language active at import
# (English), and every currency list on a Persian page would read in English.
CURRENCY_CHOICES = [(code, format_lazy("{} — {}", code, name)) for code, name in CURRENCIES.items()]
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


def quantize(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
