"""Small random companies for the scorecard's reconciliation tests.

A company is deals walking down the sales stages (starting anywhere, skipping stages as
imports do) and maybe closing won or lost, created on random days between July 2025 and
June 2026, each with a team, seller, segment (or none), product, source, account, value
and gross profit of its own, plus quarterly targets for the company and for every team,
seller, segment and product, and monthly costs. Rows are written as the services, imports
and the demo write them: one stage event per move, the deal's stage its last event's.

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

from hamsu.crm.models import Account, Opportunity, Product, Segment
from hamsu.directory.models import Function, Team
from hamsu.funnel.models import StageEvent
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


@dataclass(frozen=True)
class Company:
    deals: list
    target_amounts: list  # drawn per (scope item, quarter)
    costs: list  # per month of the year from July 2025


def companies(*, max_deals: int = 14):
    return st.builds(
        Company,
        deals=st.lists(deals, max_size=max_deals),
        target_amounts=st.lists(st.integers(min_value=1000, max_value=50000), min_size=40, max_size=40),
        costs=st.lists(st.integers(min_value=0, max_value=3000), min_size=12, max_size=12),
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
    segments = [Segment.objects.create(name=f"Scorecard segment {i}") for i in range(2)]
    products = [
        Product.objects.create(name=f"Scorecard product {i}", code=f"SP{i}", list_price=100, unit_cost=10)
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
        month = datetime.date(2025 + (6 + i) // 12, (6 + i) % 12 + 1, 1)
        CostEntry.objects.create(
            month=month,
            function="sales" if i % 2 else "marketing",
            category="salaries",
            amount=Decimal(amount),
            currency="USD",
            amount_base=Decimal(amount),
        )
    return Built(teams=teams, sellers=sellers, segments=segments, products=products)
