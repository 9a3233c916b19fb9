"""A chunk of leads marked MQL at once, with the outcome ``lead_mark_mql`` has when it
marks them one after another in the same order: the same owners (one ``Router`` for the
chunk keeps the round-robin turns and the sellers' open loads as each decision leaves
them), the same lead fields, stage events, audit entries, assignments and handoffs —
written with one multi-row write per table instead of ~12 statements per lead.

The capture worker calls it inside its chunk's transaction, with the chunk's leads
already locked (new ones were inserted by that transaction).
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed
from hamsu.core.models import AuditEntry
from hamsu.crm.models import StageEvent
from hamsu.funnel.models import MARKETING_STATES, Handoff, Lead, LeadAssignment, LeadQueue, RoutingRuleKind
from hamsu.funnel.services import bulk_rows
from hamsu.funnel.services.handoff import HandoffClock, handoffs_withdraw_stale
from hamsu.funnel.services.lead_states import S, move
from hamsu.funnel.services.leads import assignment_row, mql_reason, mql_reset
from hamsu.funnel.services.routing import Router

# ``lead.save()`` writes every column; so does the chunk's one UPDATE.
LEAD_COLUMNS = [f.name for f in Lead._meta.concrete_fields if not f.primary_key]


def _account_owners(router: Router, leads: list[Lead]) -> None:
    """The account owners (and their teams) an account-owner rule may route to, one query."""
    if any(rule.kind == RoutingRuleKind.ACCOUNT_OWNER for rule in router.rules):
        accounts = [account for lead in leads if (account := lead.account) is not None]
        prefetch_related_objects([a for a in accounts if a.owner_id is not None], "owner__team")


def leads_mark_mql(
    *, leads: list[Lead], vias: list[str], reason: str = "", definition=None, at: datetime.datetime
) -> None:
    """Route every lead of ``leads`` (each held by marketing) in order and open its handoff."""
    assert connection.in_atomic_block, "leads_mark_mql runs inside the caller's transaction"
    if not leads:
        return
    router = Router(at=at)
    _account_owners(router, leads)
    because = mql_reason(reason, definition)
    events: list[StageEvent] = []
    entries: list[AuditEntry] = []
    assignments: list[LeadAssignment] = []
    for lead, via in zip(leads, vias, strict=True):
        if lead.state not in MARKETING_STATES:
            message = _("Only an inquiry or a nurtured lead becomes an MQL.")
            raise ValidationFailed(message, errors={"state": [message]})
        decision = router.decide(lead)
        mql_reset(lead, definition)
        made = move(
            lead,
            to_state=S.MQL,
            actor=None,
            via=via,
            reason=because,
            owner=decision.person,
            queue=LeadQueue.HANDOFF,
            team=decision.team,
            at=at,
        )
        events.append(made.stage_event)
        entries.append(made.audit_entry)
        assignments.append(assignment_row(lead, decision, actor=None, at=at))
    router.flush()
    saved_at = timezone.now()  # what ``updated_at`` (auto_now) would take on save
    for lead in leads:
        lead.updated_at = saved_at
    bulk_rows.update(Lead, leads, LEAD_COLUMNS)
    bulk_rows.insert(StageEvent, events)
    bulk_rows.insert(AuditEntry, entries)
    bulk_rows.insert(LeadAssignment, assignments)
    handoffs_withdraw_stale(lead_ids=[lead.pk for lead in leads], at=at)
    clock = HandoffClock(at=at)
    bulk_rows.insert(Handoff, [clock.row(lead, reason=because) for lead in leads])
