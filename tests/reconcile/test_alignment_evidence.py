"""The diagnostic's evidence ("Measured in Hamsu" on a round's results, and ``evidence`` in
/api/v1/alignment/rounds/<id>/results), reconciled.

For random small companies drawn by hypothesis — won deals on several accounts, activities
with and without marketers, collateral attached and rated, feedback notes, joint plans and
events, at random ages — the evidence of statements 3, 5, 6, 13 and 19 is recomputed here
from the raw rows following the glossary entries ``evidence.*`` (key accounts, shares and
counts written out plainly, not through the readers or the CRM selectors) and must be what
the API answers. Invariant: every share shown is between 0% and 100%.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from statistics import mean

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.alignment import services
from hamsu.alignment.models import Response
from hamsu.collaboration.models import (
    AccountPlan,
    Collateral,
    CollateralRating,
    CollateralUse,
    FeedbackNote,
    JointEvent,
    MarketingParticipation,
)
from hamsu.core import roles
from hamsu.crm.models import Activity, ActivityParticipant, Opportunity, OpportunityParticipant
from hamsu.directory.models import Function, Person, RoleTitle

KEYS = [f"s{i}" for i in range(1, 21)]
MARKETING = {"upstream_marketing", "downstream_marketing"}
DAY = datetime.timedelta(days=1)
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Ages end on half days, so no row sits on a window's edge while the request runs.
ages = st.integers(0, 500).map(lambda d: d + 0.5)

companies = st.fixed_dictionaries(
    {
        "deals": st.lists(
            st.fixed_dictionaries(
                {
                    "account": st.integers(0, 12),
                    "won": st.booleans(),
                    "age": ages,
                    "amount": st.integers(1, 50).map(lambda n: Decimal(n * 1000)),
                    "collateral": st.booleans(),
                    "marketer_role": st.booleans(),
                }
            ),
            max_size=16,
        ),
        "activities": st.lists(
            st.fixed_dictionaries({"deal": st.integers(0, 15), "age": ages, "marketer": st.booleans()}),
            max_size=12,
        ),
        "ratings": st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5)), max_size=4),
        "notes": st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 150).map(lambda d: d + 0.5)), max_size=6
        ),
        "inactive_seller": st.booleans(),
        "plans": st.lists(
            st.fixed_dictionaries(
                {
                    "account": st.integers(0, 12),
                    "owner": st.booleans(),
                    "took_part": st.sampled_from([None, 10, 400]),
                }
            ),
            max_size=5,
        ),
        "events": st.lists(ages, max_size=4),
    }
)


def build(spec, *, make_person, make_account):
    now = timezone.now()
    sellers = [make_person(f"Seller {n}", function=Function.SALES) for n in range(3)]
    if spec["inactive_seller"]:
        Person.objects.filter(pk=sellers[2].pk).update(is_active=False)
    marketer = make_person(
        "Marketer", function=Function.DOWNSTREAM_MARKETING, title=RoleTitle.CAMPAIGN_MANAGER
    )
    accounts = {}
    deals = []
    piece = Collateral.objects.create(title="Case study", kind="case_study")
    for n, deal in enumerate(spec["deals"]):
        account = accounts.get(deal["account"]) or accounts.setdefault(
            deal["account"], make_account(sellers[0], name=f"Account {deal['account']}")
        )
        at = now - deal["age"] * DAY
        opportunity = Opportunity.objects.create(
            name=f"Deal {n}",
            account=account,
            owner=sellers[0],
            stage="won" if deal["won"] else "negotiation",
            probability=100 if deal["won"] else 60,
            amount=deal["amount"],
            currency="USD",
            amount_base=deal["amount"],
            expected_close=now.date(),
            closed_at=at if deal["won"] else None,
            created_at=at - 30 * DAY,
        )
        deals.append(opportunity)
        if deal["collateral"]:
            CollateralUse.objects.create(collateral=piece, opportunity=opportunity, attached_by=sellers[0])
        if deal["marketer_role"]:
            OpportunityParticipant.objects.create(
                opportunity=opportunity, person=marketer, role="brand_manager"
            )
    for n, activity in enumerate(spec["activities"]):
        if not deals:
            break
        deal = deals[activity["deal"] % len(deals)]
        row = Activity.objects.create(
            kind="meeting",
            subject=f"Visit {n}",
            owner=sellers[0],
            opportunity=deal,
            account=deal.account,
            occurred_at=now - activity["age"] * DAY,
        )
        if activity["marketer"]:
            ActivityParticipant.objects.create(activity=row, person=marketer, function=marketer.function)
    for who, stars in spec["ratings"]:
        person = marketer if who == 2 else sellers[who]
        CollateralRating.objects.update_or_create(collateral=piece, person=person, defaults={"stars": stars})
    for who, age in spec["notes"]:
        FeedbackNote.objects.create(author=sellers[who], customer_need="x", created_at=now - age * DAY)
    for plan in spec["plans"]:
        account = accounts.get(plan["account"])
        if account is None or AccountPlan.objects.filter(account=account).exists():
            continue
        row = AccountPlan.objects.create(
            account=account, sales_owner=sellers[0], marketing_owner=marketer if plan["owner"] else None
        )
        if plan["took_part"] is not None:
            MarketingParticipation.objects.create(
                plan=row,
                person=marketer,
                kind="planning",
                occurred_on=timezone.localdate() - plan["took_part"] * DAY,
            )
    for n, age in enumerate(spec["events"]):
        start = now - age * DAY
        JointEvent.objects.create(
            title=f"Event {n}", kind="training", starts_at=start, ends_at=start, organiser=marketer
        )
    round_ = services.round_create(
        actor=None, name="Evidence", closes_at=now + 7 * DAY, anonymous=False, min_group_size=2
    )
    Response.objects.bulk_create(
        Response(round=round_, function=f, **dict.fromkeys(KEYS, 3))
        for f in ("sales", "sales", "marketing", "marketing")
    )
    return round_


def pct(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%"


def expected(now: datetime.datetime) -> dict[str, str]:
    """The evidence values, written out from the raw rows."""
    year_ago = now - 365 * DAY
    won = [
        d
        for d in Opportunity.objects.values("id", "account_id", "stage", "closed_at", "amount_base")
        if d["stage"] == "won" and d["closed_at"] <= now
    ]
    keys: list[int] = []
    for pool in ([d for d in won if d["closed_at"] > year_ago], won):
        totals: dict[int, Decimal] = {}
        for d in pool:
            totals[d["account_id"]] = totals.get(d["account_id"], Decimal("0")) + d["amount_base"]
        keys = [a for a, _t in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))][:10]
        if keys:
            break
    out = {}
    deal_account = dict(Opportunity.objects.values_list("id", "account_id"))
    with_marketer = set(
        ActivityParticipant.objects.filter(function__in=MARKETING).values_list("activity_id", flat=True)
    )
    if keys:
        activities = [
            a
            for a in Activity.objects.values("id", "account_id", "opportunity_id", "occurred_at")
            if year_ago <= a["occurred_at"] <= now
            and (a["account_id"] in keys or deal_account.get(a["opportunity_id"]) in keys)
        ]
        if activities:
            joined = sum(1 for a in activities if a["id"] in with_marketer)
            out["s3"] = (
                f"{pct(joined, len(activities))} of {len(activities)} activities on the top {len(keys)} "
                "accounts included a marketer"
            )
    won_year = [d for d in won if d["closed_at"] >= year_ago]
    if won_year:
        used = set(CollateralUse.objects.values_list("opportunity_id", flat=True))
        text = f"used in {pct(sum(1 for d in won_year if d['id'] in used), len(won_year))} of {len(won_year)} deals won in the last year"
        stars = [
            r["stars"]
            for r in CollateralRating.objects.values("stars", "person__function")
            if r["person__function"] == "sales"
        ]
        if stars:
            text += f"; sellers rate it {mean(stars):.1f} of 5"
        out["s5"] = text
    sellers = {
        p["id"]
        for p in Person.objects.values("id", "function", "is_active")
        if p["function"] == "sales" and p["is_active"]
    }
    gave = {
        n["author_id"]
        for n in FeedbackNote.objects.values("author_id", "created_at")
        if n["author_id"] in sellers and now - 90 * DAY <= n["created_at"] <= now
    }
    out["s6"] = (
        f"{pct(len(gave), len(sellers))} of {len(sellers)} sellers gave marketing feedback in the last 90 days"
    )
    if keys:
        covered = {
            p["account_id"]
            for p in AccountPlan.objects.values("account_id", "marketing_owner_id", "status")
            if p["account_id"] in keys and p["marketing_owner_id"] and p["status"] != "closed"
        }
        covered |= {
            m["plan__account_id"]
            for m in MarketingParticipation.objects.values("plan__account_id", "occurred_on")
            if m["plan__account_id"] in keys and year_ago.date() < m["occurred_on"] <= now.date()
        }
        covered |= {
            deal_account[r["opportunity_id"]]
            for r in OpportunityParticipant.objects.values("opportunity_id", "person__function")
            if r["person__function"] in MARKETING and deal_account[r["opportunity_id"]] in keys
        }
        out["s13"] = (
            f"marketing helps on {len(covered)} of the top {len(keys)} accounts (a plan owner, work on the "
            "plan in the last year or a role on a deal)"
        )
    events = sum(1 for e in JointEvent.objects.values_list("starts_at", flat=True) if year_ago < e <= now)
    out["s19"] = f"{events} joint trainings or events in the last year"
    return out


@pytest.fixture
def leader_client(client, make_person):
    leader = make_person(
        "Lale Leader", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    client.force_login(leader.user)
    return client


@pytest.mark.django_db
@SETTINGS
@given(spec=companies)
def test_the_evidence_shows_what_the_rows_say(spec, leader_client, make_person, make_account):
    with transaction.atomic():
        round_ = build(spec, make_person=make_person, make_account=make_account)
        shown = leader_client.get(f"/api/v1/alignment/rounds/{round_.pk}/results").json()
        values = {e["statement"]: e["value"] for e in shown["evidence"] if e["measured"]}
        want = expected(timezone.now())
        for statement in ("s3", "s5", "s6", "s13", "s19"):
            assert values.get(statement) == want.get(statement), statement
        for value in values.values():
            for share in re.findall(r"(\d+)%", value):
                assert 0 <= int(share) <= 100
        transaction.set_rollback(True)
