"""What the home page's "my day" reads from the funnel, beyond a seller's own inbox: for a
marketer, what sales did with the leads marketing handed over (the leads it returned and
why, the handoffs it answered in time or late, those still waiting on their clock); for a
manager, the handoffs their teams let run past the deadline.

Glossary: ``leads.waiting``, ``leads.returned``, ``sla.recent_in_time``, ``sla.recent_late``,
``sla.waiting_now`` and ``sla.overdue_now`` (hamsu.funnel.glossary). Each read is one or two
queries, whatever the number of leads: the home page's query count is pinned per role.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from hamsu.funnel.models import Handoff, HandoffStatus, Lead, ReturnReason
from hamsu.funnel.selectors import leads_open_to
from hamsu.funnel.sla_counts import DECIDED

# "Recently" on the home page: the last seven days, so that a Monday morning still shows
# what happened last week (a calendar week would be empty at its start).
RECENT_DAYS = 7


def recent_since(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=RECENT_DAYS)


@dataclass(frozen=True)
class Returns:
    """Leads sales returned since a moment: how many for each reason, and the latest."""

    by_reason: list[tuple[str, str, int]]  # (reason code, its label, leads), every reason
    latest: list[Lead]

    @property
    def total(self) -> int:
        return sum(n for _code, _label, n in self.by_reason)


def returned_leads(*, user, since: datetime.datetime, limit: int) -> Returns:
    """Leads ``user`` may open whose latest return by sales falls at or after ``since``.

    A lead carries its latest return (reason, note, time), so a lead returned twice counts
    once, under the reason it was last returned for; the reasons add up to the total."""
    returned = leads_open_to(user).filter(returned_at__gte=since)
    counts = dict(
        returned.order_by().values("return_reason").annotate(n=Count("id")).values_list("return_reason", "n")
    )
    return Returns(
        by_reason=[(code, str(label), counts.get(code, 0)) for code, label in ReturnReason.choices],
        latest=list(returned.select_related("account").order_by("-returned_at", "-pk")[:limit]),
    )


@dataclass(frozen=True)
class SlaOnLeads:
    """Sales' answers to the handoffs of the leads a marketer may open."""

    in_time: int  # answered since the moment, by the deadline
    late: int  # answered since the moment, after the deadline
    waiting: int  # not answered yet, whenever handed over
    clocks: list[Handoff]  # the waiting ones, soonest deadline (longest overdue) first


def _handoffs_of_leads_open_to(user) -> QuerySet[Handoff]:
    return Handoff.objects.filter(lead__in=leads_open_to(user).values("pk"))


def sla_on_leads(*, user, since: datetime.datetime, limit: int) -> SlaOnLeads:
    handoffs = _handoffs_of_leads_open_to(user)
    answered = Q(status__in=DECIDED, closed_at__gte=since)
    waiting = Q(status=HandoffStatus.OPEN)
    counts = handoffs.filter(answered | waiting).aggregate(
        in_time=Count("id", filter=answered & Q(closed_at__lte=F("due_at"))),
        late=Count("id", filter=answered & Q(closed_at__gt=F("due_at"))),
        waiting=Count("id", filter=waiting),
    )
    clocks = list(
        handoffs.filter(waiting)
        .select_related("lead", "lead__account", "owner")
        .order_by("due_at", "pk")[:limit]
    )
    return SlaOnLeads(clocks=clocks, **counts)


@dataclass(frozen=True)
class OverdueHandoffs:
    count: int
    latest: list[Handoff]  # longest overdue first


def overdue_handoffs(*, team_ids: list[int] | None, now: datetime.datetime, limit: int) -> OverdueHandoffs:
    """Handoffs still unanswered whose deadline is before ``now``, routed to one of
    ``team_ids`` (None: every team, and those routed to none)."""
    overdue = Handoff.objects.filter(status=HandoffStatus.OPEN, due_at__lt=now)
    if team_ids is not None:
        overdue = overdue.filter(team_id__in=team_ids)
    return OverdueHandoffs(
        count=overdue.count(),
        latest=list(
            overdue.select_related("lead", "lead__account", "owner", "team").order_by("due_at", "pk")[:limit]
        ),
    )
