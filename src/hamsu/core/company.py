"""Access to the single CompanySettings row and currency conversion."""

from __future__ import annotations

from decimal import Decimal

from hamsu.core.errors import ValidationFailed
from hamsu.core.models import CompanySettings, CurrencyRate
from hamsu.core.money import CURRENCIES, quantize


def company_settings() -> CompanySettings:
    settings_row = CompanySettings.objects.order_by("pk").first()
    if settings_row is None:
        settings_row = CompanySettings.objects.create()
    return settings_row


def to_base_currency(amount: Decimal, currency: str, *, base: str | None = None) -> Decimal:
    """Convert with the stored rate; an unknown or unrated currency is refused, not guessed."""
    if currency not in CURRENCIES:
        raise ValidationFailed(
            f"Unknown currency {currency!r}", errors={"currency": [f"Unknown currency code {currency!r}."]}
        )
    base = base or company_settings().base_currency
    if currency == base:
        return quantize(amount)
    rate = CurrencyRate.objects.filter(currency=currency).values_list("rate_to_base", flat=True).first()
    if rate is None:
        raise ValidationFailed(
            f"No exchange rate for {currency}",
            errors={"currency": [f"No exchange rate from {currency} to {base} is set; add one in Settings."]},
        )
    return quantize(amount * rate)
