"""A manager's day: how their teams' pipeline moved lately (deals moved, won and lost, per
team) and the handoffs their teams let run past the deadline.

"Their teams" are the teams a sales manager manages plus their own; the heads of sales and
of marketing answer for every team, so theirs is the whole company."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.crm.selectors_changes import TeamChanges, pipeline_changes
from hamsu.funnel import selectors_day


def team_scope(user, person) -> list[int] | None:
    """The team ids a manager's day covers; None: every team."""
    if user.is_superuser or roles_of(user) & SEES_EVERYTHING:
        return None
    return person.visible_team_ids()


@dataclass
class TeamDay:
    since: datetime.datetime
    changes: list[TeamChanges]
    overdue: selectors_day.OverdueHandoffs

    def _total(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.changes)

    @property
    def moved(self) -> int:
        return self._total("moved")

    @property
    def won(self) -> int:
        return self._total("won")

    @property
    def lost(self) -> int:
        return self._total("lost")


def team_day(user, person, *, now: datetime.datetime, limit: int) -> TeamDay:
    since = selectors_day.recent_since(now)
    teams = team_scope(user, person)
    return TeamDay(
        since=since,
        changes=pipeline_changes(user=user, team_ids=teams, since=since),
        overdue=selectors_day.overdue_handoffs(team_ids=teams, now=now, limit=limit),
    )
