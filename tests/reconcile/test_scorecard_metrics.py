"""The scorecard's cards and metric catalogue (/scorecard/, /scorecard/metrics/ and their
API twins), reconciled against the raw deals, stage events, targets and costs.

For random small companies (``scorecard_company``) the aggregates are refreshed as the
product refreshes them (``aggregates.fill``), then every figure is recomputed here plainly
from ``.values()`` of the raw rows — following its glossary entry (``scorecard.*``,
``scorecard_metrics.*``), never through the aggregates or a selector — and must equal
what the API answers, under every filter the pages offer (period; team, segment, product
and seller, alone and combined). Invariants hold as properties: shares in [0, 1], and won
revenue, deals won and open pipeline per team, per seller and per product add up to the
company's.
"""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.scorecard import aggregates
from hamsu.scorecard.models import CostEntry, Target
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.reconcile.scorecard_company import build, companies
from tests.reconcile.scorecard_reads import deals as _deals

# The sales path as the glossary states it (scorecard.stage_reached), written out here.
PATH = [
    "prospecting",
    "qualifying",
    "needs_definition",
    "solution_development",
    "decision",
    "negotiation",
    "won",
]
OPEN = PATH[:-1]
PERIODS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026", "2025-11"]
DIMS = ("team", "segment", "product", "owner")

SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _day(at: datetime.datetime) -> datetime.date:
    return timezone.localtime(at).date()


def _matches(deal: dict, filters: dict) -> bool:
    return all(filters.get(name) is None or deal[f"{name}_id"] == filters[name] for name in DIMS)


def _ratio(a, b):
    return None if not b else Decimal(a) / Decimal(b)


def _target(period, filters: dict):
    """scorecard.target: one scope only; a quarter's own, a year as its quarters' sum."""
    named = [name for name in DIMS if filters.get(name) is not None]
    if len(named) > 1:
        return None
    scope, field = {
        "owner": ("seller", "person_id"),
        "team": ("team", "team_id"),
        "segment": ("segment", "segment_id"),
        "product": ("product", "product_id"),
    }.get(named[0] if named else "", ("company", None))
    rows = [
        t
        for t in Target.objects.filter(scope=scope, calendar=GREGORIAN).values(
            "period_key",
            "period_kind",
            "period_start",
            "period_end",
            "amount",
            "team_id",
            "segment_id",
            "product_id",
            "person_id",
        )
        if field is None or t[field] == filters[named[0]]
    ]
    exact = [t["amount"] for t in rows if t["period_key"] == period.key]
    if exact:
        return exact[0]
    inside = [
        t["amount"]
        for t in rows
        if t["period_kind"] == "quarter"
        and t["period_start"] >= period.start
        and t["period_end"] <= period.end
    ]
    return sum(inside) if inside else None


def expected_figures(period, filters: dict) -> dict:
    deals = _deals()
    mine = [d for d in deals if _matches(d, filters)]
    won = [d for d in mine if d["won_at"] and period.contains(_day(d["won_at"]))]
    lost = [d for d in mine if any(period.contains(_day(at)) for at in d["lost_at"])]
    revenue = sum((d["amount_base"] for d in won), Decimal(0))
    cycles = [(d["won_at"] - d["first_at"]).total_seconds() for d in won]
    # New customers: an account's first win ever, counted on the deal that was it.
    first_win = {}
    for d in sorted((d for d in deals if d["won_at"]), key=lambda d: (d["won_at"], d["id"])):
        first_win.setdefault(d["account_id"], d)
    new_customers = sum(1 for d in won if first_win[d["account_id"]]["id"] == d["id"])
    cohort = [d for d in mine if period.contains(_day(d["first_at"]))]
    target = _target(period, filters)
    open_value = sum((d["amount_base"] for d in mine if d["stage"] in OPEN), Decimal(0))
    figures = {
        "won": revenue,
        "target": target,
        "open_pipeline": open_value,
        "sales_closed": len(won),
        "new_customers": new_customers,
        "gross_profit_per_customer": _ratio(sum(d["gross_profit"] for d in won), len(won)),
        "win_rate": _ratio(len(won), len(won) + len(lost)),
        "avg_deal_size": _ratio(revenue, len(won)),
        "sales_cycle_days": _ratio(Decimal(sum(cycles)), len(won) * 86400),
        "sales_cycle_median_days": Decimal(statistics.median(cycles)) / 86400 if cycles else None,
        "quota_attainment": _ratio(revenue, target) if target is not None else None,
        "pipeline_coverage": (open_value / (target - revenue))
        if target is not None and target > revenue
        else None,
        "leakage": _ratio(sum(1 for d in cohort if d["stage"] == "lost"), len(cohort)),
        "marketing_sourced_revenue": sum(
            (d["amount_base"] for d in won if d["source"] == "marketing"), Decimal(0)
        ),
        "marketing_sourced_pipeline": sum(
            (
                d["amount_base"]
                for d in mine
                if d["source"] == "marketing" and period.contains(_day(d["reached_at"]["prospecting"]))
            ),
            Decimal(0),
        ),
    }
    for a, b in zip(PATH, PATH[1:], strict=False):
        reached_a = sum(1 for d in cohort if d["depth"] >= PATH.index(a))
        reached_b = sum(1 for d in cohort if d["depth"] >= PATH.index(b))
        figures[f"conversion_{a}_to_{b}"] = _ratio(reached_b, reached_a)
    for stage in OPEN:
        stays = [
            s
            for d in mine
            for (where, ended, s) in d["stays"]
            if where == stage and period.contains(_day(ended))
        ]
        figures[f"velocity_{stage}"] = _ratio(Decimal(sum(stays)), len(stays) * 86400)
    # Costs are kept for the whole company only: measured without filters, "not split" with.
    unfiltered = not any(filters.get(name) is not None for name in DIMS)
    costs = [
        c
        for c in CostEntry.objects.values("month", "function", "amount_base")
        if period.start <= c["month"] <= period.end
    ]
    total_cost = sum((c["amount_base"] for c in costs), Decimal(0))
    sales_cost = sum((c["amount_base"] for c in costs if c["function"] == "sales"), Decimal(0))
    figures["cost_of_sales"] = _ratio(total_cost, revenue) if unfiltered and costs else None
    figures["sales_expense_ratio"] = _ratio(sales_cost, revenue) if unfiltered and costs else None
    figures["customer_acquisition_cost"] = _ratio(total_cost, new_customers) if unfiltered and costs else None
    return figures


@pytest.fixture
def api(client, head_of_sales):
    client.force_login(head_of_sales.user)

    def get(path: str, **params) -> dict:
        response = client.get(f"/api/v1/scorecard/{path}", {k: v for k, v in params.items() if v is not None})
        assert response.status_code == 200, response.content
        return response.json()

    def shown(period_key: str, filters: dict) -> dict:
        params = {"period": period_key, **filters}
        items = {i["code"]: i for i in get("metrics", **params)["items"]}
        figures = {code: None if i["value"] is None else Decimal(i["value"]) for code, i in items.items()}
        forecast = get("forecast", **params)
        figures["won"] = Decimal(forecast["won_to_date"])
        figures["target"] = None if forecast["target"] is None else Decimal(forecast["target"])
        figures["open_pipeline"] = sum(
            (Decimal(s["open_value"]) for s in get("funnel", **params)), Decimal(0)
        )
        return figures

    return shown


def _close(got, want) -> bool:
    if want is None or got is None:
        return got is want
    # The API rounds every metric to 4 decimal places.
    return abs(Decimal(got) - Decimal(want)) <= Decimal("0.0001")


def _ids(built, chosen: dict) -> dict:
    pools = {
        "team": built.teams,
        "segment": built.segments,
        "product": built.products,
        "owner": built.sellers,
    }
    return {name: pools[name][index].pk for name, index in chosen.items() if index is not None}


filters = st.fixed_dictionaries({name: st.sampled_from([None, 0, 1]) for name in DIMS})


@pytest.mark.django_db
@SETTINGS
@given(
    company=companies(),
    chosen=st.lists(st.tuples(st.sampled_from(PERIODS), filters), min_size=1, max_size=2),
)
def test_every_card_and_metric_is_what_the_rows_say_under_every_filter(company, chosen, api, rep, other_rep):
    with transaction.atomic():
        built = build(company, sellers=[rep, other_rep])
        aggregates.fill()
        for period_key, picked in [("2026-Q1", {}), *chosen]:
            wanted = _ids(built, picked)
            expected = expected_figures(parse_period(period_key, GREGORIAN), wanted)
            shown = api(period_key, wanted)
            for code, want in expected.items():
                assert _close(shown[code], want), (period_key, picked, code, shown[code], want)
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(), period_key=st.sampled_from(PERIODS))
def test_shares_stay_shares_and_parts_add_up_to_the_whole(company, period_key, api, rep, other_rep):
    with transaction.atomic():
        built = build(company, sellers=[rep, other_rep])
        aggregates.fill()
        whole = api(period_key, {})
        for code, value in whole.items():
            if value is not None and (code.startswith("conversion_") or code in ("win_rate", "leakage")):
                assert 0 <= value <= 1, code
        # Every deal has one team, one seller and one product: the parts are the whole.
        for name, pool in (("team", built.teams), ("owner", built.sellers), ("product", built.products)):
            parts = [api(period_key, {name: item.pk}) for item in pool]
            for figure in ("won", "sales_closed", "open_pipeline", "marketing_sourced_revenue"):
                assert sum(p[figure] for p in parts) == whole[figure], (name, figure)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(company=companies(), period_key=st.sampled_from(PERIODS), picked=filters)
def test_an_export_holds_exactly_what_the_page_and_api_show(
    company, period_key, picked, client, head_of_sales, rep, other_rep
):
    import csv
    import io

    with transaction.atomic():
        built = build(company, sellers=[rep, other_rep])
        aggregates.fill()
        client.force_login(head_of_sales.user)
        wanted = _ids(built, picked)
        params = {"period": period_key, **wanted}
        stages = client.get("/api/v1/scorecard/funnel", params).json()
        exported = client.get("/scorecard/funnel/", {**params, "export": "csv", "table": "funnel"})
        rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))[1:]
        assert [int(r[1]) for r in rows] == [s["reached"] for s in stages]
        number = client.get("/scorecard/", {**params, "export": "csv", "table": "number"})
        last = list(csv.reader(io.StringIO(b"".join(number.streaming_content).decode())))[-1]
        period = parse_period(period_key, GREGORIAN)
        expected = expected_figures(period, wanted)
        assert last[0] == period.label  # the export names the period as the page does
        assert Decimal(last[3]) == expected["won"]
        transaction.set_rollback(True)
