"""The home page's "my day" figures per role, reconciled (issue 16, item 1).

For small random companies — leads owned by sellers, a marketer or waiting in a queue, some
returned by sales at different times and for different reasons; handoffs answered in time,
late or not yet; deals of two teams moved, won and lost at different times; the week's
campaigns and the touches of people who filled in their forms — each figure is recomputed
here from the raw rows (``.values()``), as its glossary entry says, under each visibility
rule, and compared with what the home page shows:

- a seller's ``leads.waiting``;
- a marketer's ``leads.returned`` (in all and per reason; the reasons add up to the total),
  ``sla.recent_in_time``, ``sla.recent_late``, ``sla.waiting_now`` and, per campaign,
  ``campaigns.leads_so_far``;
- a sales manager's and the head of sales' ``pipeline.moved``, ``pipeline.won_recently``,
  ``pipeline.lost_recently`` per team (the teams add up to the total row) and
  ``sla.overdue_now``.

Times sit half a day away from any boundary, so the test's "now" and the request's agree.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.campaigns.models import Campaign, Touchpoint
from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.crm.models import Account, Contact, Opportunity, StageEvent
from hamsu.directory.models import Function, RoleTitle, Team
from hamsu.funnel.models import Handoff, Lead, ReturnReason
from hamsu.web.day_market import week_of

SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DAY = datetime.timedelta(days=1)
HALF = datetime.timedelta(hours=12)
OPEN = ["prospecting", "qualifying", "needs_definition", "solution_development", "decision", "negotiation"]
LEAD_FORMS = {"form_fill", "content_download"}
DECIDED = {"accepted", "returned"}
# Owners: 0 rep, 1 teammate, 2 seller of the other team, 3 the marketer, None: in a queue.
OWNERS = [0, 1, 2, 3, None]

days_ago = st.sampled_from([1, 3, 6, 8, 12])
leads = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.sampled_from(OWNERS),
            "state": st.sampled_from(["mql", "sal", "nurture", "disqualified"]),
            "returned": st.one_of(st.none(), days_ago),
            "reason": st.sampled_from(ReturnReason.values),
            "handoff": st.sampled_from(["none", "open", "accepted", "returned", "withdrawn"]),
            "answered": days_ago,
            "deadline": st.sampled_from([-2, 2]),  # days from the answer (or from now, if open)
        }
    ),
    max_size=12,
)
deals = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.integers(0, 2),
            "created": st.sampled_from([2, 9, 20]),
            "moves": st.lists(st.tuples(days_ago, st.sampled_from([*OPEN, "won", "lost"])), max_size=3),
        }
    ),
    max_size=8,
)
campaigns = st.lists(
    st.fixed_dictionaries(
        {
            "starts": st.sampled_from([-20, -3, 0, 3, 10]),  # days from the week's first day
            "lasts": st.one_of(st.none(), st.sampled_from([0, 2, 10])),
            "touches": st.lists(
                st.tuples(st.integers(0, 3), st.sampled_from(["form_fill", "content_download", "ad_click"])),
                max_size=6,
            ),
        }
    ),
    max_size=3,
)


@pytest.fixture
def company(make_person):
    east = Team.objects.create(name="East", function=Function.SALES)
    west = Team.objects.create(name="West", function=Function.SALES)
    marketing = Team.objects.create(name="Marketing", function=Function.DOWNSTREAM_MARKETING)
    rep = make_person("Rana Rep", role=roles.SALES_REP, team=east)
    manager = make_person("Mani Manager", role=roles.SALES_MANAGER, title=RoleTitle.SALES_MANAGER, team=east)
    east.manager = manager
    east.save()
    people = [
        rep,
        make_person("Tara Teammate", team=east),
        make_person("Omid Other", team=west),
        make_person(
            "Mona Marketer",
            role=roles.DOWNSTREAM_MARKETER,
            function=Function.DOWNSTREAM_MARKETING,
            title=RoleTitle.CAMPAIGN_MANAGER,
            team=marketing,
        ),
    ]
    head = make_person("Hana Head", role=roles.HEAD_OF_SALES, title=RoleTitle.HEAD_OF_SALES)
    accounts = [
        Account.objects.create(name=f"Account {n}", owner=people[n], team=people[n].team) for n in (0, 2)
    ]
    contacts = [
        Contact.objects.create(account=accounts[n % 2], last_name=f"Contact {n}", owner=people[0])
        for n in range(4)
    ]
    return {
        "people": people,
        "manager": manager,
        "head": head,
        "accounts": accounts,
        "contacts": contacts,
    }


# ---------------------------------------------------------------- building the rows


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - days * DAY - HALF


def build_leads(spec, company) -> None:
    for n, row in enumerate(spec):
        owner = None if row["owner"] is None else company["people"][row["owner"]]
        returned = row["returned"] is not None
        lead = Lead.objects.create(
            last_name=f"Lead {n}",
            state=row["state"],
            owner=owner,
            team=owner.team if owner else None,
            queue="" if owner else "recycle",
            return_reason=row["reason"] if returned else "",
            returned_at=_ago(row["returned"]) if returned else None,
        )
        if row["handoff"] == "none":
            continue
        answered = _ago(row["answered"])
        is_open = row["handoff"] == "open"
        Handoff.objects.create(
            lead=lead,
            owner=owner,
            team=owner.team if owner else None,
            status=row["handoff"],
            opened_at=answered - 3 * DAY,
            due_at=(timezone.now() if is_open else answered) + row["deadline"] * DAY,
            closed_at=None if is_open else answered,
        )


def build_deals(spec, company) -> None:
    for n, row in enumerate(spec):
        owner = company["people"][row["owner"]]
        moves = sorted(row["moves"], key=lambda move: -move[0])
        stage = moves[-1][1] if moves else "prospecting"
        deal = Opportunity.objects.create(
            name=f"Deal {n}",
            account=company["accounts"][0],
            owner=owner,
            team=owner.team,
            stage=stage,
            probability=50,
            amount=100,
            currency="USD",
            amount_base=100,
            expected_close=timezone.localdate(),
        )
        previous, at = "", _ago(row["created"])
        StageEvent.objects.create(
            object_type="opportunity",
            object_id=deal.pk,
            opportunity=deal,
            from_stage="",
            to_stage="prospecting",
            at=at,
        )
        previous = "prospecting"
        for days, to_stage in moves:
            when = max(_ago(days), at + HALF)
            StageEvent.objects.create(
                object_type="opportunity",
                object_id=deal.pk,
                opportunity=deal,
                from_stage=previous,
                to_stage=to_stage,
                at=when,
            )
            previous, at = to_stage, when


def build_campaigns(spec, company) -> list[Campaign]:
    first, _last = week_of(timezone.localdate(), company_settings().fiscal_calendar)
    made = []
    for n, row in enumerate(spec):
        start = first + datetime.timedelta(days=row["starts"])
        end = None if row["lasts"] is None else start + datetime.timedelta(days=row["lasts"])
        campaign = Campaign.objects.create(
            name=f"Campaign {n}", channel="email", start_date=start, end_date=end
        )
        for contact, kind in row["touches"]:
            person = company["contacts"][contact]
            Touchpoint.objects.create(
                kind=kind, occurred_at=_ago(1), campaign=campaign, contact=person, account=person.account
            )
        made.append(campaign)
    return made


# ---------------------------------------------------------------- reading the page


def figure(html: str, key: str, **attrs) -> int:
    extra = "".join(f' data-{name}="{value}"' for name, value in attrs.items())
    found = re.search(rf'data-figure="{re.escape(key)}"{extra}>([^<]*)<', html)
    assert found, key
    return int(found.group(1).replace(",", ""))


def sign_in(client, person, mode: str):
    row = company_settings()
    row.visibility = mode
    row.save()
    client.force_login(person.user)
    return client.get("/").content.decode()


def _sees(viewer, mode: str, everything: bool, owner_id, team_id) -> bool:
    """The visibility rule, written out for a viewer who is not a manager or a liaison."""
    if everything or mode == "everyone":
        return True
    if mode == "team":
        return owner_id == viewer.pk or team_id in viewer.visible_team_ids()
    return owner_id == viewer.pk


# ---------------------------------------------------------------- the seller


@pytest.mark.django_db
@SETTINGS
@given(spec=leads, mode=st.sampled_from(["everyone", "team", "own"]))
def test_a_sellers_waiting_leads_are_the_mqls_the_rows_hold(spec, mode, company, client):
    with transaction.atomic():
        build_leads(spec, company)
        rep = company["people"][0]
        expected = sum(
            1
            for lead in Lead.objects.values("owner_id", "state")
            if lead == {"owner_id": rep.pk, "state": "mql"}
        )
        assert figure(sign_in(client, rep, mode), "leads.waiting") == expected
        transaction.set_rollback(True)


# ---------------------------------------------------------------- the marketer


def leads_open_to_marketer(marketer, mode: str) -> set[int]:
    return {
        row["id"]
        for row in Lead.objects.values("id", "owner_id", "team_id", "queue")
        if row["queue"] or _sees(marketer, mode, False, row["owner_id"], row["team_id"])
    }


def expected_returns(marketer, mode: str) -> dict[str, int]:
    since = timezone.now() - 7 * DAY
    open_to = leads_open_to_marketer(marketer, mode)
    counts = dict.fromkeys(ReturnReason.values, 0)
    for row in Lead.objects.values("id", "returned_at", "return_reason"):
        if row["id"] in open_to and row["returned_at"] is not None and row["returned_at"] >= since:
            counts[row["return_reason"]] += 1
    return counts


def expected_sla(marketer, mode: str) -> dict[str, int]:
    since = timezone.now() - 7 * DAY
    open_to = leads_open_to_marketer(marketer, mode)
    out = {"sla.recent_in_time": 0, "sla.recent_late": 0, "sla.waiting_now": 0}
    for row in Handoff.objects.values("lead_id", "status", "closed_at", "due_at"):
        if row["lead_id"] not in open_to:
            continue
        if row["status"] == "open":
            out["sla.waiting_now"] += 1
        elif row["status"] in DECIDED and row["closed_at"] >= since:
            out["sla.recent_in_time" if row["closed_at"] <= row["due_at"] else "sla.recent_late"] += 1
    return out


def expected_campaign_leads(marketer, mode: str, campaign: Campaign) -> int:
    accounts = {a["id"]: a for a in Account.objects.values("id", "owner_id", "team_id")}
    people = set()
    for touch in Touchpoint.objects.filter(campaign=campaign).values(
        "kind", "contact_id", "account_id", "occurred_at"
    ):
        account = accounts.get(touch["account_id"])
        visible = account is not None and _sees(
            marketer, mode, False, account["owner_id"], account["team_id"]
        )
        visible = visible or mode == "everyone"
        if (
            visible
            and touch["kind"] in LEAD_FORMS
            and touch["contact_id"]
            and touch["occurred_at"] <= timezone.now()
        ):
            people.add(touch["contact_id"])
    return len(people)


def in_week(campaign: Campaign) -> bool:
    first, last = week_of(timezone.localdate(), company_settings().fiscal_calendar)
    row = Campaign.objects.values("start_date", "end_date", "status").get(pk=campaign.pk)
    return row["start_date"] <= last and (row["end_date"] is None or row["end_date"] >= first)


@pytest.mark.django_db
@SETTINGS
@given(lead_spec=leads, campaign_spec=campaigns, mode=st.sampled_from(["everyone", "team", "own"]))
def test_a_marketers_day_shows_what_the_rows_say(lead_spec, campaign_spec, mode, company, client):
    with transaction.atomic():
        build_leads(lead_spec, company)
        made = build_campaigns(campaign_spec, company)
        marketer = company["people"][3]
        html = sign_in(client, marketer, mode)
        returns = expected_returns(marketer, mode)
        shown = {code: figure(html, "leads.returned", reason=code) for code in ReturnReason.values}
        assert shown == returns
        assert figure(html, "leads.returned") == sum(returns.values())
        assert {key: figure(html, key) for key in expected_sla(marketer, mode)} == expected_sla(
            marketer, mode
        )
        table = html.split('data-testid="my-day-campaigns"')[1].split("</table>")[0]
        for campaign in made:
            listed = f'data-campaign="{campaign.pk}"' in table
            assert listed == in_week(campaign)
            if listed:
                row = table.split(f'data-campaign="{campaign.pk}"')[1].split("</tr>")[0]
                assert figure(row, "campaigns.leads_so_far") == expected_campaign_leads(
                    marketer, mode, campaign
                )
        transaction.set_rollback(True)


# ---------------------------------------------------------------- the managers


def expected_changes(viewer, mode: str, everything: bool, team_ids) -> dict[int | None, dict[str, set]]:
    since = timezone.now() - 7 * DAY
    deals = {
        d["id"]: d
        for d in Opportunity.objects.values("id", "owner_id", "team_id")
        if (
            everything
            or mode == "everyone"
            or d["owner_id"] == viewer.pk
            or d["team_id"] in viewer.visible_team_ids()
        )
        and (team_ids is None or d["team_id"] in team_ids)
    }
    out: dict[int | None, dict[str, set]] = {}
    for event in StageEvent.objects.filter(object_type="opportunity").values(
        "opportunity_id", "from_stage", "to_stage", "at"
    ):
        deal = deals.get(event["opportunity_id"])
        if deal is None or event["at"] < since:
            continue
        row = out.setdefault(deal["team_id"], {"moved": set(), "won": set(), "lost": set()})
        if event["to_stage"] in OPEN and event["from_stage"]:
            row["moved"].add(deal["id"])
        if event["to_stage"] in ("won", "lost"):
            row[event["to_stage"]].add(deal["id"])
    return {team: row for team, row in out.items() if any(row.values())}


def shown_changes(html: str) -> dict[int | None, dict[str, int]]:
    table = html.split('data-testid="my-day-pipeline-changes"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    out = {}
    for team, row in re.findall(r'<tr data-team="([^"]+)">(.*?)</tr>', body, re.S):
        out[None if team == "none" else int(team)] = {
            "moved": figure(row, "pipeline.moved"),
            "won": figure(row, "pipeline.won_recently"),
            "lost": figure(row, "pipeline.lost_recently"),
        }
    return out


def expected_overdue(team_ids) -> int:
    now = timezone.now()
    return sum(
        1
        for h in Handoff.objects.values("status", "due_at", "team_id")
        if h["status"] == "open" and h["due_at"] < now and (team_ids is None or h["team_id"] in team_ids)
    )


@pytest.mark.django_db
@SETTINGS
@given(
    deal_spec=deals,
    lead_spec=leads,
    who=st.sampled_from(["manager", "head"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
)
def test_a_managers_day_shows_what_the_rows_say(deal_spec, lead_spec, who, mode, company, client):
    with transaction.atomic():
        build_deals(deal_spec, company)
        build_leads(lead_spec, company)
        viewer = company[who]
        head = who == "head"
        team_ids = None if head else viewer.visible_team_ids()
        html = sign_in(client, viewer, mode)
        expected = expected_changes(viewer, mode, head, team_ids)
        assert shown_changes(html) == {
            team: {name: len(deals_) for name, deals_ in row.items()} for team, row in expected.items()
        }
        if expected:
            total = html.split('data-team="all"')[1].split("</tr>")[0]
            assert figure(total, "pipeline.moved") == sum(len(row["moved"]) for row in expected.values())
        assert figure(html, "sla.overdue_now") == expected_overdue(team_ids)
        transaction.set_rollback(True)
