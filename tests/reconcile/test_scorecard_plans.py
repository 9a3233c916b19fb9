"""The reverse-funnel plan pages (/scorecard/plans/, /scorecard/plans/<id>/ and their API
twins) reconciled against the raw deals, leads and stage events.

For random companies with deals and leads, the inputs a plan measures are recomputed
here from ``.values()`` as the glossary defines them (``scorecard.plan_*``): over the
twelve fiscal months before the plan's period, the win rate, the average deal size, the
sales cycle, each lead-stage conversion over one cohort (the leads that entered the
funnel in those months) and the mean days in each lead stage. A plan drafted from them
(and one with adjusted rates) must then need, at every stage, what plain arithmetic says
— the deals to win are the target over the deal size, each stage above needs the next
one's exact number over its conversion, rounded up once — and must be entered by the
period's last day minus the days of that stage and every later one.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.scorecard import aggregates
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.reconcile.scorecard_company import build, companies
from tests.reconcile.scorecard_reads import deals, leads, local_day

# Each plan's window (the twelve months before it) overlaps the companies' year differently.
PERIODS = ["2026-Q2", "2026-Q3", "2026-07", "2026", "2025-Q4"]
LEAD_RATES = (("inquiry", "mql"), ("mql", "sal"), ("sal", "sql"), ("sql", "opportunity"))
PLAN_STAGES = ("inquiry", "mql", "sal", "sql", "opportunity", "won")

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _ratio(a, b):
    return None if not b else a / b


def window(period) -> tuple[datetime.date, datetime.date]:
    """The twelve whole months before the period's first month."""
    last = period.start - datetime.timedelta(days=1)
    year, month = last.year - 1, last.month + 1
    if month == 13:
        year, month = year + 1, 1
    return datetime.date(year, month, 1), last


def expected_inputs(period) -> dict:
    start, end = window(period)

    def inside(at) -> bool:
        return start <= local_day(at) <= end

    history = deals()
    won = [d for d in history if d["won_at"] and inside(d["won_at"])]
    lost = [d for d in history if any(inside(at) for at in d["lost_at"])]
    revenue = sum(float(d["amount_base"]) for d in won)
    lead_rows = leads()
    cohort = [lead for lead in lead_rows if inside(lead["first_at"])]
    out = {
        "window": {"from": start.isoformat()},
        "win_rate": _ratio(len(won), len(won) + len(lost)),
        "avg_deal_size": _ratio(revenue, len(won)),
        "sales_cycle_days": _ratio(
            sum((d["won_at"] - d["first_at"]).total_seconds() for d in won), len(won) * 86400
        ),
    }
    for a, b in LEAD_RATES:
        out[f"{a}_to_{b}"] = _ratio(
            sum(1 for lead in cohort if b in lead["reached_at"]),
            sum(1 for lead in cohort if a in lead["reached_at"]),
        )
    for stage in ("inquiry", "mql", "sal", "sql"):
        stays = [
            s for lead in lead_rows for (where, ended, s) in lead["stays"] if where == stage and inside(ended)
        ]
        out[f"days_in_{stage}"] = _ratio(sum(stays), len(stays) * 86400)
    return out


def expected_rows(period, target: float, used: dict) -> list[dict]:
    rates = [used[f"{a}_to_{b}"] for a, b in LEAD_RATES]
    with_leads = all(rates)
    stages = PLAN_STAGES if with_leads else ("opportunity", "won")
    conversion = [*rates, used["win_rate"]] if with_leads else [used["win_rate"]]
    days = {s: used.get(f"days_in_{s}") or 0.0 for s in ("inquiry", "mql", "sal", "sql")}
    days["opportunity"] = used.get("sales_cycle_days") or 0.0
    exact = [0.0] * len(stages)
    exact[-1] = target / used["avg_deal_size"]
    for i in range(len(stages) - 2, -1, -1):
        exact[i] = exact[i + 1] / conversion[i]
    rows = []
    for i, stage in enumerate(stages):
        ahead = sum(days[s] for s in stages[i:-1])
        rows.append(
            {
                "stage": stage,
                "needed": math.ceil(exact[i] - 1e-9),
                "start_by": (period.end - datetime.timedelta(days=math.ceil(ahead))).isoformat(),
            }
        )
    return rows


@pytest.fixture
def api(client, head_of_sales):
    client.force_login(head_of_sales.user)
    return client


def _approx(got, want) -> bool:
    if want is None or got is None:
        return got is want
    return got == pytest.approx(want, rel=1e-9, abs=1e-9)


@pytest.mark.django_db
@SETTINGS
@given(
    company=companies(max_deals=14, max_leads=14),
    period_key=st.sampled_from(PERIODS),
    target=st.integers(min_value=1000, max_value=200000),
    adjust=st.sampled_from(
        [{}, {"win_rate": 0.25, "mql_to_sal": 0.5, "days_in_sql": 3.5}, {"avg_deal_size": 777}]
    ),
)
def test_the_plan_needs_what_its_measured_inputs_say(
    company, period_key, target, adjust, api, rep, other_rep
):
    period = parse_period(period_key, GREGORIAN)
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        aggregates.fill()
        measured = api.get("/api/v1/scorecard/plans/measured", {"period": period_key}).json()
        expected = expected_inputs(period)
        assert measured["window"]["from"] == expected["window"]["from"]
        for key, want in expected.items():
            if key != "window":
                assert _approx(measured[key], want), (key, measured[key], want)
        # The plans page shows the same measured inputs.
        page = api.get("/scorecard/plans/", {"period": period_key})
        for key, want in expected.items():
            if key != "window":
                assert _approx(page.context["measured"][key], want), key
        used = {**{k: v for k, v in expected.items() if k != "window"}, **adjust}
        response = api.post(
            "/api/v1/scorecard/plans",
            {"period": period_key, "target_amount": str(target), "adjustments": adjust},
            content_type="application/json",
        )
        if not used["win_rate"] or not used["avg_deal_size"]:
            # Without a win rate or a deal size there is nothing to plan with: a field error.
            assert response.status_code == 422, response.content
            missing = {k for k in ("win_rate", "avg_deal_size") if not used[k]}
            assert {e["field"] for e in response.json()["errors"]} == missing
        else:
            assert response.status_code == 201, response.content
            plan = response.json()
            shown = [r for r in plan["rows"] if r["measured"]]
            want = expected_rows(period, float(target), used)
            assert [r["stage"] for r in shown] == [r["stage"] for r in want]
            assert [r["needed"] for r in shown] == [r["needed"] for r in want]
            assert [r["start_by"] for r in shown] == [r["start_by"] for r in want]
            # The plan page's export holds the same rows.
            exported = api.get(f"/scorecard/plans/{plan['id']}/", {"export": "csv", "table": "plan"})
            rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))[1:]
            assert [int(Decimal(r[1])) for r in rows if r[1][:1].isdigit()] == [r["needed"] for r in want]
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["team", "segment", "product", "owner"])
def test_the_plans_page_offers_no_filter_its_figures_ignore(api, name):
    # A plan's inputs are the whole company's; a team or seller filter would change nothing.
    page = api.get("/scorecard/plans/", {"period": "2026-Q3"})
    assert f'name="{name}"' not in page.content.decode()


@pytest.mark.django_db
def test_the_plans_page_offers_the_period(api):
    page = api.get("/scorecard/plans/", {"period": "2026-Q3"})
    assert 'name="period"' in page.content.decode()
