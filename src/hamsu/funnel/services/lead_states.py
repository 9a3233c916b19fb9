"""The lead's state machine: which moves the lifecycle allows, who may act on a lead, and
the one function that makes a move (``move``: it checks the move, keeps the
owner-or-queue invariant and builds the stage event and the audit entry) and
``transition``, which writes all three in the caller's transaction. Every lifecycle
service (``leads``) moves a lead through them; the capture worker writes a chunk's moves
together (``mql_batch``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.core.models import AuditEntry
from hamsu.core.roles import SEES_EVERYTHING, SEES_TEAM, roles_of
from hamsu.crm.events import stage_event_row
from hamsu.crm.models import StageEvent
from hamsu.directory.visibility import person_of
from hamsu.funnel.models import MARKETING_STATES, Lead, LeadQueue, LeadState

S = LeadState
# Which moves the lifecycle allows. Returns go back to marketing (nurture) or out
# (disqualified); lost deals and disqualified leads may be recycled into nurture.
ALLOWED: dict[str, set[str]] = {
    S.INQUIRY: {S.MQL, S.NURTURE, S.DISQUALIFIED},
    S.NURTURE: {S.MQL, S.DISQUALIFIED},
    S.DISQUALIFIED: {S.NURTURE},
    S.MQL: {S.SAL, S.NURTURE, S.DISQUALIFIED},
    S.SAL: {S.SQL, S.NURTURE, S.DISQUALIFIED},
    S.SQL: {S.OPPORTUNITY, S.NURTURE, S.DISQUALIFIED},
    S.OPPORTUNITY: {S.WON, S.LOST},
    S.LOST: {S.NURTURE},
    S.WON: set(),
}


def locked(lead: Lead) -> Lead:
    # Two people acting on the same lead must produce two ordered events, never one
    # whose "from" is stale.
    return Lead.objects.select_for_update().get(pk=lead.pk)


@dataclass
class Move:
    """A move made on a lead in memory: the stage event and audit entry it writes (unsaved)."""

    lead: Lead
    stage_event: StageEvent
    audit_entry: AuditEntry


def move(
    lead: Lead,
    *,
    to_state: str,
    actor,
    via: str,
    reason: str = "",
    owner=None,
    queue: str = "",
    team=None,
    keep_owner: bool = False,
    at: datetime.datetime | None = None,
) -> Move:
    """Check and make the move on ``lead`` in memory; the caller writes the lead and the
    two rows (``transition`` one lead at a time, the capture worker a chunk at once)."""
    from_state = lead.state
    if to_state not in ALLOWED.get(from_state, set()):
        raise ValidationFailed(
            _("A lead cannot move from %(from)s to %(to)s.") % {"from": from_state, "to": to_state},
            errors={
                "state": [
                    _("A lead cannot move from %(from)s to %(to)s.") % {"from": from_state, "to": to_state}
                ]
            },
        )
    now = at or timezone.now()
    if not keep_owner:
        lead.owner = owner
        lead.queue = queue if owner is None else ""
        lead.team = team if team is not None else (owner.team if owner is not None else None)
    if lead.owner_id is None and not lead.queue:
        # The invariant the database also enforces: never orphaned.
        lead.queue = LeadQueue.MARKETING if to_state in MARKETING_STATES else LeadQueue.HANDOFF
    lead.state = to_state
    lead.state_changed_at = now
    version_before = lead.version
    versioning.bump(lead)
    event = stage_event_row(
        object_type=StageEvent.ObjectType.LEAD,
        object_id=lead.pk,
        from_stage=from_state,
        to_stage=to_state,
        actor=actor,
        reason=reason,
        via=via,
        at=now,
    )
    entry = audit.entry(
        actor=actor,
        action="update",
        instance=lead,
        changes={
            "state": [from_state, to_state],
            "owner": lead.owner_id,
            "queue": lead.queue,
            "version": [version_before, lead.version],
        },
        via=via,
    )
    return Move(lead, event, entry)


def transition(lead: Lead, **how) -> Lead:
    """Move ``lead`` (the keyword arguments of ``move``) and write it, its stage event and
    its audit entry, in the caller's transaction."""
    made = move(lead, **how)
    lead.save()
    # A stage event outside a transaction could survive a failed change and lie.
    assert transaction.get_connection().in_atomic_block, "a lead moves inside a service transaction"
    made.stage_event.save(force_insert=True)
    made.audit_entry.save(force_insert=True)
    return lead


def require_access(lead: Lead, actor) -> None:
    """Sellers act on their own leads; managers on their team's; heads on all."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    roles = roles_of(actor)
    if roles & SEES_EVERYTHING:
        return
    person = person_of(actor)
    if person is None:
        raise PermissionDenied(
            _("You cannot act on this lead."), errors={"lead": [_("This lead is not yours.")]}
        )
    if lead.owner_id == person.pk:
        return
    if roles & SEES_TEAM and lead.team_id and lead.team_id in person.visible_team_ids():
        return
    if (
        lead.owner_id is None
        and lead.queue in (LeadQueue.MARKETING, LeadQueue.RECYCLE)
        and person.function
        in (
            "upstream_marketing",
            "downstream_marketing",
        )
    ):
        return
    raise PermissionDenied(_("You cannot act on this lead."), errors={"lead": [_("This lead is not yours.")]})
