"""The together pages' counts, reconciled: the collateral library (/together/collateral/ and
/api/v1/together/collateral) and marketing's part in the key-account plans
(/together/key-accounts/ and /api/v1/together/key-accounts/participation).

For random collateral — of random kinds and stages, attached to open, won and lost deals,
rated by sellers and marketers — and random plans with and without marketing
participations, the figures are recomputed here from the raw rows following the glossary
entries ``together.collateral_uses``, ``together.collateral_rating``,
``together.collateral_win_rate`` and ``together.plans_with_marketing``, under the kind and
stage filters the page offers. Invariants: win rates in [0, 1], won + lost ≤ uses, and the
kinds' pieces add up to the whole library.
"""

from __future__ import annotations

import datetime
from statistics import mean

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.collaboration.models import (
    AccountPlan,
    Collateral,
    CollateralRating,
    CollateralUse,
    MarketingParticipation,
)
from hamsu.crm.models import Opportunity
from hamsu.directory.models import Function, RoleTitle

API = "/api/v1/together"
KINDS = ["case_study", "success_story", "solution_template"]
STAGES = ["needs_definition", "solution_development", "decision"]
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

libraries = st.fixed_dictionaries(
    {
        "pieces": st.lists(
            st.fixed_dictionaries(
                {
                    "kind": st.sampled_from(KINDS),
                    "stages": st.sets(st.sampled_from(STAGES), max_size=2),
                    "uses": st.sets(st.integers(0, 7), max_size=6),
                    "ratings": st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5)), max_size=3),
                    "active": st.booleans(),
                }
            ),
            max_size=5,
        ),
        "deal_stages": st.lists(st.sampled_from(["won", "lost", "decision"]), min_size=8, max_size=8),
        "plans": st.lists(st.sampled_from(["none", "recent", "old", "twice"]), max_size=5),
    }
)


def build(spec, *, rep, marketer, make_person, make_account):
    raters = [rep, marketer, make_person("Another seller", function=Function.SALES)]
    account = make_account(rep)
    deals = []
    for n, stage in enumerate(spec["deal_stages"]):
        deals.append(
            Opportunity.objects.create(
                name=f"Deal {n}",
                account=account,
                owner=rep,
                stage=stage,
                probability=50,
                amount=1000,
                currency="USD",
                amount_base=1000,
                expected_close=timezone.localdate(),
            )
        )
    for n, piece in enumerate(spec["pieces"]):
        row = Collateral.objects.create(
            title=f"Piece {n}",
            kind=piece["kind"],
            stages="".join(f"|{s}" for s in sorted(piece["stages"])) + "|" if piece["stages"] else "",
            is_active=piece["active"],
        )
        for deal in piece["uses"]:
            CollateralUse.objects.create(collateral=row, opportunity=deals[deal], attached_by=rep)
        for who, stars in piece["ratings"]:
            CollateralRating.objects.update_or_create(
                collateral=row, person=raters[who], defaults={"stars": stars}
            )
    for n, kind in enumerate(spec["plans"]):
        plan = AccountPlan.objects.create(account=make_account(rep, name=f"Planned {n}"), sales_owner=rep)
        days = {"none": [], "recent": [5], "old": [400], "twice": [5, 30]}[kind]
        for ago in days:
            MarketingParticipation.objects.create(
                plan=plan,
                person=marketer,
                kind="planning",
                occurred_on=timezone.localdate() - datetime.timedelta(days=ago),
            )


def expected_collateral(kind: str = "", stage: str = "") -> dict[str, dict]:
    """Per active piece (title): uses, won, lost, win rate, mean stars and ratings, from the rows."""
    deal_stage = dict(Opportunity.objects.values_list("id", "stage"))
    uses: dict[int, list[int]] = {}
    for use in CollateralUse.objects.values("collateral_id", "opportunity_id"):
        uses.setdefault(use["collateral_id"], []).append(use["opportunity_id"])
    stars: dict[int, list[int]] = {}
    for rating in CollateralRating.objects.values("collateral_id", "stars"):
        stars.setdefault(rating["collateral_id"], []).append(rating["stars"])
    out = {}
    for piece in Collateral.objects.values("id", "title", "kind", "stages", "is_active"):
        if not piece["is_active"] or (kind and piece["kind"] != kind):
            continue
        if stage and stage not in [s for s in piece["stages"].split("|") if s]:
            continue
        deals = uses.get(piece["id"], [])
        won = sum(1 for d in deals if deal_stage[d] == "won")
        lost = sum(1 for d in deals if deal_stage[d] == "lost")
        given_stars = stars.get(piece["id"], [])
        out[piece["title"]] = {
            "uses": len(deals),
            "won": won,
            "lost": lost,
            "win_rate": won / (won + lost) if won + lost else None,
            "rating": mean(given_stars) if given_stars else None,
            "ratings": len(given_stars),
        }
    return out


def shown_collateral(client, **params) -> dict[str, dict]:
    rows = client.get(f"{API}/collateral", params).json()
    return {
        row["collateral"]["title"]: {
            k: row[k] for k in ("uses", "won", "lost", "win_rate", "rating", "ratings")
        }
        for row in rows
    }


@pytest.fixture
def leader_client(client, make_person):
    from hamsu.core import roles

    leader = make_person(
        "Lale Leader", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    client.force_login(leader.user)
    return client


@pytest.mark.django_db
@SETTINGS
@given(spec=libraries, kind=st.sampled_from(["", *KINDS]), stage=st.sampled_from(["", *STAGES]))
def test_the_collateral_library_shows_what_the_rows_say(
    spec, kind, stage, leader_client, rep, marketer, make_person, make_account
):
    with transaction.atomic():
        build(spec, rep=rep, marketer=marketer, make_person=make_person, make_account=make_account)
        shown = shown_collateral(
            leader_client, **{k: v for k, v in {"kind": kind, "stage": stage}.items() if v}
        )
        want = expected_collateral(kind, stage)
        assert shown.keys() == want.keys()
        for title, figures in want.items():
            assert shown[title] == pytest.approx(figures), title
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=libraries)
def test_the_collateral_invariants_hold(spec, leader_client, rep, marketer, make_person, make_account):
    with transaction.atomic():
        build(spec, rep=rep, marketer=marketer, make_person=make_person, make_account=make_account)
        whole = shown_collateral(leader_client)
        for figures in whole.values():
            assert figures["won"] + figures["lost"] <= figures["uses"]
            if figures["win_rate"] is not None:
                assert 0 <= figures["win_rate"] <= 1
            if figures["rating"] is not None:
                assert 1 <= figures["rating"] <= 5
        parts = [shown_collateral(leader_client, kind=kind) for kind in KINDS]
        assert sum(len(part) for part in parts) == len(whole)
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=libraries)
def test_marketing_participation_in_plans_shows_what_the_rows_say(
    spec, leader_client, rep, marketer, make_person, make_account
):
    with transaction.atomic():
        build(spec, rep=rep, marketer=marketer, make_person=make_person, make_account=make_account)
        shown = leader_client.get(f"{API}/key-accounts/participation").json()
        plans = list(AccountPlan.objects.values_list("id", flat=True))
        with_marketing = {p["plan_id"] for p in MarketingParticipation.objects.values("plan_id")}
        assert shown["plans"] == len(plans)
        assert shown["plans_with_marketing"] == len(with_marketing)
        page = leader_client.get("/together/key-accounts/").content.decode()
        assert f"Marketing took part in {len(with_marketing)} of {len(plans)} joint account plans." in page
        if shown["share"] is not None:
            assert 0 <= shown["share"] <= 1
        transaction.set_rollback(True)
