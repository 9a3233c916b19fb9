"""The scorecard's shared and upstream metrics — SLA adherence (both sides), new segments
discovered, the revenue share of new offerings and the market-entry cost per new segment
— reconciled against the raw handoffs, SLA policies, segments, products, deals and costs.

For random companies (``scorecard_company``: handoffs opened at any minute of the day to
either sales team or to none, answered or not, before or after their deadline; segments
discovered and products launched on random days over three years; market-entry costs
booked against segments), each figure is recomputed here from ``.values()`` as its
glossary entry (``scorecard_metrics.*``) defines it, under every period and filter the
pages offer, in UTC and in Tehran's time zone (a period then starts at 20:30 UTC, so the
SLA's day totals meet handoffs counted one by one at both ends). A figure that has no such
split says so (no value) under a team, segment, product, seller or source filter.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.crm.models import Product, Segment
from hamsu.funnel.models import Handoff, SlaPolicy
from hamsu.scorecard import aggregates
from hamsu.scorecard.models import CostEntry
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.reconcile.scorecard_company import build, companies
from tests.reconcile.scorecard_reads import DIMS, close, deals, filters, ids, local_day, narrowed, ratio

PERIODS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026", "2025", "2025-11", "2026-06"]
SHARED = (
    "sla_adherence_marketing",
    "sla_adherence_sales",
    "new_segments",
    "new_offering_revenue_share",
    "market_entry_cost",
)
# "New" for offerings and segments: within the two years (730 days) to the period's end.
TWO_YEARS = datetime.timedelta(days=730)

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _bounds(period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as instants: local midnight of its first day to that of the day after."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time(), tzinfo=tz)
    return start, datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time(), tzinfo=tz
    )


def _sla(period) -> tuple:
    """Both sides of the SLA over the handoffs opened in the period, from the raw rows.

    Marketing: MQLs handed over ÷ MQLs committed, where each team that received handoffs
    is held to its own policy (else the company's default) for as many months as the
    period lasts (days ÷ 30.4). Sales: handoffs answered by their deadline ÷ answered.
    """
    start, end = _bounds(period)
    rows = [
        h
        for h in Handoff.objects.values("team_id", "status", "opened_at", "due_at", "closed_at")
        if start <= h["opened_at"] < end
    ]
    policies = list(SlaPolicy.objects.order_by("pk").values("team_id", "mql_target_per_month"))
    default = next((p["mql_target_per_month"] for p in policies if p["team_id"] is None), 0)
    own = {p["team_id"]: p["mql_target_per_month"] for p in policies if p["team_id"] is not None}
    months = max((period.end - period.start).days + 1, 1) / 30.4
    committed = sum(round(own.get(team, default) * months) for team in {h["team_id"] for h in rows})
    answered = [h for h in rows if h["status"] in ("accepted", "returned") and h["closed_at"] is not None]
    on_time = [h for h in answered if h["closed_at"] <= h["due_at"]]
    return ratio(len(rows), committed), ratio(len(on_time), len(answered))


def _won(period, query: dict) -> list[dict]:
    """Deals whose first win falls in the period, among those the filters select."""
    picked = [
        d
        for d in deals()
        if all(query.get(name) is None or d[f"{name}_id"] == query[name] for name in DIMS)
        and (not query.get("source") or d["source"] == query["source"])
    ]
    return [d for d in picked if d["won_at"] and period.contains(local_day(d["won_at"]))]


def expected_figures(period, query: dict) -> dict:
    segments = list(Segment.objects.values("id", "discovered_on"))
    recent_products = {
        p["id"]
        for p in Product.objects.values("id", "launched_on")
        if p["launched_on"] and period.end - TWO_YEARS < p["launched_on"] <= period.end
    }
    won = _won(period, query)
    revenue = sum((d["amount_base"] for d in won), Decimal(0))
    from_new = sum((d["amount_base"] for d in won if d["product_id"] in recent_products), Decimal(0))
    figures = {"new_offering_revenue_share": ratio(from_new, revenue)}
    if narrowed(query):  # the others have no team, segment, product, seller or source
        return {**figures, **dict.fromkeys(set(SHARED) - set(figures))}
    marketing, sales = _sla(period)
    new = [
        s["id"]
        for s in segments
        if s["discovered_on"] and period.end - TWO_YEARS < s["discovered_on"] <= period.end
    ]
    costs = [
        c
        for c in CostEntry.objects.values("month", "category", "segment_id", "amount_base")
        if period.start <= c["month"] <= period.end
    ]
    entry = sum(
        (c["amount_base"] for c in costs if c["category"] == "market_entry" and c["segment_id"] in new),
        Decimal(0),
    )
    return {
        **figures,
        "sla_adherence_marketing": marketing,
        "sla_adherence_sales": sales,
        "new_segments": sum(
            1 for s in segments if s["discovered_on"] and period.contains(s["discovered_on"])
        ),
        "market_entry_cost": ratio(entry, len(new)) if new and costs else None,
    }


@pytest.fixture
def shown(client, head_of_sales):
    client.force_login(head_of_sales.user)

    def get(period_key: str, query: dict) -> dict:
        response = client.get("/api/v1/scorecard/metrics", {"period": period_key, **query})
        assert response.status_code == 200, response.content
        items = {i["code"]: i for i in response.json()["items"]}
        return {
            code: None if items[code]["value"] is None else Decimal(items[code]["value"]) for code in SHARED
        }

    return get


@pytest.mark.django_db
@SETTINGS
@pytest.mark.parametrize("zone", ["UTC", "Asia/Tehran"])
@given(
    company=companies(max_deals=8, max_handoffs=14, max_entry_costs=4),
    chosen=st.lists(st.tuples(st.sampled_from(PERIODS), filters), min_size=1, max_size=3),
)
def test_shared_and_upstream_metrics_are_what_the_rows_say(
    zone, company, chosen, shown, rep, other_rep, settings
):
    settings.TIME_ZONE = zone
    with transaction.atomic():
        built = build(company, sellers=[rep, other_rep])
        aggregates.fill()
        for period_key, picked in [("2026-Q1", {}), *chosen]:
            query = ids(built, picked)
            expected = expected_figures(parse_period(period_key, GREGORIAN), query)
            got = shown(period_key, query)
            for code in SHARED:
                assert close(got[code], expected[code]), (
                    zone,
                    period_key,
                    picked,
                    code,
                    got[code],
                    expected[code],
                )
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_deals=8, max_handoffs=14), period_key=st.sampled_from(PERIODS))
def test_shares_stay_shares(company, period_key, shown, rep, other_rep):
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        aggregates.fill()
        got = shown(period_key, {})
        for code in ("sla_adherence_sales", "new_offering_revenue_share"):
            assert got[code] is None or 0 <= got[code] <= 1, code
        transaction.set_rollback(True)
