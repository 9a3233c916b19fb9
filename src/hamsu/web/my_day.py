"""My day: what the reader has to do or know first, by role, gathered from the apps that
hold it.

The web layer is the one place allowed to read across apps, so the home page asks here
and each app keeps its own reads and definitions (glossary): a seller's tasks and leads
waiting on their SLA clock (crm, funnel), a marketer's leads returned and sales' answers
(funnel) and the week's campaigns (campaigns), a manager's pipeline changes and overdue
handoffs (crm, funnel), the CRO's number, forecast and alignment score (scorecard,
alignment). Each part costs a fixed, small number of queries (pinned per role in
tests/funnel/test_home_queries.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from hamsu.core import glossary
from hamsu.core import roles as r
from hamsu.crm.selectors_tasks import task_counts, tasks_due_now
from hamsu.directory.visibility import person_of
from hamsu.funnel.models import LeadState
from hamsu.funnel.selectors import my_leads, my_leads_count
from hamsu.funnel.selectors import my_tasks as lead_follow_ups
from hamsu.web import day_market, day_number, day_team

SHOWN = 8  # rows per list on the home page; the pages linked from it have the rest
FIGURES = ("tasks.overdue", "tasks.due_today", "tasks.upcoming", "tasks.no_next_step", "tasks.quiet")
WAITING = (LeadState.MQL,)

# The parts of a day, in the order they are shown: what the role answers for first.
NUMBER, MARKET, TEAM, SELL = "number", "market", "team", "sell"
ORDER = (NUMBER, MARKET, TEAM, SELL)
PARTS_BY_ROLE = {
    r.REVENUE_LEADER: (NUMBER,),
    r.HEAD_OF_SALES: (TEAM,),
    r.HEAD_OF_MARKETING: (MARKET, TEAM),
    r.SALES_MANAGER: (TEAM, SELL),
    r.SALES_REP: (SELL,),
    r.UPSTREAM_MARKETER: (MARKET,),
    r.DOWNSTREAM_MARKETER: (MARKET,),
    r.LIAISON: (MARKET,),
}


def parts_for(user) -> list[str]:
    """The parts of ``user``'s day; a role without a day of its own (the administrator)
    gets the seller's, which is about the person's own tasks."""
    wanted = {part for role in r.roles_of(user) for part in PARTS_BY_ROLE.get(role, ())}
    return [part for part in ORDER if part in wanted] or [SELL]


@dataclass
class SellDay:
    """A seller's: task figures, leads waiting for them, lead follow-ups."""

    counts: dict[str, int]
    leads_waiting: list
    leads_waiting_count: int
    follow_ups: list = field(default_factory=list)

    @property
    def figures(self) -> list[tuple[str, str, int]]:
        """(glossary key, its name, the count) for each card."""
        return [(key, glossary.term(key).name, self.counts[key.split(".", 1)[1]]) for key in FIGURES]


@dataclass
class MyDay:
    parts: list[str]
    due_now: list  # the person's overdue tasks, then today's
    sell: SellDay | None = None
    market: day_market.MarketDay | None = None
    team: day_team.TeamDay | None = None
    number: day_number.NumberDay | None = None


def _sell(user, person) -> SellDay:
    return SellDay(
        counts=task_counts(user=user, owner=person),
        leads_waiting=my_leads(user=user, limit=SHOWN, states=WAITING),
        leads_waiting_count=my_leads_count(user=user, states=WAITING),
        follow_ups=lead_follow_ups(user=user, limit=SHOWN),
    )


def my_day(user) -> MyDay | None:
    """None for a login without a directory person (nothing is anyone's to do)."""
    person = person_of(user)
    if person is None:
        return None
    now = timezone.now()
    parts = parts_for(user)
    day = MyDay(parts=parts, due_now=tasks_due_now(user=user, owner=person, now=now, limit=SHOWN))
    if SELL in parts:
        day.sell = _sell(user, person)
    if MARKET in parts:
        day.market = day_market.market_day(user, now=now, limit=SHOWN)
    if TEAM in parts:
        day.team = day_team.team_day(user, person, now=now, limit=SHOWN)
    if NUMBER in parts:
        day.number = day_number.number_day(user)
    return day
