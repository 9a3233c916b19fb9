"""Handoffs per UTC day and sales team, kept current by database triggers.

The SLA figures of a dashboard (MQLs sent, accepted, returned, answered on time,
breached) are counts over the handoffs opened in a period: at the large scale a year is
several hundred thousand handoffs, ~150 ms to count even from a covering index.
``funnel_handoff_day_total`` holds those counts per day and team (a few thousand rows a
year), and triggers keep it in step with every write (see ``hamsu.core.trigger_totals``).
A handoff's status, close and escalation change after it opens; the update trigger moves
its contribution, so the counts are always those of the handoffs as they are now.
"""

from __future__ import annotations

from hamsu.core.trigger_totals import TriggerTotals


def _when(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


DECIDED = "{r}.status IN ('accepted', 'returned') AND {r}.closed_at IS NOT NULL"

HANDOFF_TOTALS = TriggerTotals(
    name="funnel_handoff_total",
    table="funnel_handoff_day_total",
    source="funnel_handoff",
    keys={
        # SQLite stores datetimes as UTC text; date() takes its day.
        "day": {"sqlite": "date({r}.opened_at)", "postgresql": "({r}.opened_at AT TIME ZONE 'UTC')::date"},
        "team_key": "COALESCE({r}.team_id, 0)",
    },
    values={
        "mqls": "1",
        "accepted": _when("{r}.status = 'accepted'"),
        "returned": _when("{r}.status = 'returned'"),
        "closed": _when(DECIDED),
        "on_time": _when(f"{DECIDED} AND {{r}}.closed_at <= {{r}}.due_at"),
        "breaches": _when("{r}.escalated_at IS NOT NULL"),
    },
    watched=("status", "opened_at", "due_at", "closed_at", "escalated_at", "team_id"),
    types={"day": "date", "team_key": "bigint"}
    | dict.fromkeys(("mqls", "accepted", "returned", "closed", "on_time", "breaches"), "bigint"),
)
