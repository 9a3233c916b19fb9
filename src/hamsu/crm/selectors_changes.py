"""How a team's pipeline moved lately: the deals that moved to another open stage, were
won or were lost since a moment, per team, read from the stage-event log.

Glossary: ``pipeline.moved``, ``pipeline.won_recently``, ``pipeline.lost_recently``
(hamsu.crm.glossary). One aggregate query, whatever the number of events."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from hamsu.crm.models import StageEvent
from hamsu.crm.selectors import opportunities_visible
from hamsu.crm.stages import OPEN_STAGES, Stage

# A move is a change between stages: a deal's first event (its creation, from no stage)
# is not one.
MOVED = Q(to_stage__in=OPEN_STAGES) & ~Q(from_stage="")


@dataclass(frozen=True)
class TeamChanges:
    team_id: int | None
    team: str  # the team's name; "" for deals without a team
    moved: int
    won: int
    lost: int


def pipeline_changes(*, user, team_ids: list[int] | None, since: datetime.datetime) -> list[TeamChanges]:
    """Per team, the deals ``user`` may see that moved, were won or were lost at or after
    ``since``; only ``team_ids``' deals (None: every team's, and deals without one).

    Each figure counts deals, not events: a deal moved twice counts once. A deal is in
    its current team, so the teams add up to the whole."""
    deals = opportunities_visible(user)
    if team_ids is not None:
        deals = deals.filter(team_id__in=team_ids)
    rows = (
        StageEvent.objects.filter(
            object_type=StageEvent.ObjectType.OPPORTUNITY,
            at__gte=since,
            opportunity_id__in=deals.values("pk"),
        )
        .values("opportunity__team_id", "opportunity__team__name")
        .annotate(
            moved=Count("opportunity_id", filter=MOVED, distinct=True),
            won=Count("opportunity_id", filter=Q(to_stage=Stage.WON), distinct=True),
            lost=Count("opportunity_id", filter=Q(to_stage=Stage.LOST), distinct=True),
        )
        .order_by("opportunity__team__name", "opportunity__team_id")
    )
    return [
        TeamChanges(
            team_id=row["opportunity__team_id"],
            team=row["opportunity__team__name"] or "",
            moved=row["moved"],
            won=row["won"],
            lost=row["lost"],
        )
        for row in rows
        if row["moved"] or row["won"] or row["lost"]
    ]
