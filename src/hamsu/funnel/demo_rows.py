"""The demo's lead rows, buffered and written with bulk inserts (``hamsu.core.bulk``):
the columns of the five tables and the writer that numbers their ids."""

from __future__ import annotations

from django.db.models import Max

from hamsu.core.bulk import insert_rows
from hamsu.crm.models import StageEvent
from hamsu.funnel.models import Handoff, Lead, LeadAssignment, LeadTouch

LEAD_COLUMNS = [
    "id", "email", "first_name", "last_name", "company", "title", "phone", "country", "employees", "segment_id",
    "origin", "contact_id", "account_id", "opportunity_id", "state", "state_changed_at", "owner_id", "team_id",
    "queue", "score", "score_reasons", "scored_at", "win_probability", "win_reasons", "mql_definition_id",
    "return_reason", "return_note", "returned_at", "recycle_count", "accepted_at", "first_follow_up_at",
    "follow_up_attempts", "external_id", "created_at", "updated_at",
]  # fmt: skip

EVENT_COLUMNS = [
    "id",
    "object_type",
    "object_id",
    "opportunity_id",
    "from_stage",
    "to_stage",
    "at",
    "actor_id",
    "reason",
    "via",
]
MQL_REASON = "meets MQL definition v1"
HANDOFF_COLUMNS = [
    "id", "lead_id", "team_id", "owner_id", "policy_id", "status", "opened_at", "due_at", "closed_at", "escalated_at",
    "escalation_claim", "reason",
]  # fmt: skip
ASSIGNMENT_COLUMNS = [
    "id",
    "lead_id",
    "person_id",
    "team_id",
    "queue",
    "rule_id",
    "explanation",
    "actor_id",
    "at",
]


class Writer:
    """Collects rows for the five tables, numbering ids after what already exists."""

    def __init__(self):
        self.lead_id = Lead.objects.aggregate(m=Max("id"))["m"] or 0
        self.event_id = StageEvent.objects.aggregate(m=Max("id"))["m"] or 0
        self.handoff_id = Handoff.objects.aggregate(m=Max("id"))["m"] or 0
        self.touch_id = LeadTouch.objects.aggregate(m=Max("id"))["m"] or 0
        self.assign_id = LeadAssignment.objects.aggregate(m=Max("id"))["m"] or 0
        self.leads, self.events, self.handoffs, self.touches, self.assignments = [], [], [], [], []

    COUNTS = ("leads", "lead_stage_events", "handoffs", "lead_touches", "lead_assignments")

    def flush(self, result, *, every: int = 0) -> None:
        """Write what is buffered (once at least ``every`` leads wait), keeping memory flat."""
        if len(self.leads) < every or not (self.leads or self.events):
            return
        tables = [
            ("funnel_lead", LEAD_COLUMNS, self.leads),
            (StageEvent._meta.db_table, EVENT_COLUMNS, self.events),
            ("funnel_handoff", HANDOFF_COLUMNS, self.handoffs),
            ("funnel_leadtouch", ["id", "lead_id", "kind", "at", "source"], self.touches),
            ("funnel_leadassignment", ASSIGNMENT_COLUMNS, self.assignments),
        ]
        for name, (table, columns, rows) in zip(self.COUNTS, tables, strict=True):
            result.rows[name] = result.rows.get(name, 0) + insert_rows(table, columns, rows)
        self.leads, self.events, self.handoffs, self.touches, self.assignments = [], [], [], [], []

    def event(self, lead_id, frm, to, at, reason=""):
        self.event_id += 1
        self.events.append((self.event_id, "lead", lead_id, None, frm, to, at, None, reason, "demo"))

    def handoff(self, lead_id, team_id, owner_id, policy_id, status, opened, due, closed, escalated):
        self.handoff_id += 1
        self.handoffs.append(
            (
                self.handoff_id,
                lead_id,
                team_id,
                owner_id,
                policy_id,
                status,
                opened,
                due,
                closed,
                escalated,
                "demo" if escalated else "",
                # Every demo lead reaches MQL by meeting the definition (its stage event says so).
                MQL_REASON,
            )
        )

    def touch(self, lead_id, kind, at, source):
        self.touch_id += 1
        self.touches.append((self.touch_id, lead_id, kind, at, source))

    def assignment(self, lead_id, person_id, team_id, queue, text, at):
        self.assign_id += 1
        self.assignments.append(
            (self.assign_id, lead_id, person_id, team_id, queue, None, text[:500], None, at)
        )
