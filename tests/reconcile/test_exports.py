"""Exports, reconciled: an export holds exactly the rows its list shows — same visibility,
same filters — for every list that has one:

- ``/data/exports/<kind>.csv|.xlsx`` and ``GET /api/v1/data/exports/<kind>`` (accounts,
  contacts, opportunities, activities, people) against the list each kind has (the API's
  cursor walk of accounts, contacts, opportunities and activities; the directory's list);
- ``/crm/opportunities/export.csv?<filters>`` against the opportunity list under the same
  filters, and against the rows those filters select, recomputed plainly.

On small companies drawn by hypothesis, for a viewer of each reach (everything, a team, their
own records) under each company visibility rule.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.crm.models import Account, Activity, Contact, Opportunity, Segment
from hamsu.crm.stages import Stage
from hamsu.directory.selectors import person_list

SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LIST_API = {
    "accounts": "/api/v1/accounts",
    "contacts": "/api/v1/contacts",
    "opportunities": "/api/v1/opportunities",
    "activities": "/api/v1/activities",
}
WORDS = ["Acme", "Pars", "Globex", "Initech", "Zagros"]

record = st.fixed_dictionaries(
    {
        "owner": st.integers(0, 3),
        "word": st.sampled_from(WORDS),
        "stage": st.sampled_from(Stage.values),
        "source": st.sampled_from(["sales", "marketing", "partner"]),
        "segment": st.sampled_from([None, 0, 1]),
        "contacts": st.integers(0, 2),
        "activities": st.integers(0, 2),
    }
)
companies = st.fixed_dictionaries(
    {"visibility": st.sampled_from(["everyone", "team", "own"]), "records": st.lists(record, max_size=8)}
)
opportunity_filters = st.fixed_dictionaries(
    {
        "q": st.sampled_from(["", "acme", "PARS"]),
        "stage": st.sampled_from(["", *Stage.values]),
        "owner": st.sampled_from([None, 0, 3]),
        "team": st.sampled_from([None, "enterprise", "smb"]),
        "segment": st.sampled_from([None, 0]),
        "source": st.sampled_from(["", "sales", "marketing"]),
        "open": st.booleans(),
    }
)


@pytest.fixture
def staff(make_person, teams):
    """A head of sales (sees everything), a manager (their team), reps (their own)."""
    manager = make_person("Mina Manager", role=roles.SALES_MANAGER, team=teams["enterprise"])
    return {
        "head": make_person("Hadi Head", role=roles.HEAD_OF_SALES),
        "manager": manager,
        "owners": [
            make_person("Reza Rep", role=roles.SALES_REP, team=teams["enterprise"], manager=manager),
            make_person("Sara Rep", role=roles.SALES_REP, team=teams["enterprise"], manager=manager),
            make_person("Taha Rep", role=roles.SALES_REP, team=teams["smb"]),
            manager,
        ],
    }


def build(company: dict, staff: dict) -> list[Segment]:
    settings_row = company_settings()
    settings_row.visibility = company["visibility"]
    settings_row.save()
    segments = [Segment.objects.create(name="Retail"), Segment.objects.create(name="Energy")]
    day = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    for n, spec in enumerate(company["records"]):
        owner = staff["owners"][spec["owner"]]
        segment = segments[spec["segment"]] if spec["segment"] is not None else None
        account = Account.objects.create(
            name=f"{spec['word']} {n}", owner=owner, team=owner.team, segment=segment, created_at=day
        )
        deal = Opportunity.objects.create(
            name=f"{spec['word']} deal {n}",
            account=account,
            owner=owner,
            team=owner.team,
            stage=spec["stage"],
            probability=50,
            amount=Decimal(100 * n),
            currency="USD",
            amount_base=Decimal(100 * n),
            segment=segment,
            source=spec["source"],
            expected_close=datetime.date(2025, 6, 30),
            created_at=day + datetime.timedelta(hours=n % 3),  # ties on purpose
        )
        for k in range(spec["contacts"]):
            Contact.objects.create(
                account=account, last_name=f"{spec['word']} {n}.{k}", owner=owner, team=owner.team
            )
        for k in range(spec["activities"]):
            Activity.objects.create(
                kind="call",
                subject=f"Call {n}.{k}",
                account=account,
                opportunity=deal,
                owner=owner,
                team=owner.team,
            )
    return segments


def viewers(staff: dict) -> dict:
    return {"head": staff["head"], "manager": staff["manager"], "rep": staff["owners"][0]}


def csv_ids(body: bytes) -> list[int]:
    reader = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    return [int(row["id"]) for row in reader]


def streamed(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_ids(response) -> list[int]:
    book = openpyxl.load_workbook(io.BytesIO(streamed(response)), read_only=True)
    return [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]


def list_ids(client, kind: str, query: str = "") -> set[int]:
    """Every row the list shows, following its cursor to the last page."""
    if kind == "people":
        ids, cursor = set(), None
        while True:
            page = person_list(cursor=cursor, limit=2)  # the directory page's own list
            ids.update(person.pk for person in page.items)
            cursor = page.next_cursor
            if cursor is None:
                return ids
    ids, cursor = set(), None
    while True:
        url = f"{LIST_API[kind]}?limit=2{query}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).json()
        ids.update(item["id"] for item in body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return ids


@pytest.mark.django_db
@SETTINGS
@given(company=companies)
def test_each_export_holds_exactly_the_rows_its_list_shows(company, client, staff):
    with transaction.atomic():
        build(company, staff)
        for name, viewer in viewers(staff).items():
            client.force_login(viewer.user)
            for kind in ("accounts", "contacts", "opportunities", "activities", "people"):
                shown = list_ids(client, kind)
                page_csv = csv_ids(streamed(client.get(f"/data/exports/{kind}.csv")))
                api_csv = csv_ids(streamed(client.get(f"/api/v1/data/exports/{kind}")))
                xlsx = xlsx_ids(client.get(f"/data/exports/{kind}.xlsx"))
                assert (name, kind, sorted(page_csv)) == (name, kind, sorted(shown))
                assert (name, kind, sorted(api_csv)) == (name, kind, sorted(shown))
                assert (name, kind, sorted(xlsx)) == (name, kind, sorted(shown))
        transaction.set_rollback(True)


def plainly(staff, segments, viewer, f: dict) -> set[int]:
    """The opportunities ``viewer`` may see that the filters select, from the raw rows."""
    mode = company_settings().visibility
    me = viewer
    team_ids = {me.team_id} if me.team_id else set()
    out = set()
    for row in Opportunity.objects.values(
        "id", "name", "owner_id", "team_id", "stage", "segment_id", "source"
    ):
        if viewer is not staff["head"] and mode != "everyone":
            own = row["owner_id"] == me.pk
            if not (own or (viewer is staff["manager"] or mode == "team") and row["team_id"] in team_ids):
                continue
        if f["q"] and f["q"].lower() not in row["name"].lower():
            continue
        if f["stage"] and row["stage"] != f["stage"]:
            continue
        if f["open"] and row["stage"] in ("won", "lost"):
            continue
        if f["owner"] is not None and row["owner_id"] != staff["owners"][f["owner"]].pk:
            continue
        if f["team"] and row["team_id"] != staff["teams"][f["team"]].pk:
            continue
        if f["segment"] is not None and row["segment_id"] != segments[f["segment"]].pk:
            continue
        if f["source"] and row["source"] != f["source"]:
            continue
        out.add(row["id"])
    return out


@pytest.mark.django_db
@SETTINGS
@given(company=companies, filters=st.lists(opportunity_filters, min_size=1, max_size=4))
def test_the_opportunity_export_holds_exactly_the_filtered_list(company, filters, client, staff, teams):
    staff = {**staff, "teams": teams}
    with transaction.atomic():
        segments = build(company, staff)
        for name, viewer in viewers(staff).items():
            client.force_login(viewer.user)
            for f in filters:
                params = {
                    "q": f["q"],
                    "stage": f["stage"],
                    "owner": staff["owners"][f["owner"]].pk if f["owner"] is not None else "",
                    "team": teams[f["team"]].pk if f["team"] else "",
                    "segment": segments[f["segment"]].pk if f["segment"] is not None else "",
                    "source": f["source"],
                }
                query = "".join(f"&{k}={v}" for k, v in params.items() if v != "")
                exported = csv_ids(
                    streamed(client.get(f"/crm/opportunities/export.csv?{query}&open={int(f['open'])}"))
                )
                shown = list_ids(client, "opportunities", query + ("&open=true" if f["open"] else ""))
                assert (name, f, sorted(exported)) == (name, f, sorted(shown))
                assert (name, f, sorted(exported)) == (name, f, sorted(plainly(staff, segments, viewer, f)))
        transaction.set_rollback(True)
