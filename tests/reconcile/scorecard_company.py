"""Small random companies for the scorecard's reconciliation tests.

A company is deals walking down the sales stages (starting anywhere, skipping stages as
imports do) and maybe closing won or lost, created on random days between July 2025 and
June 2026, each with a team, seller, segment (or none), product, source, account, value
and gross profit of its own, plus quarterly targets for the company and for every team,
seller, segment and product, and monthly costs. Rows are written as the services, imports
and the demo write them: one stage event per move, the deal's stage its last event's.

On request (``companies(max_leads=…, max_handoffs=…)``) a company also has leads walking
the lead lifecycle (skipping steps, going back to nurture, some deals lost), handoffs to
the sales teams with random answers and deadlines under an SLA policy (the company's
default and team 0's own), segments discovered and products launched on random days,
and market-entry costs booked against segments.

Everything is drawn by hypothesis (``companies()``) and written by ``build(company, ...)``;
the tests refresh the aggregates as the product does (``aggregates.fill``), then read the
raw rows back with ``.values()`` and recompute every figure plainly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from hypothesis import strategies as st

from hamsu.crm.models import Account, Opportunity, Product, Segment, StageEvent
from hamsu.directory.models import Function, Team
from hamsu.funnel.models import BusinessCalendar, Handoff, Lead, LeadQueue, SlaPolicy
from hamsu.scorecard.models import CostEntry, Target
from hamsu.scorecard.periods import GREGORIAN, parse_period

OPEN = ["prospecting", "qualifying", "needs_definition", "solution_development", "decision", "negotiation"]
FIRST_DAY = datetime.date(2025, 7, 1)
QUARTERS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


@st.composite
def walks(draw):
    """Stages a deal passes through, each after a number of days."""
    start = draw(st.integers(min_value=0, max_value=len(OPEN) - 1))
    path = [OPEN[start]]
    for jump in draw(st.lists(st.integers(min_value=1, max_value=3), max_size=3)):
        index = OPEN.index(path[-1]) + jump
        if index >= len(OPEN):
            break
        path.append(OPEN[index])
    closing = draw(st.sampled_from([None, None, "won", "lost"]))
    path += [closing] if closing else []
    gaps = draw(
        st.lists(st.integers(min_value=1, max_value=60), min_size=len(path) - 1, max_size=len(path) - 1)
    )
    return list(zip(path, [0, *gaps], strict=True))


@dataclass(frozen=True)
class DealSpec:
    walk: list  # [(stage, days after the previous move)]
    created_day: int  # days after FIRST_DAY
    team: int  # 0 or 1: every deal has a team, so team parts add up to the whole
    seller: int  # 0 or 1
    segment: int | None
    product: int  # 0 or 1
    source: str
    account: int  # 0, 1 or 2: accounts buy more than once
    amount: int
    gross_profit: int


deals = st.builds(
    DealSpec,
    walk=walks(),
    created_day=st.integers(min_value=0, max_value=364),
    team=st.integers(min_value=0, max_value=1),
    seller=st.integers(min_value=0, max_value=1),
    segment=st.sampled_from([None, 0, 1]),
    product=st.integers(min_value=0, max_value=1),
    source=st.sampled_from(["sales", "marketing"]),
    account=st.integers(min_value=0, max_value=2),
    amount=st.integers(min_value=1, max_value=9000),
    gross_profit=st.integers(min_value=0, max_value=900),
)


# Where a lead may go next: the lifecycle's moves, an import's skip (MQL straight to an
# opportunity), returns to nurture and recycling. A walk may stop anywhere.
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


@st.composite
def lead_walks(draw):
    """States a lead passes through, each after a number of days (0: the same day)."""
    path = [(draw(st.sampled_from(["inquiry", "inquiry", "mql"])), 0)]
    steps = st.tuples(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=40))
    for choice, gap in draw(st.lists(steps, max_size=6)):
        options = LEAD_MOVES[path[-1][0]]
        if not options:
            break
        path.append((options[choice % len(options)], gap))
    return path


@dataclass(frozen=True)
class LeadSpec:
    walk: list  # [(state, days after the previous move)]
    created_day: int  # days after FIRST_DAY (it may start before the first period shown)
    hour: int


leads = st.builds(
    LeadSpec,
    walk=lead_walks(),
    created_day=st.integers(min_value=-60, max_value=364),
    hour=st.integers(min_value=0, max_value=23),
)


@dataclass(frozen=True)
class HandoffSpec:
    team: int | None  # None: a handoff no team took (held to the default policy)
    opened_day: int  # days after FIRST_DAY
    opened_minute: int  # minute of that day: handoffs open at any time of day
    status: str
    due_after_hours: int
    answered_after_hours: int
    escalated: bool


handoffs = st.builds(
    HandoffSpec,
    team=st.sampled_from([None, 0, 1]),
    opened_day=st.integers(min_value=-5, max_value=369),
    opened_minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    status=st.sampled_from(["open", "accepted", "returned"]),
    due_after_hours=st.integers(min_value=1, max_value=72),
    answered_after_hours=st.integers(min_value=0, max_value=96),
    escalated=st.booleans(),
)
# Discovery and launch days, from two years before the first period to its end: the
# "new in the last two years" metrics see some of them and not others.
LAUNCH_DAYS = st.one_of(st.none(), st.integers(min_value=-800, max_value=364))


@dataclass(frozen=True)
class Company:
    deals: list
    target_amounts: list  # drawn per (scope item, quarter)
    costs: list  # per month of the year from July 2025
    leads: list = ()
    handoffs: list = ()
    mql_targets: tuple = (40, 12)  # per month: the default policy's and team 0's own
    discovered: tuple = (None, None)  # per segment: days after FIRST_DAY (None: never set)
    launched: tuple = (None, None)  # per product: days after FIRST_DAY
    entry_costs: list = ()  # (month index, segment index, amount): market-entry costs


def companies(*, max_deals: int = 14, max_leads: int = 0, max_handoffs: int = 0, max_entry_costs: int = 0):
    return st.builds(
        Company,
        deals=st.lists(deals, max_size=max_deals),
        target_amounts=st.lists(st.integers(min_value=1000, max_value=50000), min_size=40, max_size=40),
        costs=st.lists(st.integers(min_value=0, max_value=3000), min_size=12, max_size=12),
        leads=st.lists(leads, max_size=max_leads),
        handoffs=st.lists(handoffs, max_size=max_handoffs),
        mql_targets=st.tuples(st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=60)),
        discovered=st.tuples(LAUNCH_DAYS, LAUNCH_DAYS),
        launched=st.tuples(LAUNCH_DAYS, LAUNCH_DAYS),
        entry_costs=st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=11),
                st.integers(min_value=0, max_value=1),
                st.integers(min_value=1, max_value=5000),
            ),
            max_size=max_entry_costs,
        ),
    )


@dataclass
class Built:
    teams: list
    sellers: list
    segments: list
    products: list


def build(company: Company, *, sellers: list) -> Built:
    """Write the company's rows; ``sellers`` are two directory people who own the deals."""
    teams = [Team.objects.create(name=f"Scorecard team {i}", function=Function.SALES) for i in range(2)]
    segments = [
        Segment.objects.create(name=f"Scorecard segment {i}", discovered_on=_day(company.discovered[i]))
        for i in range(2)
    ]
    products = [
        Product.objects.create(
            name=f"Scorecard product {i}",
            code=f"SP{i}",
            list_price=100,
            unit_cost=10,
            launched_on=_day(company.launched[i]),
        )
        for i in range(2)
    ]
    accounts = [Account.objects.create(name=f"Scorecard account {i}", owner=sellers[0]) for i in range(3)]
    for spec in company.deals:
        created = timezone.make_aware(
            datetime.datetime.combine(
                FIRST_DAY + datetime.timedelta(days=spec.created_day), datetime.time(12)
            )
        )
        moves, at = [], created
        for stage, gap in spec.walk:
            at = at + datetime.timedelta(days=gap)
            moves.append((stage, at))
        last_stage, last_at = moves[-1]
        deal = Opportunity.objects.create(
            name="Scorecard deal",
            account=accounts[spec.account],
            owner=sellers[spec.seller],
            team=teams[spec.team],
            segment=None if spec.segment is None else segments[spec.segment],
            product=products[spec.product],
            source=spec.source,
            stage=last_stage,
            probability=50,
            amount=Decimal(spec.amount),
            currency="USD",
            amount_base=Decimal(spec.amount),
            gross_profit=Decimal(spec.gross_profit),
            expected_close=(last_at + datetime.timedelta(days=30)).date(),
            closed_at=last_at if last_stage in ("won", "lost") else None,
            created_at=created,
            stage_changed_at=last_at,
        )
        previous = ""
        for stage, when in moves:
            StageEvent.objects.create(
                object_type="opportunity",
                object_id=deal.pk,
                opportunity=deal,
                from_stage=previous,
                to_stage=stage,
                at=when,
            )
            previous = stage
    amounts = iter(company.target_amounts)
    scopes = [("company", {})]
    scopes += [("team", {"team": t}) for t in teams]
    scopes += [("seller", {"person": p}) for p in sellers]
    scopes += [("segment", {"segment": s}) for s in segments]
    scopes += [("product", {"product": p}) for p in products]
    for key in QUARTERS:
        period = parse_period(key, GREGORIAN)
        for scope, item in scopes:
            Target.objects.create(
                scope=scope,
                amount=Decimal(next(amounts)),
                calendar=GREGORIAN,
                period_key=key,
                period_kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                **item,
            )
    for i, amount in enumerate(company.costs):
        CostEntry.objects.create(
            month=_month(i),
            function="sales" if i % 2 else "marketing",
            category="salaries",
            amount=Decimal(amount),
            currency="USD",
            amount_base=Decimal(amount),
        )
    for month_index, segment, amount in company.entry_costs:
        CostEntry.objects.create(
            month=_month(month_index),
            function="marketing",
            category="market_entry",
            segment=segments[segment],
            amount=Decimal(amount),
            currency="USD",
            amount_base=Decimal(amount),
        )
    for spec in company.leads:
        _lead(spec)
    if company.handoffs:
        _sla_policies(company.mql_targets, teams)
    for spec in company.handoffs:
        _handoff(spec, teams)
    return Built(teams=teams, sellers=sellers, segments=segments, products=products)


def _day(offset: int | None) -> datetime.date | None:
    return None if offset is None else FIRST_DAY + datetime.timedelta(days=offset)


def _month(index: int) -> datetime.date:
    return datetime.date(2025 + (6 + index) // 12, (6 + index) % 12 + 1, 1)


def _lead(spec: LeadSpec) -> None:
    """A lead and one stage event per move; moves on the same day are an hour apart."""
    at = timezone.make_aware(
        datetime.datetime.combine(
            FIRST_DAY + datetime.timedelta(days=spec.created_day), datetime.time(spec.hour)
        )
    )
    moves = []
    for step, (state, gap) in enumerate(spec.walk):
        at = at + datetime.timedelta(days=gap, hours=1 if step else 0)
        moves.append((state, at))
    lead = Lead.objects.create(
        last_name="Scorecard lead",
        state=moves[-1][0],
        queue=LeadQueue.MARKETING,
        created_at=moves[0][1],
        state_changed_at=moves[-1][1],
    )
    previous = ""
    for state, when in moves:
        StageEvent.objects.create(
            object_type="lead", object_id=lead.pk, from_stage=previous, to_stage=state, at=when
        )
        previous = state


def _sla_policies(mql_targets: tuple, teams: list) -> None:
    calendar = BusinessCalendar.objects.create(name="Scorecard calendar", workdays=[0, 1, 2, 3, 4])
    SlaPolicy.objects.create(name="Scorecard default", calendar=calendar, mql_target_per_month=mql_targets[0])
    SlaPolicy.objects.create(
        name="Scorecard team 0", team=teams[0], calendar=calendar, mql_target_per_month=mql_targets[1]
    )


def _handoff(spec: HandoffSpec, teams: list) -> None:
    """A handoff (and its lead, with no stage event: the SLA counts handoffs, not stages)."""
    opened = timezone.make_aware(
        datetime.datetime.combine(FIRST_DAY + datetime.timedelta(days=spec.opened_day), datetime.time())
    ) + datetime.timedelta(minutes=spec.opened_minute)
    answered = opened + datetime.timedelta(hours=spec.answered_after_hours)
    due = opened + datetime.timedelta(hours=spec.due_after_hours)
    team = None if spec.team is None else teams[spec.team]
    lead = Lead.objects.create(
        last_name="Scorecard handoff",
        state={"open": "mql", "accepted": "sal", "returned": "nurture"}[spec.status],
        queue=LeadQueue.HANDOFF if spec.status == "open" else LeadQueue.RECYCLE,
        created_at=opened,
        state_changed_at=opened if spec.status == "open" else answered,
        team=team,
    )
    Handoff.objects.create(
        lead=lead,
        team=team,
        status=spec.status,
        opened_at=opened,
        due_at=due,
        closed_at=None if spec.status == "open" else answered,
        escalated_at=due if spec.escalated else None,
    )
