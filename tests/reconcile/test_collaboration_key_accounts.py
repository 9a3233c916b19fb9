"""The key-account table (``together.account_revenue``: /together/key-accounts/ and GET
/api/v1/together/key-accounts), reconciled.

For random small companies — accounts in two segments, deals of three sellers in two
teams at every stage, some deals filed under a segment other than their account's — each
segment's ranking is recomputed here from the raw rows (``.values()``) as the glossary
entry says: per account of the segment, the value of its won deals and of its open deals
in the company currency, counting only the deals the reader may see, ranked by won revenue
then potential (then the account's id), the top ten (or as many as the API is asked for).
Readers: a revenue leader, and a rep under each of the company's visibility rules.
Invariants: the parts are never negative, and no account is ranked twice.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.crm.models import Account, Opportunity, Segment
from hamsu.crm.stages import OPEN_STAGES
from hamsu.directory.models import Function, RoleTitle, Team

OPEN = [str(stage) for stage in OPEN_STAGES]
STAGES = [*OPEN, "won", "lost"]
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

deals = st.lists(
    st.fixed_dictionaries(
        {
            "account": st.integers(0, 13),  # accounts 0–6 in Retail, 7–13 in Energy
            "owner": st.integers(0, 2),  # the rep, their teammate, a seller of the other team
            "stage": st.sampled_from(STAGES),
            "other_segment": st.booleans(),  # the deal filed under the other segment
            "amount": st.integers(1, 400).map(lambda n: Decimal(n) * 250),
        }
    ),
    max_size=24,
)


@pytest.fixture
def company(make_person):
    east = Team.objects.create(name="East", function=Function.SALES)
    west = Team.objects.create(name="West", function=Function.SALES)
    rep = make_person("Rana Rep", role=roles.SALES_REP, team=east)
    sellers = [rep, make_person("Tara Teammate", team=east), make_person("Omid Other", team=west)]
    leader = make_person(
        "Lale Leader", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    segments = [Segment.objects.create(name="Energy"), Segment.objects.create(name="Retail")]
    accounts = [
        Account.objects.create(name=f"Account {i:02d}", owner=rep, segment=segments[1 if i < 7 else 0])
        for i in range(14)
    ]
    return {"rep": rep, "leader": leader, "sellers": sellers, "segments": segments, "accounts": accounts}


def build(spec, company) -> None:
    for n, deal in enumerate(spec):
        owner = company["sellers"][deal["owner"]]
        account = company["accounts"][deal["account"]]
        segment = account.segment
        if deal["other_segment"]:
            segment = next(s for s in company["segments"] if s.pk != account.segment_id)
        Opportunity.objects.create(
            name=f"Deal {n}",
            account=account,
            owner=owner,
            team=owner.team,
            segment=segment,
            stage=deal["stage"],
            probability=50,
            amount=deal["amount"],
            currency="USD",
            amount_base=deal["amount"],
            expected_close=timezone.localdate(),
        )


def expected(person, mode: str, *, leader: bool, per_segment: int = 10) -> dict[str, list[tuple]]:
    """{segment name: [(account id, won, potential)]} from the raw rows."""
    account_segment = dict(Account.objects.values_list("id", "segment_id"))
    rows = list(Opportunity.objects.values("account_id", "owner_id", "team_id", "stage", "amount_base"))
    if not leader and mode == "team":
        rows = [r for r in rows if r["owner_id"] == person.pk or r["team_id"] == person.team_id]
    elif not leader and mode == "own":
        rows = [r for r in rows if r["owner_id"] == person.pk]
    out = {}
    for segment in Segment.objects.values("id", "name"):
        totals: dict[int, list[Decimal]] = {}
        for r in rows:
            if account_segment[r["account_id"]] != segment["id"]:
                continue
            won_open = totals.setdefault(r["account_id"], [Decimal("0"), Decimal("0")])
            if r["stage"] == "won":
                won_open[0] += r["amount_base"]
            elif r["stage"] in OPEN:
                won_open[1] += r["amount_base"]
        ranked = sorted(totals.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:per_segment]
        out[segment["name"]] = [(account, won, potential) for account, (won, potential) in ranked]
    return out


def _sign_in(client, company, who: str, mode: str):
    row = company_settings()
    row.visibility = mode
    row.save()
    client.force_login(company[who].user)
    return company[who]


def shown_by_api(client, per_segment: int = 10) -> dict[str, list[tuple]]:
    answer = client.get("/api/v1/together/key-accounts", {"per_segment": per_segment}).json()
    return {
        s["segment"]: [
            (a["account_id"], Decimal(str(a["won"])), Decimal(str(a["pipeline"]))) for a in s["accounts"]
        ]
        for s in answer
    }


def shown_on_page(client) -> dict[str, list[tuple]]:
    """{segment: [(account id, won, potential as the page prints them)]}."""
    page = client.get("/together/key-accounts/").content.decode()
    out = {}
    for name, table in re.findall(
        r'<h2 class="h5">([^<]*)</h2>\s*<table[^>]*data-testid="segment-ranking".*?<tbody>(.*?)</tbody>',
        page,
        re.S,
    ):
        out[name] = [
            (int(account), won.strip(), potential.strip())
            for account, won, potential in re.findall(
                r'href="/crm/accounts/(\d+)/".*?<td class="text-end num">([^<]*)</td>\s*<td class="text-end num">([^<]*)</td>',
                table,
                re.S,
            )
        ]
    return out


def _printed(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    return {
        # In the company currency (USD in these companies), as every total says.
        name: [(a, f"{won:,.0f} USD", f"{potential:,.0f} USD") for a, won, potential in ranked]
        for name, ranked in rows.items()
    }


@pytest.mark.django_db
@SETTINGS
@given(
    spec=deals,
    who=st.sampled_from(["leader", "rep"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
    per_segment=st.integers(1, 4),
)
def test_the_key_accounts_are_what_the_deals_say(spec, who, mode, per_segment, company, client):
    with transaction.atomic():
        build(spec, company)
        person = _sign_in(client, company, who, mode)
        want = expected(person, mode, leader=who == "leader")
        assert shown_by_api(client) == want
        assert shown_by_api(client, per_segment) == expected(
            person, mode, leader=who == "leader", per_segment=per_segment
        )
        assert shown_on_page(client) == _printed(want)
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=deals, who=st.sampled_from(["leader", "rep"]), mode=st.sampled_from(["everyone", "team", "own"]))
def test_no_account_is_ranked_twice_and_no_part_is_negative(spec, who, mode, company, client):
    with transaction.atomic():
        build(spec, company)
        _sign_in(client, company, who, mode)
        ranked = [row for rows in shown_by_api(client, 50).values() for row in rows]
        assert len({account for account, _won, _potential in ranked}) == len(ranked)
        assert all(won >= 0 for _account, won, _potential in ranked)
        assert all(potential >= 0 for _account, _won, potential in ranked)
        transaction.set_rollback(True)


def _segment_named(company, name: str) -> Segment:
    return next(s for s in company["segments"] if s.name == name)


@pytest.mark.django_db
@SETTINGS
@given(
    spec=deals,
    who=st.sampled_from(["leader", "rep"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
    name=st.sampled_from(["Energy", "Retail"]),
)
def test_filtered_by_segment_the_api_shows_that_segments_ranking_only(spec, who, mode, name, company, client):
    with transaction.atomic():
        build(spec, company)
        person = _sign_in(client, company, who, mode)
        segment = _segment_named(company, name)
        answer = client.get("/api/v1/together/key-accounts", {"segment": segment.pk}).json()
        shown = {
            s["segment"]: [
                (a["account_id"], Decimal(str(a["won"])), Decimal(str(a["pipeline"]))) for a in s["accounts"]
            ]
            for s in answer
        }
        assert shown == {name: expected(person, mode, leader=who == "leader")[name]}
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(
    spec=deals,
    who=st.sampled_from(["leader", "rep"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
    name=st.sampled_from(["Energy", "Retail"]),
)
def test_filtered_by_segment_the_page_shows_what_the_api_shows(spec, who, mode, name, company, client):
    with transaction.atomic():
        build(spec, company)
        person = _sign_in(client, company, who, mode)
        segment = _segment_named(company, name)
        page = client.get("/together/key-accounts/", {"segment": segment.pk}).content.decode()
        want = _printed({name: expected(person, mode, leader=who == "leader")[name]})
        assert _tables(page) == want
        transaction.set_rollback(True)


def _tables(page: str) -> dict[str, list[tuple]]:
    out = {}
    for name, table in re.findall(
        r'<h2 class="h5">([^<]*)</h2>\s*<table[^>]*data-testid="segment-ranking".*?<tbody>(.*?)</tbody>',
        page,
        re.S,
    ):
        out[name] = [
            (int(account), won.strip(), potential.strip())
            for account, won, potential in re.findall(
                r'href="/crm/accounts/(\d+)/".*?<td class="text-end num">([^<]*)</td>\s*<td class="text-end num">([^<]*)</td>',
                table,
                re.S,
            )
        ]
    return out


@pytest.mark.django_db
def test_a_segment_that_does_not_exist_is_a_field_error_on_the_api(company, client):
    _sign_in(client, company, "leader", "everyone")
    response = client.get("/api/v1/together/key-accounts", {"segment": 999999})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "segment"


@pytest.mark.django_db
def test_a_segment_that_does_not_exist_is_a_field_error_on_the_page(company, client):
    _sign_in(client, company, "leader", "everyone")
    response = client.get("/together/key-accounts/", {"segment": "999999"})
    assert response.status_code == 200
    assert 'aria-describedby="segment-error"' in response.content.decode()
