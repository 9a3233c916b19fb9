"""Access to the single CompanySettings row and currency conversion."""

from __future__ import annotations

import threading
from decimal import Decimal

from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed
from hamsu.core.models import CompanySettings, CurrencyRate
from hamsu.core.money import CURRENCIES, quantize

# The company currency, read at most once per request: every amount on a page names it
# (hamsu.core.numbers), and a page shows dozens. Forgotten when a request starts and when
# the settings are saved (CoreConfig.ready), so a change shows on the next page.
_remembered = threading.local()


def company_settings() -> CompanySettings:
    settings_row = CompanySettings.objects.order_by("pk").first()
    if settings_row is None:
        settings_row = CompanySettings.objects.create()
    # A page that reads the settings anyway has read the company currency too.
    _remembered.currency = settings_row.base_currency
    return settings_row


def company_currency() -> str:
    """The company's base currency: the currency of every total and converted amount."""
    code = getattr(_remembered, "currency", None)
    if code is None:
        code = company_settings().base_currency
        _remembered.currency = code
    return code


def forget_company_currency(**_signal) -> None:
    _remembered.currency = None


def to_base_currency(amount: Decimal, currency: str, *, base: str | None = None) -> Decimal:
    """Convert with the stored rate; an unknown or unrated currency is refused, not guessed."""
    if currency not in CURRENCIES:
        raise ValidationFailed(
            _("Unknown currency %(code)s.") % {"code": currency},
            errors={"currency": [_("Unknown currency %(code)s.") % {"code": currency}]},
        )
    base = base or company_settings().base_currency
    if currency == base:
        return quantize(amount)
    rate = CurrencyRate.objects.filter(currency=currency).values_list("rate_to_base", flat=True).first()
    if rate is None:
        raise ValidationFailed(
            _("No exchange rate for %(code)s") % {"code": currency},
            errors={
                "currency": [
                    _("No exchange rate from %(code)s to %(base)s is set; add one in Settings.")
                    % {"code": currency, "base": base}
                ]
            },
        )
    return quantize(amount * rate)
