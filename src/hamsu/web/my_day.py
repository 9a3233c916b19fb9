"""My day: what the reader has to do first, gathered from the apps that hold it.

The web layer is the one place allowed to read across apps (crm's tasks and deals, the
funnel's leads waiting on their SLA clock and follow-ups), so the home page asks here and
each app keeps its own definitions (``tasks.*`` in the glossary, the funnel's handoff
clock)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hamsu.core import glossary
from hamsu.crm.selectors_tasks import TaskBuckets, task_buckets, task_counts
from hamsu.directory.visibility import person_of
from hamsu.funnel.models import LeadState
from hamsu.funnel.selectors import my_leads
from hamsu.funnel.selectors import my_tasks as lead_follow_ups

SHOWN = 8  # rows per list on the home page; the tasks page and the inbox have the rest
FIGURES = ("tasks.overdue", "tasks.due_today", "tasks.upcoming", "tasks.no_next_step", "tasks.quiet")


@dataclass
class MyDay:
    counts: dict[str, int]
    tasks: TaskBuckets
    leads_waiting: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)

    @property
    def figures(self) -> list[tuple[str, str, int]]:
        """(glossary key, its name, the count) for each card."""
        return [(key, glossary.term(key).name, self.counts[key.split(".", 1)[1]]) for key in FIGURES]

    @property
    def due_now(self) -> list:
        """Overdue first, then today's: the tasks to do before anything else."""
        return (self.tasks.overdue + self.tasks.today)[:SHOWN]


def my_day(user) -> MyDay | None:
    """None for a login without a directory person (nothing is anyone's to do)."""
    person = person_of(user)
    if person is None:
        return None
    waiting = [lead for lead in my_leads(user=user, limit=50) if lead.state == LeadState.MQL]
    return MyDay(
        counts=task_counts(user=user, owner=person),
        tasks=task_buckets(user=user, owner=person, limit=SHOWN),
        leads_waiting=waiting[:SHOWN],
        follow_ups=lead_follow_ups(user=user, limit=SHOWN),
    )
