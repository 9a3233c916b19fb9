"""Writes to company-wide settings."""

from __future__ import annotations

from django.db import transaction

from hamsu.core import audit
from hamsu.core.company import company_settings
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


@transaction.atomic
def company_settings_update(*, actor, via: str = "ui", **data):
    row = company_settings()
    before = audit.snapshot(row, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(row, name, data[name])
    full_clean(row)
    row.save()
    from hamsu.core import two_factor  # the rule of who must use it applies from the next request

    two_factor.forget_required_roles()
    audit.record(
        actor=actor,
        action="update",
        instance=row,
        changes=audit.diff(before, audit.snapshot(row, SETTINGS_FIELDS)),
        via=via,
    )
    return row
