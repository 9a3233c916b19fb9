"""Moving one rule up or down in an ordered list (routing rules, rules of engagement).

Positions are renumbered 10, 20, 30 … on every move: the list's order is what matters,
and gaps leave room for API clients that place a rule between two others. Rows are
locked first so two people moving rules at the same moment cannot leave two rules on
the same position.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import EngagementRule, RoutingRule

STEP = 10
UP, DOWN = "up", "down"

#: The ordered rule lists; each has a ``position`` and is moved on its own.
Rule = TypeVar("Rule", RoutingRule, EngagementRule)


def next_position(model: type[Rule]) -> int:
    """Where a new rule goes: after the last one."""
    last = model.objects.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + STEP


@transaction.atomic
def move(instance: Rule, *, direction: str, actor, via: str = "") -> Rule:
    """Swap ``instance`` with its neighbour above or below; audit every position changed."""
    if direction not in (UP, DOWN):
        raise ValidationFailed(_("Move a rule up or down."), errors={"direction": [_("Use “up” or “down”.")]})
    model = type(instance)
    rows = list(model.objects.select_for_update().order_by("position", "pk"))
    index = next((i for i, row in enumerate(rows) if row.pk == instance.pk), None)
    if index is None:
        raise ValidationFailed(_("This rule no longer exists."), errors={"rule": [_("Reload the page.")]})
    other = index - 1 if direction == UP else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for number, row in enumerate(rows, start=1):
        wanted = number * STEP
        if row.position != wanted:
            before, version_before = row.position, row.version
            row.position = wanted
            # A new position is a change like any other: an editor holding the rule's old
            # version merges it (they did not touch the order) instead of overwriting it.
            versioning.bump(row)
            row.save(update_fields=["position", "version"])
            audit.record(
                actor=actor,
                action="update",
                instance=row,
                changes={"position": [before, wanted], "version": [version_before, row.version]},
                via=via,
            )
    moved = next(row for row in rows if row.pk == instance.pk)
    instance.position, instance.version = moved.position, moved.version
    return instance
