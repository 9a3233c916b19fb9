"""Writes to company-wide settings."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.company import company_settings
from hamsu.core.errors import ValidationFailed
from hamsu.core.models import CurrencyRate
from hamsu.core.validation import full_clean

SETTINGS_FIELDS = [
    "name",
    "base_currency",
    "visibility",
    "fiscal_calendar",
    "big_deal_threshold",
    "influence_lookback_days",
    "two_factor_roles",
]


@versioning.atomic_write
def company_settings_update(
    *, actor, via: str = "ui", expected_version: int | None = None, strict: bool = False, **data
):
    """``expected_version``/``strict``: see ``hamsu.core.versioning`` (the settings page
    merges a change someone else made to a setting it did not touch; If-Match refuses)."""
    row, data = versioning.begin(company_settings(), expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(row, [*SETTINGS_FIELDS, "version"])
    if data.get("base_currency", row.base_currency) != row.base_currency:
        _refuse_relabelling_amounts(row.base_currency)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(row, name, data[name])
    full_clean(row)
    versioning.bump(row)
    row.save()
    from hamsu.core import two_factor  # the rule of who must use it applies from the next request

    two_factor.forget_required_roles()
    audit.record(
        actor=actor,
        action="update",
        instance=row,
        changes=audit.diff(before, audit.snapshot(row, [*SETTINGS_FIELDS, "version"])),
        via=via,
    )
    return row


def _refuse_relabelling_amounts(current: str) -> None:
    """Stored amounts in the company currency (``amount_base`` of deals, costs, spend) and
    the rates (units of it per unit of another currency) are figures in the current
    currency: switching it would relabel them as the new one without converting them, a
    silent one-to-one conversion. Each app's models are found by their ``amount_base``
    field, so core reads no app above it."""
    holders = [
        model
        for model in apps.get_models()
        if any(field.name == "amount_base" for field in model._meta.get_fields())
    ]
    stored = any(model._default_manager.exists() for model in holders)
    if stored or CurrencyRate.objects.exists():
        message = _(
            "The company currency cannot change while amounts or exchange rates are stored in "
            "%(code)s: they would be relabelled without being converted."
        ) % {"code": current}
        raise ValidationFailed(message, errors={"base_currency": [message]})
