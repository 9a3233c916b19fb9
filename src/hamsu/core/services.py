"""Writes to company-wide settings."""

from __future__ import annotations

from hamsu.core import audit, versioning
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


@versioning.atomic_write
def company_settings_update(
    *, actor, via: str = "ui", expected_version: int | None = None, strict: bool = False, **data
):
    """``expected_version``/``strict``: see ``hamsu.core.versioning`` (the settings page
    merges a change someone else made to a setting it did not touch; If-Match refuses)."""
    row, data = versioning.begin(company_settings(), expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(row, [*SETTINGS_FIELDS, "version"])
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
