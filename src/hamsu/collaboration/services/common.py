"""What the collaboration services share: who is acting, what they may see, and the
audit entry every write leaves."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import NotFound, PermissionDenied
from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.directory.models import Function
from hamsu.directory.visibility import can_see, person_of

MARKETING = Function.marketing()


def actor_person(actor, person=None):
    """The person acting: the actor's directory entry, or an explicit one (CLI, demo)."""
    found = person or person_of(actor)
    if found is None:
        raise PermissionDenied(
            _("Your login has no directory profile."),
            errors={"person": [_("Ask an administrator to link your login to a person.")]},
        )
    return found


def is_leader(actor) -> bool:
    """Nobody (the system), a superuser or a role that sees everything."""
    return actor is None or getattr(actor, "is_superuser", False) or bool(roles_of(actor) & SEES_EVERYTHING)


def require_visible(instance, actor, label: str) -> None:
    """Refuse, on the ``label`` field, a record the actor may not see.

    Refused as not found, like an id that does not exist: a 403 here and a 404 there would
    tell anyone which ids belong to records they may not see (issue 15, defect 6)."""
    if instance is not None and actor is not None and not can_see(instance, actor):
        message = _("This record does not exist or is not visible to you.")
        raise NotFound(message, errors={label: [message]})


def clean_text(value) -> str:
    """A text field as stored: stripped, never None."""
    return (value or "").strip()


def record(actor, action: str, instance, changes=None, via: str = "") -> None:
    """The audit entry of a write (a snapshot of the instance unless the changes are given)."""
    audit.record(
        actor=actor,
        action=action,
        instance=instance,
        changes=changes if changes is not None else audit.snapshot(instance),
        via=via,
    )
