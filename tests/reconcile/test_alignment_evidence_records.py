"""The diagnostic's evidence from the funnel, the directory and the scorecard ("Measured in
Hamsu" on a round's results; ``evidence`` in /api/v1/alignment/rounds/<id>/results),
reconciled: statements 1, 12, 14, 15, 17 and 18 (``evidence.s1`` … ``evidence.s18``).

For random small companies drawn by hypothesis — forecast snapshots of ended quarters
and the deals won in them, company targets and their splits and quotas, a funnel version
or none, leads reaching MQL and handoffs answered, funnel work by people of every
function, heads of sales and marketing with their managers, rotations and audited changes
of function, all at random ages — each statement's value is recomputed here from the raw
rows (``.values()``) as its glossary entry says, and must be the value the API answers.
Today's value only; the level (high, mixed, low) each value implies is tested in
tests/alignment.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.alignment import services
from hamsu.alignment.models import Response
from hamsu.collaboration.models import JointAssignment
from hamsu.core import roles
from hamsu.core.models import AuditEntry
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.directory.models import Function, Person, RoleTitle, Team
from hamsu.funnel.models import (
    FunnelVersion,
    Handoff,
    Lead,
    LeadDefinition,
    LeadQueue,
    ScoringSpec,
)
from hamsu.scorecard import aggregates
from hamsu.scorecard.metrics import SHARED, catalogue
from hamsu.scorecard.models import ForecastSnapshot, Target
from hamsu.scorecard.periods import GREGORIAN, QUARTER, period_containing

KEYS = [f"s{i}" for i in range(1, 21)]
MARKETING = {"upstream_marketing", "downstream_marketing"}
FUNCTIONS = ["sales", "upstream_marketing", "downstream_marketing", "revenue_leadership", None]
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
        # s1: (quarters back, day of the quarter) of each snapshot, and its forecast
        "snapshots": st.lists(
            st.tuples(
                st.integers(1, 3), st.integers(0, 95), st.integers(0, 80).map(lambda n: Decimal(n * 1000))
            ),
            max_size=6,
        ),
        "won": st.lists(
            st.tuples(
                st.integers(1, 3), st.integers(0, 88), st.integers(1, 40).map(lambda n: Decimal(n * 1000))
            ),
            max_size=8,
        ),
        # s12: (scope, age in days of the period's end; negative: not ended)
        "targets": st.lists(
            st.tuples(st.sampled_from(["company", "team", "seller"]), st.integers(-200, 700)), max_size=6
        ),
        # s14
        "versions": st.integers(0, 2),
        "mqls": st.lists(ages, max_size=6),
        "handoffs": st.lists(st.tuples(st.sampled_from(["open", "accepted", "returned"]), ages), max_size=6),
        # s15: (kind of change, function of who made it, age)
        "changes": st.lists(
            st.tuples(
                st.sampled_from(["version", "definition", "scoring"]), st.sampled_from(FUNCTIONS), ages
            ),
            max_size=8,
        ),
        # s17: who each head reports to (0: the revenue leader, 1: someone else, None: nobody)
        "heads": st.tuples(st.sampled_from([0, 1, None, "absent"]), st.sampled_from([0, 1, None, "absent"])),
        "leader_function": st.sampled_from(["revenue_leadership", "sales"]),
        # s18
        "rotations": st.lists(st.tuples(st.sampled_from(["rotation", "joint"]), ages), max_size=4),
        "moves": st.lists(
            st.tuples(st.sampled_from(FUNCTIONS[:4]), st.sampled_from(FUNCTIONS[:4]), ages, st.booleans()),
            max_size=5,
        ),
    }
)


def _quarter(back: int):
    """The quarter ``back`` quarters before the current one (the company's calendar is Gregorian)."""
    period = period_containing(timezone.localdate(), QUARTER, GREGORIAN)
    for _n in range(back):
        period = period_containing(period.start - DAY, QUARTER, GREGORIAN)
    return period


def _at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def build(spec, *, make_person, make_account, django_user_model):
    now = timezone.now()
    seller = make_person("Seller", function=Function.SALES)
    account = make_account(seller)
    # s1: deals won in ended quarters (one stage event each, as the CRM writes a win) and
    # weekly snapshots of those quarters, of the learned method and of another one.
    for n, (back, day, amount) in enumerate(spec["won"]):
        quarter = _quarter(back)
        at = _at_noon(quarter.start + day * DAY)
        deal = Opportunity.objects.create(
            name=f"Won {n}",
            account=account,
            owner=seller,
            stage="won",
            probability=100,
            amount=amount,
            currency="USD",
            amount_base=amount,
            expected_close=at.date(),
            stage_changed_at=at,
            closed_at=at,
            created_at=at - 30 * DAY,
        )
        StageEvent.objects.create(
            object_type="opportunity",
            object_id=deal.pk,
            opportunity=deal,
            from_stage="negotiation",
            to_stage="won",
            at=at,
        )
    for back, day, forecast in spec["snapshots"]:
        quarter = _quarter(back)
        for method, value in (("weighted_learned", forecast), ("weighted_default", forecast * 2)):
            ForecastSnapshot.objects.get_or_create(
                taken_on=quarter.start + day * DAY,
                calendar=GREGORIAN,
                period_key=quarter.key,
                scope="company",
                method=method,
                defaults={
                    "period_kind": QUARTER,
                    "period_start": quarter.start,
                    "period_end": quarter.end,
                    "forecast": value,
                },
            )
    aggregates.fill()
    # s12
    team = Team.objects.create(name="East", function=Function.SALES)
    for n, (scope, ended_days_ago) in enumerate(spec["targets"]):
        end = timezone.localdate() - ended_days_ago * DAY
        Target.objects.create(
            scope=scope,
            team=team if scope == "team" else None,
            person=seller if scope == "seller" else None,
            period_kind="month",
            calendar=GREGORIAN,
            period_key=f"T{n}",
            period_start=end - 27 * DAY,
            period_end=end,
            amount=Decimal("1000"),
        )
    # s15's makers: a login for each function, and one with no directory person
    makers = {}
    for function in FUNCTIONS:
        user = django_user_model.objects.create_user(username=f"maker-{function}")
        if function:
            Person.objects.create(
                user=user,
                full_name=f"Maker {function}",
                email=f"maker-{function}@example.com",
                function=function,
            )
        makers[function] = user
    # s14
    for number in range(1, spec["versions"] + 1):
        FunnelVersion.objects.create(number=number, created_at=now - 600 * DAY)
    for age in spec["mqls"]:
        lead = Lead.objects.create(state="mql", queue=LeadQueue.HANDOFF, created_at=now - age * DAY)
        StageEvent.objects.create(
            object_type="lead", object_id=lead.pk, from_stage="inquiry", to_stage="mql", at=now - age * DAY
        )
    for status, age in spec["handoffs"]:
        lead = Lead.objects.create(state="mql", queue=LeadQueue.HANDOFF, created_at=now - (age + 2) * DAY)
        Handoff.objects.create(
            lead=lead,
            status=status,
            opened_at=now - (age + 1) * DAY,
            due_at=now - age * DAY,
            closed_at=None if status == "open" else now - age * DAY,
        )
    # s15
    numbers = {"version": 100, "definition": 100, "scoring": 100}
    for kind, function, age in spec["changes"]:
        at = now - age * DAY
        numbers[kind] += 1
        if kind == "version":
            FunnelVersion.objects.create(number=numbers[kind], created_by=makers[function], created_at=at)
        elif kind == "definition":
            LeadDefinition.objects.create(
                kind="mql", number=numbers[kind], rules={}, proposed_by=makers[function], proposed_at=at
            )
        else:
            ScoringSpec.objects.create(
                number=numbers[kind], spec={}, created_by=makers[function], created_at=at
            )
    # s17
    leader = make_person("Rana Revenue", function=spec["leader_function"], title=RoleTitle.CRO)
    other = make_person("Omid Other", function=Function.SALES, title=RoleTitle.SALES_MANAGER)
    for title, function, reports_to in (
        (RoleTitle.HEAD_OF_SALES, Function.SALES, spec["heads"][0]),
        (RoleTitle.HEAD_OF_MARKETING, Function.DOWNSTREAM_MARKETING, spec["heads"][1]),
    ):
        if reports_to == "absent":
            continue
        head = make_person(f"Head {title}", function=function, title=title)
        Person.objects.filter(pk=head.pk).update(manager={0: leader, 1: other, None: None}[reports_to])
    # s18
    for kind, age in spec["rotations"]:
        JointAssignment.objects.create(
            person=seller, kind=kind, description="x", starts_on=timezone.localdate() - int(age) * DAY
        )
    for before, after, age, other_field in spec["moves"]:
        changes = {"function": [before, after]}
        if other_field:
            changes["role_title"] = ["sales_rep", "sales_manager"]
        AuditEntry.objects.create(
            action="update",
            object_type="directory.person",
            object_id=str(seller.pk),
            changes=changes,
            at=now - age * DAY,
        )
    round_ = services.round_create(
        actor=None, name="Evidence", closes_at=now + 7 * DAY, anonymous=False, min_group_size=2
    )
    Response.objects.bulk_create(
        Response(round=round_, function=f, **dict.fromkeys(KEYS, 3))
        for f in ("sales", "sales", "marketing", "marketing")
    )
    return round_


def pct(ratio: float) -> str:
    return f"{ratio * 100:.0f}%"


def expected(now: datetime.datetime) -> dict[str, str | None]:
    """The values, written out from the raw rows (None: not measured)."""
    today = timezone.localdate(now)
    out: dict[str, str | None] = {}
    # s1: 1 − WAPE of the learned method's snapshots of ended periods, against the revenue won
    # in each period (taken on or before the period's last day).
    won_on = [
        (timezone.localtime(e["at"]).date(), e["opportunity__amount_base"])
        for e in StageEvent.objects.filter(object_type="opportunity").values(
            "to_stage", "at", "opportunity__amount_base"
        )
        if e["to_stage"] == "won"
    ]
    errors, actuals = Decimal("0"), Decimal("0")
    for s in ForecastSnapshot.objects.values(
        "method", "scope", "taken_on", "period_start", "period_end", "forecast"
    ):
        if s["method"] != "weighted_learned" or s["scope"] != "company":
            continue
        if s["period_end"] >= today or s["taken_on"] > s["period_end"]:
            continue
        actual = sum((a for day, a in won_on if s["period_start"] <= day <= s["period_end"]), Decimal("0"))
        errors += abs(s["forecast"] - actual)
        actuals += actual
    if actuals:
        wape = round(float(errors / actuals), 4)  # the API rounds the error to four places
        out["s1"] = f"forecasts were {pct(max(0.0, 1 - wape))} accurate (weighted absolute error {pct(wape)})"
    else:
        out["s1"] = None
    # s12
    shared = sum(1 for m in catalogue() if m.group == SHARED)
    year_ago = (now - 365 * DAY).date()
    company_targets = sum(
        1
        for t in Target.objects.values("scope", "period_end")
        if t["scope"] == "company" and t["period_end"] >= year_ago
    )
    out["s12"] = (
        f"{shared} shared metrics defined; {company_targets} company-wide targets set in the last year"
    )
    # s14
    half_year = now - 180 * DAY
    versions = [v["number"] for v in FunnelVersion.objects.values("number")]
    funnel = f"funnel version {max(versions)}" if versions else "the built-in default funnel"
    mqls = sum(
        1
        for e in StageEvent.objects.values("object_type", "to_stage", "at")
        if e["object_type"] == "lead" and e["to_stage"] == "mql" and half_year <= e["at"] <= now
    )
    answered = sum(
        1
        for h in Handoff.objects.values("status", "closed_at")
        if h["status"] in ("accepted", "returned") and h["closed_at"] and half_year <= h["closed_at"] <= now
    )
    out["s14"] = (
        f"{funnel} is in force; in the last 6 months {mqls} leads reached MQL and sales answered {answered} handoffs"
    )
    # s15: changes with a login, by the function of the login's person ("" without one)
    function_of = {
        p["user_id"]: p["function"] for p in Person.objects.values("user_id", "function") if p["user_id"]
    }
    makers = []
    for rows, who, when in (
        (FunnelVersion.objects.values("created_by_id", "created_at"), "created_by_id", "created_at"),
        (LeadDefinition.objects.values("proposed_by_id", "proposed_at"), "proposed_by_id", "proposed_at"),
        (ScoringSpec.objects.values("created_by_id", "created_at"), "created_by_id", "created_at"),
    ):
        makers += [function_of.get(r[who], "") for r in rows if r[who] and half_year <= r[when] <= now]
    if makers:
        by_marketing = sum(1 for f in makers if f in MARKETING)
        out["s15"] = (
            f"marketers made {by_marketing} of the {len(makers)} changes to the funnel, the lead definitions "
            "and the scoring in the last 6 months"
        )
    else:
        out["s15"] = "nobody changed the funnel, the lead definitions or the scoring in the last 6 months"
    # s17: the first-created active head of each kind
    people = {
        p["id"]: p
        for p in Person.objects.values("id", "full_name", "function", "manager_id", "role_title", "is_active")
    }
    heads = {}
    for p in sorted(people.values(), key=lambda p: p["id"], reverse=True):
        if p["is_active"] and p["role_title"] in ("head_of_sales", "head_of_marketing"):
            heads[p["role_title"]] = p
    sales, marketing = heads.get("head_of_sales"), heads.get("head_of_marketing")
    if sales is None or marketing is None:
        out["s17"] = None
    elif (
        sales["manager_id"] is not None
        and sales["manager_id"] == marketing["manager_id"]
        and people[sales["manager_id"]]["function"] == "revenue_leadership"
    ):
        out["s17"] = f"both heads report to {people[sales['manager_id']]['full_name']}"
    else:
        out["s17"] = "the heads of sales and marketing report to different people"
    # s18: rotations started in the last year + audited function changes sales ↔ marketing
    rotations = sum(
        1
        for j in JointAssignment.objects.values("kind", "starts_on")
        if j["kind"] == "rotation" and year_ago < j["starts_on"] <= today
    )
    moves = 0
    for entry in AuditEntry.objects.values("object_type", "changes", "at"):
        change = entry["changes"].get("function")
        if (
            entry["object_type"] != "directory.person"
            or not change
            or not now - 365 * DAY <= entry["at"] <= now
        ):
            continue
        before, after = change
        if {before, after} & {"sales"} and {before, after} & MARKETING:
            moves += 1
    out["s18"] = f"{rotations + moves} moves or rotations in the last year"
    return out


@pytest.fixture
def leader_client(client, make_person):
    reader = make_person(
        "Lale Leader", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    client.force_login(reader.user)
    return client


@pytest.mark.django_db
@SETTINGS
@given(spec=companies)
def test_the_evidence_shows_what_the_rows_say(
    spec, leader_client, make_person, make_account, django_user_model
):
    with transaction.atomic():
        round_ = build(
            spec, make_person=make_person, make_account=make_account, django_user_model=django_user_model
        )
        shown = leader_client.get(f"/api/v1/alignment/rounds/{round_.pk}/results").json()
        values = {e["statement"]: e["value"] if e["measured"] else None for e in shown["evidence"]}
        want = expected(timezone.now())
        for statement in ("s1", "s12", "s14", "s15", "s17", "s18"):
            assert values.get(statement) == want[statement], statement
        transaction.set_rollback(True)
