"""Both heads decide on a proposed lead definition. Both approvals put the version in
effect (the one before it is superseded) and queue the job that re-evaluates every open
lead (``reevaluation``); one rejection ends the proposal."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import Conflict, PermissionDenied
from hamsu.core.roles import HEAD_OF_MARKETING, HEAD_OF_SALES, roles_of
from hamsu.funnel.models import DefinitionApproval, DefinitionRun, LeadDefinition
from hamsu.funnel.tasks import reevaluate_leads


def _side_of(actor, side: str | None) -> str:
    roles = roles_of(actor)
    sides = []
    if HEAD_OF_SALES in roles:
        sides.append(DefinitionApproval.Side.SALES)
    if HEAD_OF_MARKETING in roles:
        sides.append(DefinitionApproval.Side.MARKETING)
    if side:
        if side not in sides:
            raise PermissionDenied(
                _("Only the head of that function can decide for it."),
                errors={"side": [_("You do not head this function.")]},
            )
        return side
    if len(sides) != 1:
        raise PermissionDenied(
            _("Only the head of sales or the head of marketing can approve lead definitions."),
            errors={
                "side": [
                    _("Say which side you decide for.")
                    if sides
                    else _("You head neither sales nor marketing.")
                ]
            },
        )
    return sides[0]


@transaction.atomic
def lead_definition_decide(
    *,
    definition: LeadDefinition,
    actor,
    approve: bool,
    comment: str = "",
    side: str | None = None,
    via: str = "",
) -> LeadDefinition:
    """One head's decision. Both approvals put the version in effect; one rejection ends it."""
    side = _side_of(actor, side)
    definition = LeadDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.status != LeadDefinition.Status.PROPOSED:
        raise Conflict(
            _("This version is no longer awaiting approval."),
            errors={"status": [_("Status is %(status)s.") % {"status": definition.get_status_display()}]},
        )
    if definition.approvals.filter(side=side).exists():
        raise Conflict(
            _("Your side has already decided."), errors={"side": [_("Your side has already decided.")]}
        )
    now = timezone.now()
    DefinitionApproval.objects.create(
        definition=definition,
        side=side,
        decision=DefinitionApproval.Decision.APPROVE if approve else DefinitionApproval.Decision.REJECT,
        user=actor,
        comment=(comment or "")[:300],
        at=now,
    )
    if not approve:
        definition.status = LeadDefinition.Status.REJECTED
        definition.save(update_fields=["status"])
    elif set(definition.approvals.filter(decision="approve").values_list("side", flat=True)) == {
        "sales",
        "marketing",
    }:
        LeadDefinition.objects.filter(kind=definition.kind, status=LeadDefinition.Status.APPROVED).update(
            status=LeadDefinition.Status.SUPERSEDED, superseded_at=now
        )
        definition.status = LeadDefinition.Status.APPROVED
        definition.effective_at = now
        definition.save(update_fields=["status", "effective_at"])
        run = DefinitionRun.objects.create(definition=definition, started_at=now)
        transaction.on_commit(lambda: reevaluate_leads.enqueue(run.pk))
    audit.record(
        actor=actor,
        action="update",
        instance=definition,
        changes={"decision": [side, "approve" if approve else "reject"], "status": definition.status},
        via=via,
    )
    return definition
