"""When a lead or a deal has reached a stage: the one definition every page counts with.

A lead's path is inquiry → MQL → SAL → SQL → opportunity → won; a deal's is prospecting →
… → negotiation → won. An object has **reached** a stage of its path when it has been at
that stage or at any later one: a lead that went from MQL straight to opportunity (an
import, a seller converting at once) has passed SAL and SQL on the way — what counts is
how far down it got, never which steps were written down. It reached the stage **at** the
first event that took it there or further.

States off the path (nurture, disqualified, a lost deal) are where an object leaves it
and say nothing of how far it got — except a lead in *lost*: only a lead whose deal was
lost gets there, so it had reached opportunity.

The funnel page, the closed loop (``hamsu.campaigns``) and the scorecard's lead figures
(``hamsu.scorecard``) all count with these functions, so a lead is an SQL on every page
or on none.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from hamsu.crm.models import StageEvent
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.funnel.models import LeadState

LEAD = StageEvent.ObjectType.LEAD.value
OPPORTUNITY = StageEvent.ObjectType.OPPORTUNITY.value

PATHS: dict[str, tuple[str, ...]] = {
    LEAD: (
        LeadState.INQUIRY.value,
        LeadState.MQL.value,
        LeadState.SAL.value,
        LeadState.SQL.value,
        LeadState.OPPORTUNITY.value,
        LeadState.WON.value,
    ),
    OPPORTUNITY: (*(s.value for s in OPEN_STAGES), Stage.WON.value),
}
LEAD_PATH = PATHS[LEAD]
OPPORTUNITY_PATH = PATHS[OPPORTUNITY]

# Off the path: the states an object leaves the path for.
OFF_PATH: dict[str, tuple[str, ...]] = {
    LEAD: (LeadState.NURTURE.value, LeadState.DISQUALIFIED.value, LeadState.LOST.value),
    OPPORTUNITY: (Stage.LOST.value,),
}
# Off-path states that still prove how far the object got.
IMPLIED: dict[str, dict[str, str]] = {
    LEAD: {LeadState.LOST.value: LeadState.OPPORTUNITY.value},
    OPPORTUNITY: {},
}
# Where each kind of object keeps its current state.
_STATE_FIELD = {LEAD: "state", OPPORTUNITY: "stage"}


def known_states(object_type: str) -> tuple[str, ...]:
    return PATHS[object_type] + OFF_PATH[object_type]


def depth(object_type: str, state: str) -> int | None:
    """How far down its path an object in ``state`` has got (0 = the top); None off the path."""
    path = PATHS[object_type]
    state = IMPLIED[object_type].get(state, state)
    return path.index(state) if state in path else None


def proving(object_type: str, stage: str) -> list[str]:
    """Every state that shows an object has reached ``stage`` of its path (it or later)."""
    target = depth(object_type, stage)
    if target is None:
        raise ValueError(f"{stage!r} is not on the {object_type} path")
    return [s for s in known_states(object_type) if (d := depth(object_type, s)) is not None and d >= target]


def depth_case(object_type: str, field: str) -> Case:
    """SQL for :func:`depth` of a stored state (NULL off the path)."""
    whens = [
        When(**{field: state}, then=Value(d))
        for state in known_states(object_type)
        if (d := depth(object_type, state)) is not None
    ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def first_reached(stage: str, *, object_type: str = LEAD) -> QuerySet:
    """Per object that reached ``stage``: ``object_id`` and ``at``, when it first did."""
    return (
        StageEvent.objects.filter(object_type=object_type, to_stage__in=proving(object_type, stage))
        .order_by()
        .values("object_id")
        .annotate(at=Min("at"))
    )


def reached_between(
    stage: str,
    *,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    object_type: str = LEAD,
) -> int:
    """How many objects first reached ``stage`` (or further) in [since, until)."""
    firsts = first_reached(stage, object_type=object_type)
    if since is not None:
        firsts = firsts.filter(at__gte=since)
    if until is not None:
        firsts = firsts.filter(at__lt=until)
    return firsts.count()


def stages_passed(object_type: str, from_depth: int, to_state: str) -> list[str]:
    """The path stages an object at ``from_depth`` newly reaches by moving to ``to_state``
    (skipped stages included; none when it moves back or off the path)."""
    target = depth(object_type, to_state)
    if target is None:
        return []
    return list(PATHS[object_type][from_depth + 1 : target + 1])


def ever_in(object_type: str, states: list[str]) -> Q:
    """Objects (leads or opportunities) that are, or ever were, in one of ``states``."""
    return Q(**{f"{_STATE_FIELD[object_type]}__in": states}) | Q(
        Exists(
            StageEvent.objects.filter(object_type=object_type, object_id=OuterRef("pk"), to_stage__in=states)
        )
    )


def count_by_depth(objects: QuerySet, object_type: str) -> dict[int, int]:
    """How many of ``objects`` (leads or opportunities) got to each depth of their path:
    the deepest of their current state and every state their events moved them to."""
    deepest_event = Subquery(
        StageEvent.objects.filter(object_type=object_type, object_id=OuterRef("pk"))
        .order_by()
        .values("object_id")
        .annotate(d=Max(depth_case(object_type, "to_stage")))
        .values("d")[:1],
        output_field=IntegerField(),
    )
    rows = (
        objects.order_by()
        .annotate(
            _depth=Greatest(
                Coalesce(deepest_event, Value(-1)),
                Coalesce(depth_case(object_type, _STATE_FIELD[object_type]), Value(-1)),
            )
        )
        .values("_depth")
        .annotate(n=Count("pk"))
    )
    return {row["_depth"]: row["n"] for row in rows if row["_depth"] >= 0}
