"""Small random funnel companies for the funnel's reconciliation tests.

A company is leads and deals walking their lifecycles at random (skipping steps as imports
do, going back to nurture, losing deals), created at random ages, in two teams and up to
two segments, plus handoffs with random answers and deadlines. Rows are written as the
services, imports and the demo write them: one stage event per move, the current state
equal to the last event's.

Everything is drawn by hypothesis (``companies()``) and written by ``build(spec, ...)``;
the tests then read the rows back with ``.values()`` and recompute each figure plainly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from hypothesis import strategies as st

from hamsu.crm.models import Opportunity, Segment, StageEvent
from hamsu.directory.models import Function, Team
from hamsu.funnel.models import Handoff, Lead, LeadQueue, ReturnReason

# Where a lead may go next: the lifecycle's moves, an import's skip (mql → opportunity),
# returns and recycling. A walk may stop anywhere.
LEAD_MOVES = {
    "inquiry": ["mql", "nurture", "disqualified"],
    "mql": ["sal", "nurture", "disqualified", "opportunity"],
    "sal": ["sql", "nurture", "disqualified"],
    "sql": ["opportunity", "nurture", "disqualified"],
    "opportunity": ["won", "lost"],
    "lost": ["nurture"],
    "nurture": ["mql", "disqualified"],
    "disqualified": [],
    "won": [],
}
COMPANIES = ["Acme", "Pars", ""]
DEAL_OPEN = [
    "prospecting",
    "qualifying",
    "needs_definition",
    "solution_development",
    "decision",
    "negotiation",
]

# Ages are whole days plus half a day, so no row sits on a period's boundary (the page's
# "now" and the test's differ by milliseconds).
ages = st.integers(min_value=0, max_value=800)


@st.composite
def lead_walks(draw):
    path = ["inquiry"]
    for choice in draw(st.lists(st.integers(min_value=0, max_value=3), max_size=7)):
        options = LEAD_MOVES[path[-1]]
        if not options:
            break
        path.append(options[choice % len(options)])
    return path


@st.composite
def deal_walks(draw):
    # A deal starts at any open stage (imports start late), moves down, maybe skipping,
    # and may close won or lost.
    start = draw(st.integers(min_value=0, max_value=len(DEAL_OPEN) - 1))
    path = [DEAL_OPEN[start]]
    for jump in draw(st.lists(st.integers(min_value=1, max_value=3), max_size=4)):
        index = DEAL_OPEN.index(path[-1]) + jump
        if index >= len(DEAL_OPEN):
            break
        path.append(DEAL_OPEN[index])
    closing = draw(st.sampled_from([None, "won", "lost"]))
    return path + ([closing] if closing else [])


@dataclass(frozen=True)
class Row:
    path: list
    age_days: int
    team: int  # 0 or 1: every row has a team, so team parts add up to the whole
    segment: int | None


def rows(walks):
    return st.builds(
        Row,
        path=walks,
        age_days=ages,
        team=st.integers(min_value=0, max_value=1),
        segment=st.sampled_from([None, 0, 1]),
    )


@dataclass(frozen=True)
class HandoffSpec:
    team: int | None
    opened_hours_ago: int
    status: str
    due_after_hours: int
    answered_after_hours: int
    escalated: bool
    accepted_follow_up_after_hours: int | None
    attempts: int
    return_reason: str


handoffs = st.builds(
    HandoffSpec,
    team=st.sampled_from([None, 0, 1]),
    opened_hours_ago=st.integers(min_value=1, max_value=24 * 400),
    status=st.sampled_from(["open", "accepted", "returned"]),
    due_after_hours=st.integers(min_value=1, max_value=72),
    answered_after_hours=st.integers(min_value=0, max_value=96),
    escalated=st.booleans(),
    accepted_follow_up_after_hours=st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
    attempts=st.integers(min_value=0, max_value=5),
    return_reason=st.sampled_from(ReturnReason.values),
)


@dataclass(frozen=True)
class Company:
    leads: list
    deals: list
    handoffs: list


def companies(*, max_leads: int = 12, max_deals: int = 8, max_handoffs: int = 0):
    return st.builds(
        Company,
        leads=st.lists(rows(lead_walks()), max_size=max_leads),
        deals=st.lists(rows(deal_walks()), max_size=max_deals),
        handoffs=st.lists(handoffs, max_size=max_handoffs),
    )


@dataclass
class Built:
    now: datetime.datetime
    teams: list[Team]
    segments: list[Segment]


def build(company: Company, *, owner, account) -> Built:
    """Write the company's rows; ``owner`` (a Person) and ``account`` own the deals."""
    now = timezone.now()
    teams = [Team.objects.create(name=f"Reconcile team {i}", function=Function.SALES) for i in range(2)]
    segments = [Segment.objects.create(name=f"Reconcile segment {i}") for i in range(2)]

    def created(age_days: int) -> datetime.datetime:
        return now - datetime.timedelta(days=age_days, hours=12)

    def events(object_type, object_id, path, at, opportunity=None):
        previous = ""
        for step, stage in enumerate(path):
            StageEvent.objects.create(
                object_type=object_type,
                object_id=object_id,
                opportunity=opportunity,
                from_stage=previous,
                to_stage=stage,
                at=at + datetime.timedelta(hours=step),
            )
            previous = stage

    for n, row in enumerate(company.leads):
        at = created(row.age_days)
        lead = Lead.objects.create(
            last_name=f"Lead {n}",
            company=COMPANIES[n % len(COMPANIES)],
            state=row.path[-1],
            queue=LeadQueue.MARKETING,
            created_at=at,
            state_changed_at=at,
            team=teams[row.team],
            segment=None if row.segment is None else segments[row.segment],
        )
        events("lead", lead.pk, row.path, at)
    for row in company.deals:
        at = created(row.age_days)
        deal = Opportunity.objects.create(
            name="Reconcile deal",
            account=account,
            owner=owner,
            team=teams[row.team],
            segment=None if row.segment is None else segments[row.segment],
            stage=row.path[-1],
            probability=50,
            amount=Decimal("100"),
            currency="USD",
            amount_base=Decimal("100"),
            expected_close=(now + datetime.timedelta(days=30)).date(),
            closed_at=at if row.path[-1] in ("won", "lost") else None,
            created_at=at,
            stage_changed_at=at,
        )
        events("opportunity", deal.pk, row.path, at, opportunity=deal)
    for spec in company.handoffs:
        _handoff(spec, now=now, teams=teams)
    return Built(now=now, teams=teams, segments=segments)


def _handoff(spec: HandoffSpec, *, now, teams) -> None:
    opened = now - datetime.timedelta(hours=spec.opened_hours_ago, minutes=30)
    answered = opened + datetime.timedelta(hours=spec.answered_after_hours)
    state = {"open": "mql", "accepted": "sal", "returned": "nurture"}[spec.status]
    accepted_at = answered if spec.status == "accepted" else None
    follow_up = (
        accepted_at + datetime.timedelta(hours=spec.accepted_follow_up_after_hours)
        if accepted_at and spec.accepted_follow_up_after_hours is not None
        else None
    )
    lead = Lead.objects.create(
        state=state,
        queue=LeadQueue.HANDOFF if spec.status == "open" else LeadQueue.RECYCLE,
        created_at=opened,
        state_changed_at=answered if spec.status != "open" else opened,
        team=None if spec.team is None else teams[spec.team],
        accepted_at=accepted_at,
        first_follow_up_at=follow_up,
        follow_up_attempts=spec.attempts,
        return_reason=spec.return_reason if spec.status == "returned" else "",
        returned_at=answered if spec.status == "returned" else None,
    )
    Handoff.objects.create(
        lead=lead,
        team=None if spec.team is None else teams[spec.team],
        status=spec.status,
        opened_at=opened,
        due_at=opened + datetime.timedelta(hours=spec.due_after_hours),
        closed_at=None if spec.status == "open" else answered,
        escalated_at=opened + datetime.timedelta(hours=spec.due_after_hours) if spec.escalated else None,
    )
