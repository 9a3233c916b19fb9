"""No lost updates: a version number on every editable record, checked and bumped by the
service that writes it, inside the same transaction as the write.

How a write uses it (``hamsu.crm.services.account_update`` is the pattern)::

    @versioning.atomic_write
    def account_update(*, account, actor, via="", expected_version=None, strict=False, **data):
        account = versioning.lock(account)                      # SELECT … FOR UPDATE
        data = versioning.check(account, expected=expected_version, data=data, strict=strict)
        … apply ``data``, validate …
        versioning.bump(account)
        account.save()

``check`` compares the version the writer saw with the row's own. When they differ it asks
the audit trail what changed in between (every service writes one entry per change, and
the ``version`` field is part of each entry's diff) and then

* ``strict`` (the API's ``If-Match``): refuses, naming the fields changed since then;
* otherwise (a form): keeps the other person's value of every field this writer did not
  touch (the merge), and refuses only when both changed the same field to different values,
  listing, field by field, "yours" and "theirs" with who and when.

A refusal raises :class:`StaleVersion`; ``atomic_write`` rolls the write back and then
writes one ``conflict`` entry to the record's audit trail, so every conflict is on record.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import DomainError

# Versioned lives with core's models (company settings are versioned too) and is used from here.
from hamsu.core.models import AuditEntry, Versioned  # noqa: F401

# Bookkeeping fields a writer never sets itself, so never "touched" and never a conflict.
IGNORED = {"version", "updated_at"}


def field_of(model) -> str:
    """The name of the field that holds a record's edit version: ``version`` (see
    ``Versioned``), unless the model says ``version_field`` — the reverse-funnel plan's
    ``version`` already names its revision (1, 2, 3 … of a period's plan), so its edit
    version is ``edit_version``."""
    return getattr(model, "version_field", "version")


def version_of(instance: models.Model) -> int:
    return getattr(instance, field_of(instance))


@dataclass
class FieldConflict:
    """One field both people changed: the value each of them wants."""

    name: str
    label: str
    yours: Any
    theirs: Any
    choices: tuple = ()  # (code, label) pairs when the field has choices

    @property
    def yours_text(self) -> str:
        return display(self.yours, self.choices)

    @property
    def theirs_text(self) -> str:
        return display(self.theirs, self.choices)


def display(value: Any, choices=()) -> str:
    """A value as a person reads it: labels for codes, local dates, a dash for nothing."""
    from hamsu.core import dates

    if value in (None, ""):
        return "—"
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, datetime.datetime):
        return dates.format_datetime(value)
    if isinstance(value, datetime.date):
        return dates.format_date(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | Decimal):
        text = f"{value:,}"
        return dates.to_persian_digits(text) if dates.uses_jalali() else text
    return str(value)


class StaleVersion(DomainError):
    """The record changed since the writer loaded it (HTTP 412 on the API)."""

    status = 412

    def __init__(
        self,
        *,
        instance: models.Model,
        expected: int,
        current: int,
        changed: list[str],
        conflicts: list[FieldConflict] | None = None,
        by: Any = None,
        at: datetime.datetime | None = None,
        kept_theirs: list[str] | None = None,
    ):
        self.instance = instance
        self.kept_theirs = kept_theirs or []
        self.expected = expected
        self.current = current
        self.changed = changed
        self.conflicts = conflicts or []
        self.by = by
        self.at = at
        who = self.by_name or _("someone else")
        message = _(
            "This record was changed by %(who)s since you opened it (your version %(expected)s, now %(current)s)."
        ) % {"who": who, "expected": display(expected), "current": display(current)}
        errors = {name: [_("Changed since your version by %(who)s.") % {"who": who}] for name in changed}
        super().__init__(message, errors=errors)

    @property
    def by_name(self) -> str:
        """Who saved the newer version, by the name colleagues know them by."""
        return name_of(self.by)


def name_of(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)  # the directory's person of a login, when there is one
    return getattr(person, "full_name", "") or user.get_full_name() or user.get_username()


Row = TypeVar("Row", bound=models.Model)


def lock(instance: Row) -> Row:
    """The row of ``instance`` read again under a row lock for the rest of the transaction."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def begin(
    instance: Row, *, expected: int | None, data: dict[str, Any] | None = None, strict: bool = False
) -> tuple[Row, dict[str, Any]]:
    """:func:`lock` then :func:`check`: the row to write (locked) and the data to write to it.
    Call inside the write's transaction (``atomic_write``); :func:`bump` before saving."""
    locked = lock(instance)
    return locked, check(locked, expected=expected, data=dict(data or {}), strict=strict)


def bump(instance: models.Model) -> None:
    """The next version; call with the row locked (see :func:`lock`) just before saving."""
    name = field_of(instance)
    setattr(instance, name, (getattr(instance, name) or 0) + 1)


def bump_changed(
    instances, *, before: dict[Any, dict[str, Any]], fields: list[str], via: str, actor=None
) -> list[AuditEntry]:
    """For a multi-row write (a capture, a re-scoring) of rows the caller has locked: bump
    each instance whose ``fields`` differ from ``before`` (pk → ``audit.snapshot(…, fields)``
    taken before the change) and return the audit entries that record it, version included,
    for the caller to insert in bulk — so a form or client holding an older version merges
    or is refused exactly as after a single write."""
    entries = []
    for instance in instances:
        changes = audit.diff(before.get(instance.pk, {}), audit.snapshot(instance, fields))
        if not changes:
            continue
        version_before = version_of(instance)
        bump(instance)
        changes[field_of(instance)] = [version_before, version_of(instance)]
        entries.append(
            AuditEntry(
                actor=actor if getattr(actor, "pk", None) else None,
                action=AuditEntry.Action.UPDATE,
                object_type=instance._meta.label_lower,
                object_id=str(instance.pk),
                object_repr=str(instance)[:200],
                changes=changes,
                via=via,
            )
        )
    return entries


def bumped() -> dict[str, Any]:
    """For ``QuerySet.update(**versioning.bumped(), …)``: bulk writes bump versions too."""
    return {"version": F("version") + 1}


# ---------------------------------------------------------------- what changed since


@dataclass
class History:
    """What the audit trail says happened to a record after a given version."""

    base: dict[str, Any]  # attname → value at the writer's version (for fields changed since)
    by: Any = None
    at: datetime.datetime | None = None
    complete: bool = True  # False when a change since then left no audit entry


def history_since(instance: models.Model, version: int) -> History:
    entries = (
        AuditEntry.objects.filter(
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            action__in=[AuditEntry.Action.UPDATE, AuditEntry.Action.CREATE],
        )
        .select_related("actor")
        .order_by("-id")[:200]
    )
    base: dict[str, Any] = {}
    history = History(base=base)
    reached = False
    version_field = field_of(instance)
    ignored = IGNORED | {version_field}
    for entry in entries:  # newest first: an older entry's "before" overwrites a newer one's
        step = entry.changes.get(version_field) if isinstance(entry.changes, dict) else None
        if not (isinstance(step, list) and len(step) == 2 and isinstance(step[1], int)):
            continue
        if step[1] <= version:
            break
        if history.at is None:
            history.by, history.at = entry.actor, entry.at
        for name, pair in entry.changes.items():
            if name not in ignored and isinstance(pair, list) and len(pair) == 2:
                base[name] = pair[0]
        if step[0] == version:
            reached = True
    history.complete = reached
    return history


# ---------------------------------------------------------------- comparing values


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a service argument that is no model field (e.g. "reason")
        return None


def _normal(model_field, value: Any) -> Any:
    """A value in one comparable form: ids for records, Python types for dates and money."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        value = value.strip()
    if model_field is None or value is None:
        return value
    try:
        return model_field.to_python(value)
    except Exception:  # noqa: BLE001 - an unparseable value simply compares as itself
        return value


def _as_stored(model_field, value: Any) -> Any:
    """The writer's value as the record would hold it (money to its cents, for one)."""
    if isinstance(value, Decimal) and getattr(model_field, "decimal_places", None) is not None:
        return value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
    return value


def _current(instance: models.Model, model_field) -> Any:
    return getattr(instance, model_field.attname)


def check(
    instance: models.Model, *, expected: int | None, data: dict[str, Any], strict: bool = False
) -> dict[str, Any]:
    """The ``data`` to write to the locked ``instance`` or :class:`StaleVersion`.

    ``expected`` None means the writer did not say what it saw (an API client without
    ``If-Match``, a script): the write goes ahead as before.
    """
    if expected is None or int(expected) == version_of(instance):
        return data
    expected = int(expected)
    history = history_since(instance, expected)
    model = type(instance)
    changed: list[str] = []  # service names of the fields someone else changed
    conflicts: list[FieldConflict] = []
    merged = dict(data)
    for name, value in data.items():
        model_field = _model_field(model, name)
        if model_field is None or not model_field.concrete:
            continue
        current = _normal(model_field, _current(instance, model_field))
        mine = _normal(model_field, value)
        if history.complete:
            if model_field.attname not in history.base:
                continue  # nobody else touched it: the writer's value stands
            changed.append(name)
            if mine == _normal(model_field, history.base[model_field.attname]):
                merged.pop(name)  # the writer left it alone: keep theirs
                continue
        elif mine != current:
            # A change without an audit entry (should not happen): what changed is unknown,
            # so every value that differs from the record's is the writer's to confirm.
            changed.append(name)
        if mine != current:
            conflicts.append(
                FieldConflict(
                    name=name,
                    label=str(model_field.verbose_name),
                    yours=_as_stored(model_field, value),
                    theirs=getattr(instance, model_field.name),
                    choices=tuple(model_field.flatchoices) if model_field.choices else (),
                )
            )
    # Fields the other side changed that this writer did not send at all.
    sent = {f.attname for f in (_model_field(model, n) for n in data) if f is not None and f.concrete}
    changed += [_field_name(model, attname) for attname in history.base if attname not in sent]
    if strict or conflicts:
        raise StaleVersion(
            instance=instance,
            expected=expected,
            current=version_of(instance),
            changed=changed or [field_of(instance)],
            conflicts=conflicts,
            by=history.by,
            at=history.at,
            kept_theirs=[name for name in data if name not in merged],
        )
    return merged


def _field_name(model, attname: str) -> str:
    for model_field in model._meta.concrete_fields:
        if model_field.attname == attname:
            return model_field.name
    return attname


# ---------------------------------------------------------------- the write boundary


def atomic_write(service):
    """``transaction.atomic`` around a versioned write, plus a ``conflict`` entry in the
    record's audit trail after a refused one (written after the rollback, so it stays)."""
    inner = transaction.atomic(service)

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return inner(*args, **kwargs)
        except StaleVersion as stale:
            record_conflict(stale, actor=kwargs.get("actor"), via=kwargs.get("via", ""))
            raise

    return wrapper


@contextlib.contextmanager
def expecting(instance: models.Model, expected: int | None, *, actor, via: str = ""):
    """Run the block (a quick action: accept, assign, move…) only if ``instance`` is still
    at the version the person acting was shown; the row stays locked until the block's
    transaction ends. ``expected`` None runs it unchecked (a caller that did not say)."""
    if expected is None:
        yield instance
        return
    try:
        with transaction.atomic():
            current = lock(instance)
            check(current, expected=expected, data={}, strict=True)
            yield current
    except StaleVersion as stale:
        record_conflict(stale, actor=actor, via=via)
        raise


def record_conflict(stale: StaleVersion, *, actor, via: str = "") -> AuditEntry:
    return audit.record(
        actor=actor,
        action=AuditEntry.Action.CONFLICT,
        instance=stale.instance,
        changes={
            "expected_version": stale.expected,
            "current_version": stale.current,
            "changed": stale.changed,
            "conflicts": {
                c.name: {"yours": audit._plain(c.yours), "theirs": audit._plain(c.theirs)}
                for c in stale.conflicts
            },
        },
        via=via,
    )


# ---------------------------------------------------------------- HTTP: ETag and If-Match

_TAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def etag(instance: models.Model) -> str:
    return f'"{version_of(instance)}"'


def parse_if_match(header: str | None) -> int | None:
    """The version an ``If-Match`` header names; None when absent or ``*`` (any version)."""
    if header is None or not header.strip() or header.strip() == "*":
        return None
    match = _TAG.match(header.split(",")[0])
    if match is None:
        from hamsu.core.errors import ValidationFailed

        raise ValidationFailed(
            _("If-Match must be an ETag from a GET of this record."),
            errors={"If-Match": [_('Send the ETag you received, e.g. "3".')]},
        )
    return int(match.group(1))
