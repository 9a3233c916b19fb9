"""The capture worker marks a chunk's qualifying leads MQL at once (one Router, one write
per table); the outcome must be the one ``lead_mark_mql`` gives marking them one after
another in the same order: the same owners and teams (round-robin turns, capacities,
absences, account owners), lead fields, stage events, audit entries, assignments,
handoffs with their deadlines, cursors and notifications. Both ways run on the same
database state (the first is rolled back) and every resulting row is compared."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from hamsu.core.models import AuditEntry, Notification
from hamsu.crm.models import Account, Contact, Segment, StageEvent
from hamsu.directory.models import Team
from hamsu.funnel.models import (
    BusinessCalendar,
    CaptureForm,
    Handoff,
    Lead,
    LeadAssignment,
    LeadDefinition,
    LeadTouch,
    RoundRobinCursor,
    RoutingRule,
    RoutingRuleKind,
    SlaPolicy,
)
from hamsu.funnel.services import capture_process
from hamsu.funnel.services import leads as lifecycle
from hamsu.funnel.services.capture_records import Entry

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 4, 10, 30, tzinfo=datetime.UTC)  # a Wednesday, in working hours


class _Undo(Exception):
    pass


@pytest.fixture
def company(teams, make_person):
    """Sellers in two teams (one absent, one inactive), an owned account, five rules with
    capacities, two SLA policies, and leads already there in every state that matters."""
    enterprise, smb = teams["enterprise"], teams["smb"]
    empty = Team.objects.create(name="Sales — nobody yet", function="sales")
    people = {name: make_person(name, team=enterprise) for name in ("Ali", "Bahar", "Cyrus", "Dara")}
    people |= {name: make_person(name, team=smb) for name in ("Elham", "Farid")}
    people["Bahar"].absent_until = NOW.date() + datetime.timedelta(days=3)
    people["Bahar"].save()
    people["Cyrus"].is_active = False
    people["Cyrus"].save()
    fintech = Segment.objects.create(name="Fintech")
    Account.objects.create(name="Owned", domain="owned.example", owner=people["Farid"], employees=900)
    for position, data in enumerate(
        [
            {"kind": RoutingRuleKind.ACCOUNT_OWNER, "capacity": 2},
            {"kind": RoutingRuleKind.TERRITORY, "countries": ["IR", "AE"], "team": enterprise, "capacity": 2},
            {
                "kind": RoutingRuleKind.SEGMENT,
                "segment": fintech,
                "team": smb,
                "conditions": {"field": "score", "op": "gte", "value": 58},
            },
            {"kind": RoutingRuleKind.ROUND_ROBIN, "team": empty},
            {"kind": RoutingRuleKind.ROUND_ROBIN, "team": smb, "capacity": 4},
        ]
    ):
        RoutingRule.objects.create(position=position, name=f"Rule {position}", **data)
    weekdays = BusinessCalendar.objects.create(
        name="Mon–Fri", workdays=[0, 1, 2, 3, 4], day_start=datetime.time(9), day_end=datetime.time(17)
    )
    tehran = BusinessCalendar.objects.create(
        name="Sat–Wed Tehran",
        timezone="Asia/Tehran",
        workdays=[5, 6, 0, 1, 2],
        day_start=datetime.time(8),
        day_end=datetime.time(16),
    )
    SlaPolicy.objects.create(name="Default", calendar=weekdays, accept_within_hours=8)
    SlaPolicy.objects.create(name="SMB", team=smb, calendar=tehran, accept_within_hours=4)
    # Already there: an MQL counting against Elham's capacity, a nurtured lead with a stale
    # open handoff, a disqualified one who comes back, an inquiry with earlier webinars.
    busy = lifecycle.lead_create(actor=None, via="test", email="busy@old.example", last_name="Busy", at=NOW)
    Lead.objects.filter(pk=busy.pk).update(state="mql", owner=people["Elham"], team=smb, queue="")
    nurtured = lifecycle.lead_create(
        actor=None, via="test", email="back@nurture.example", employees=2000, at=NOW
    )
    Lead.objects.filter(pk=nurtured.pk).update(state="nurture", queue="recycle")
    Handoff.objects.create(lead=nurtured, opened_at=NOW - datetime.timedelta(days=9), due_at=NOW)
    gone = lifecycle.lead_create(actor=None, via="test", email="dq@gone.example", employees=2000, at=NOW)
    Lead.objects.filter(pk=gone.pk).update(state="disqualified", queue="recycle")
    warm = lifecycle.lead_create(actor=None, via="test", email="warm@warm.example", employees=700, at=NOW)
    for days in (3, 10):
        lifecycle.lead_touch_record(lead=warm, kind="webinar", at=NOW - datetime.timedelta(days=days))
    return CaptureForm.objects.create(name="Chunk form", rate_limit_per_minute=10_000)


def _fills() -> list[dict]:
    fills = []
    for i in range(36):
        fill = {
            "email": f"buyer{i}@{'owned' if i % 16 == 2 else f'firm{i % 7}'}.example",
            "last_name": f"Buyer {i}",
            "country": ["IR", "DE", "AE", "TR"][i % 4],
            "employees": [800, 12, 9000, 120][i % 4],
            "touch_kind": ["demo_request", "webinar", "demo_request", "form_fill"][i % 4],
        }
        if i % 5 == 0:
            fill |= {"segment": "Fintech", "title": "CFO"}
        if i % 11 == 0:
            fill["email"] = f"free{i}@gmail.com"
            fill["company"] = "Free Mail Co"
        fills.append(fill)
    fills += [
        {"email": "buyer2@firm2.example", "touch_kind": "demo_request"},  # the same lead again
        {"email": "back@nurture.example", "employees": 2000, "touch_kind": "demo_request"},
        {"email": "dq@gone.example", "employees": 2000, "touch_kind": "demo_request"},
        {"email": "warm@warm.example", "touch_kind": "webinar"},
        {"email": "busy@old.example", "touch_kind": "demo_request"},
    ]
    return fills


def _keys():
    leads = dict(Lead.objects.values_list("pk", "email"))
    contacts = dict(Contact.objects.values_list("pk", "email"))
    accounts = {
        pk: f"{domain}|{name}" for pk, domain, name in Account.objects.values_list("pk", "domain", "name")
    }
    return {"funnel.lead": leads, "crm.contact": contacts, "crm.account": accounts}


def _plain_changes(changes: dict, keys: dict) -> dict:
    """An audit entry's changes without what differs between two runs by construction
    (row ids, the moment a row was saved)."""
    out = {}
    for name, value in changes.items():
        if name in ("id", "created_at", "updated_at"):
            continue
        if name == "account_id":
            value = keys["crm.account"].get(value, value)
        elif name == "contact_id":
            value = keys["crm.contact"].get(value, value)
        out[name] = value
    return out


def ordered(rows) -> list:
    """Rows in a fixed order whatever they hold (ids and None side by side)."""
    return sorted(rows, key=repr)


def _outcome(first_ids: dict) -> dict:
    """Every row the capture wrote or changed, with row ids replaced by natural keys."""
    keys = _keys()
    lead_key = keys["funnel.lead"]
    lead_fields = [f.attname for f in Lead._meta.concrete_fields if f.attname not in ("id", "updated_at")]
    new = {model: first_ids[model] for model in first_ids}

    def rows(model, fields):
        return model.objects.filter(pk__gt=new[model]).values_list(*fields)

    leads = []
    for row in Lead.objects.values(*lead_fields):
        row["contact_id"] = keys["crm.contact"].get(row["contact_id"])
        row["account_id"] = keys["crm.account"].get(row["account_id"])
        leads.append(sorted(row.items()))
    return {
        "leads": ordered(leads),
        "touches": ordered(
            (lead_key[lead], kind, at)
            for lead, kind, at in LeadTouch.objects.values_list("lead", "kind", "at")
        ),
        "stage events": ordered(
            (lead_key[o], f, t, r, v, at)
            for o, f, t, r, v, at in rows(
                StageEvent, ["object_id", "from_stage", "to_stage", "reason", "via", "at"]
            )
        ),
        "audit entries": ordered(
            (
                object_type,
                # (other rows, e.g. the touchpoints import, by their type alone)
                keys[object_type].get(int(object_id)) if object_type in keys else "",
                action,
                repr(sorted(_plain_changes(changes, keys).items())),
                object_repr,
                via,
            )
            for object_type, object_id, action, changes, object_repr, via in rows(
                AuditEntry, ["object_type", "object_id", "action", "changes", "object_repr", "via"]
            )
        ),
        "assignments": ordered(
            (lead_key[lead], person, team, queue, rule, text, at)
            for lead, person, team, queue, rule, text, at in LeadAssignment.objects.values_list(
                "lead", "person", "team", "queue", "rule", "explanation", "at"
            )
        ),
        "handoffs": ordered(
            (lead_key[lead], team, owner, policy, status, opened, due, closed)
            for lead, team, owner, policy, status, opened, due, closed in Handoff.objects.values_list(
                "lead", "team", "owner", "policy", "status", "opened_at", "due_at", "closed_at"
            )
        ),
        "cursors": ordered(RoundRobinCursor.objects.values_list("team", "last_person")),
        "notifications": ordered(
            Notification.objects.values_list("recipient", "kind", "title", "body", "url")
        ),
    }


def _capture(form) -> dict:
    first_ids = {
        model: model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for model in (StageEvent, AuditEntry)
    }
    with transaction.atomic():
        outcomes = capture_process.capture_entries([Entry(payload=f, form=form) for f in _fills()], now=NOW)
    assert not [o.errors for o in outcomes if o.errors]
    return _outcome(first_ids)


def _both_ways(form, monkeypatch) -> tuple[dict, dict]:
    def one_by_one(*, leads, vias, reason="", definition=None, at):
        for lead, via in zip(leads, vias, strict=True):
            lifecycle.lead_mark_mql(
                lead=lead, actor=None, via=via, reason=reason, definition=definition, at=at
            )

    results = {}
    for way in ("one by one", "chunk"):
        try:
            with transaction.atomic(), monkeypatch.context() as patch:
                # A returning lead is recycled at "now": the same moment both ways.
                patch.setattr(timezone, "now", lambda: NOW)
                if way == "one by one":
                    patch.setattr(capture_process, "leads_mark_mql", one_by_one)
                results[way] = _capture(form)
                raise _Undo
        except _Undo:
            pass
    return results["one by one"], results["chunk"]


@pytest.fixture
def both_ways(company, monkeypatch):
    return _both_ways(company, monkeypatch)


TABLES = [
    "leads",
    "touches",
    "stage events",
    "audit entries",
    "assignments",
    "handoffs",
    "cursors",
    "notifications",
]


@pytest.mark.parametrize("table", TABLES)
def test_a_chunk_writes_the_rows_one_by_one_writes(both_ways, table):
    one_by_one, chunk = both_ways
    assert chunk[table] == one_by_one[table]


def test_the_comparison_covers_every_way_routing_decides(both_ways):
    """Guards the test itself: the captures exercise the account owner, capacity, the
    territory, a segment rule's condition, a team nobody sells in and the queue."""
    explanations = " ".join(row[5] for row in both_ways[1]["assignments"])
    for words in (
        "owns the account",
        "at capacity",
        "is in the territory",
        "segment matches",
        "absent until",
        "inactive",
        "nobody sells in this team",
        "waits in the handoff queue",
    ):
        assert words in explanations, words


def test_the_comparison_covers_re_entering_mql_and_a_returning_lead(both_ways):
    statuses = [row[4] for row in both_ways[1]["handoffs"] if row[0] == "back@nurture.example"]
    assert sorted(statuses) == ["open", "withdrawn"]


def test_a_signed_definition_with_touches_qualifies_the_same_both_ways(company, monkeypatch):
    LeadDefinition.objects.create(
        kind="mql",
        number=1,
        status=LeadDefinition.Status.APPROVED,
        rules={
            "any": [
                {"field": "score", "op": "gte", "value": 50},
                {"touches": {"kind": "webinar", "within_days": 30}, "op": "gte", "value": 3},
            ]
        },
    )
    one_by_one, chunk = _both_ways(company, monkeypatch)
    assert chunk == one_by_one


def test_qualifying_leads_cost_a_fixed_number_of_queries_per_chunk(company, django_assert_max_num_queries):
    """One write per table per chunk: 41 captures (most of them qualifying) stay within a
    budget that one statement per lead would blow through."""
    with django_assert_max_num_queries(80), transaction.atomic():
        capture_process.capture_entries([Entry(payload=f, form=company) for f in _fills()], now=NOW)
    assert Lead.objects.filter(state="mql").count() > 15
