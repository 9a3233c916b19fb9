"""The tasks page's figures, reconciled (``tasks.overdue``, ``tasks.due_today``,
``tasks.upcoming``, ``tasks.no_next_step``, ``tasks.quiet``).

For small random companies — open and done tasks, logged calls, deals in every stage whose
stage changed at different times, owned by the rep, a teammate and a seller of another
team — each figure is recomputed here from the raw rows (``.values()``) as its glossary
entry says, for a leader and for a rep under each visibility rule, for each person the
page's "whose tasks" filter offers; the page and the API's summary must both show it.
Times sit at noon, days away from any boundary, so the test's "now" and the request's agree."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.api import services as tokens
from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.crm.models import Account, Activity, Opportunity
from hamsu.crm.stages import OPEN_STAGES
from hamsu.directory.models import Function, RoleTitle, Team

OPEN = [str(stage) for stage in OPEN_STAGES]
STAGES = [*OPEN, "won", "lost"]
FIGURES = ["overdue", "due_today", "upcoming", "no_next_step", "quiet"]
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

activities = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.integers(0, 2),
            "deal": st.integers(0, 5),
            # planned: days from today the task is due; None: a call logged in the past
            "due_in_days": st.one_of(st.none(), st.sampled_from([-9, -3, -1, 0, 1, 3, 6, 8, 12])),
            "done": st.booleans(),
            "happened_days_ago": st.sampled_from([1, 10, 20]),
        }
    ),
    max_size=14,
)
deals = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.integers(0, 2),
            "stage": st.sampled_from(STAGES),
            "quiet_for": st.sampled_from([1, 13, 15, 30]),
        }
    ),
    min_size=6,
    max_size=6,
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
    account = Account.objects.create(name="Account", owner=rep)
    return {"rep": rep, "leader": leader, "sellers": sellers, "account": account}


def noon(days: int) -> datetime.datetime:
    today = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    return today + datetime.timedelta(days=days)


def build(deal_spec, activity_spec, company) -> list[Opportunity]:
    made = []
    for n, deal in enumerate(deal_spec):
        owner = company["sellers"][deal["owner"]]
        made.append(
            Opportunity.objects.create(
                name=f"Deal {n}",
                account=company["account"],
                owner=owner,
                team=owner.team,
                stage=deal["stage"],
                probability=50,
                amount=100,
                currency="USD",
                amount_base=100,
                expected_close=timezone.localdate(),
                stage_changed_at=noon(-deal["quiet_for"]),
            )
        )
    for row in activity_spec:
        owner = company["sellers"][row["owner"]]
        planned = row["due_in_days"] is not None
        happened = noon(-row["happened_days_ago"])
        Activity.objects.create(
            kind="call",
            subject="Call",
            owner=owner,
            team=owner.team,
            account=company["account"],
            opportunity=made[row["deal"]],
            due_at=noon(row["due_in_days"]) if planned else None,
            done_at=happened if planned and row["done"] else None,
            occurred_at=happened,
        )
    return made


def _sees(person, mode: str, leader: bool, row: dict) -> bool:
    if leader or mode == "everyone":
        return True
    if mode == "team":
        return row["owner_id"] == person.pk or row["team_id"] == person.team_id
    return row["owner_id"] == person.pk


def expected(viewer, mode: str, leader: bool, owner) -> dict[str, int]:
    """The five figures for ``owner``'s work as ``viewer`` may see it, from the raw rows."""
    acts = list(
        Activity.objects.values("owner_id", "team_id", "opportunity_id", "due_at", "done_at", "occurred_at")
    )
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + datetime.timedelta(days=1)
    horizon = end + datetime.timedelta(days=7)
    open_tasks = [
        a
        for a in acts
        if a["owner_id"] == owner.pk
        and a["due_at"] is not None
        and a["done_at"] is None
        and _sees(viewer, mode, leader, a)
    ]
    deals = [
        d
        for d in Opportunity.objects.values("id", "owner_id", "team_id", "stage", "stage_changed_at")
        if d["owner_id"] == owner.pk and d["stage"] in OPEN and _sees(viewer, mode, leader, d)
    ]
    planned = {a["opportunity_id"] for a in acts if a["due_at"] is not None and a["done_at"] is None}
    since = timezone.now() - datetime.timedelta(days=14)
    touched = {
        a["opportunity_id"]
        for a in acts
        if (a["due_at"] is None or a["done_at"] is not None) and a["occurred_at"] >= since
    }
    return {
        "overdue": sum(1 for a in open_tasks if a["due_at"] < start),
        "due_today": sum(1 for a in open_tasks if start <= a["due_at"] < end),
        "upcoming": sum(1 for a in open_tasks if end <= a["due_at"] < horizon),
        "no_next_step": sum(1 for d in deals if d["id"] not in planned),
        "quiet": sum(1 for d in deals if d["stage_changed_at"] < since and d["id"] not in touched),
    }


def shown_on_page(client, owner) -> dict[str, int]:
    page = client.get("/crm/tasks/", {"owner": owner.pk}).content.decode()
    return {
        name: int(re.search(rf'data-figure="tasks\.{name}">([^<]*)<', page).group(1).replace(",", ""))
        for name in FIGURES
    }


def shown_by_api(client, viewer, owner) -> dict[str, int]:
    _token, raw = tokens.token_create(user=viewer.user, name="reconcile")
    body = client.get("/api/v1/tasks/summary", {"owner": owner.pk}, HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    return {name: body[name] for name in FIGURES}


def _sign_in(client, company, who: str, mode: str):
    row = company_settings()
    row.visibility = mode
    row.save()
    person = company[who]
    client.force_login(person.user)
    return person


@pytest.mark.django_db
@SETTINGS
@given(
    deal_spec=deals,
    activity_spec=activities,
    who=st.sampled_from(["leader", "rep"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
    whose=st.integers(0, 2),
)
def test_the_tasks_page_shows_what_the_rows_say(deal_spec, activity_spec, who, mode, whose, company, client):
    with transaction.atomic():
        build(deal_spec, activity_spec, company)
        viewer = _sign_in(client, company, who, mode)
        owner = company["sellers"][whose]
        assert shown_on_page(client, owner) == expected(viewer, mode, who == "leader", owner)
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(
    deal_spec=deals,
    activity_spec=activities,
    who=st.sampled_from(["leader", "rep"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
    whose=st.integers(0, 2),
)
def test_the_api_summary_shows_what_the_page_shows(
    deal_spec, activity_spec, who, mode, whose, company, client
):
    with transaction.atomic():
        build(deal_spec, activity_spec, company)
        viewer = _sign_in(client, company, who, mode)
        owner = company["sellers"][whose]
        assert shown_by_api(client, viewer, owner) == shown_on_page(client, owner)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_task_is_in_at_most_one_of_the_three_lists(company, client):
    build(
        [{"owner": 0, "stage": OPEN[0], "quiet_for": 1}] * 6,
        [
            {"owner": 0, "deal": 0, "due_in_days": d, "done": False, "happened_days_ago": 1}
            for d in (-1, 0, 1)
        ],
        company,
    )
    client.force_login(company["rep"].user)
    shown = shown_on_page(client, company["rep"])
    assert shown["overdue"] + shown["due_today"] + shown["upcoming"] == 3


def shown_on_home(client) -> dict[str, int]:
    page = client.get("/").content.decode()
    return {
        name: int(
            re.search(rf'data-figure="tasks\.{name}">(?:<a[^>]*>)?([^<]*)<', page).group(1).replace(",", "")
        )
        for name in FIGURES
    }


@pytest.mark.django_db
@SETTINGS
@given(deal_spec=deals, activity_spec=activities, mode=st.sampled_from(["everyone", "team", "own"]))
def test_my_day_on_the_home_page_shows_what_the_rows_say(deal_spec, activity_spec, mode, company, client):
    with transaction.atomic():
        build(deal_spec, activity_spec, company)
        viewer = _sign_in(client, company, "rep", mode)
        assert shown_on_home(client) == expected(viewer, mode, False, viewer)
        transaction.set_rollback(True)
