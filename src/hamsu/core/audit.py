"""Write the audit log from services, in the same transaction as the change itself."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models

from hamsu.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The concrete field values of ``instance`` as JSON-safe data (FKs as ids)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _plain(getattr(instance, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


def entry(
    *,
    actor,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
    via: str = "",
) -> AuditEntry:
    """The row ``record`` writes, unsaved (for writers that insert many at once)."""
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=changes or {},
        via=via,
    )


def record(
    *,
    actor,
    action: str,
    instance: models.Model,
    changes: dict[str, Any] | None = None,
    via: str = "",
) -> AuditEntry:
    row = entry(actor=actor, action=action, instance=instance, changes=changes, via=via)
    row.save(force_insert=True)
    return row
