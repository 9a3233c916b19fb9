"""Forecast accuracy — the forecast page's table, ``GET /api/v1/scorecard/forecast/accuracy``
and the two accuracy metrics of the catalogue — reconciled against the raw snapshots and
the revenue the deals actually won.

For random companies, weekly snapshots are taken of periods that have since ended (the
company's and each product's), then every figure is recomputed here from ``.values()`` as
the glossary defines it (``scorecard.accuracy_*``, ``scorecard_metrics.forecast_accuracy``,
``scorecard_metrics.product_forecast_accuracy``): per method and per horizon (whole weeks
from the snapshot to the period's last day), n, MAPE (the mean of |f − a| ÷ a where a is
not 0), WAPE (Σ|f − a| ÷ Σ a), bias (Σ(f − a) ÷ Σ a) and the share within ±10%; the
metrics are 1 − WAPE of the learned weighted forecast (never below 0). A snapshot whose
period won nothing still counts: its whole forecast is error.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.scorecard import aggregates, snapshots
from hamsu.scorecard.models import ForecastSnapshot
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.reconcile.scorecard_company import build, companies
from tests.reconcile.scorecard_reads import close, deals, local_day

# Sundays inside and just after the year the companies live in; each snapshot forecasts
# the quarter it falls in and the next one (as the weekly job does).
SUNDAYS = [datetime.date(2025, 7, 6) + datetime.timedelta(weeks=w) for w in range(0, 52, 3)]

SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _r(value):
    return None if value is None else round(value, 4)


def _summary(rows: list[dict]) -> dict:
    apes = [r["ape"] for r in rows if r["ape"] is not None]
    actual = sum(r["actual"] for r in rows)
    return {
        "n": len(rows),
        "mape": _r(sum(apes) / len(apes)) if apes else None,
        "wape": _r(sum(abs(r["error"]) for r in rows) / actual) if actual else None,
        "bias": _r(sum(r["error"] for r in rows) / actual) if actual else None,
        "within_10pct": _r(sum(1 for a in apes if a <= 0.10) / len(apes)) if apes else None,
    }


def expected_accuracy(*, product: bool) -> dict:
    """Per method: the summary over every scored snapshot, and per horizon in weeks."""
    today = timezone.localdate()
    won = defaultdict(float)  # (period key, scope) -> revenue won
    snaps = [
        s
        for s in ForecastSnapshot.objects.values(
            "taken_on", "period_key", "period_end", "scope", "method", "forecast"
        )
        if s["period_end"] < today
        and (s["scope"].startswith("product:") if product else s["scope"] == "company")
    ]
    for d in deals():
        if d["won_at"] is None:
            continue
        for key in {s["period_key"] for s in snaps}:
            if parse_period(key, GREGORIAN).contains(local_day(d["won_at"])):
                won[(key, "company")] += float(d["amount_base"])
                won[(key, f"product:{d['product_id']}")] += float(d["amount_base"])
    rows = []
    for s in snaps:
        horizon = (s["period_end"] - s["taken_on"]).days // 7
        if horizon < 0:
            continue
        actual = won[(s["period_key"], s["scope"])]
        error = float(s["forecast"]) - actual
        rows.append(
            {
                "method": s["method"],
                "horizon": horizon,
                "actual": actual,
                "error": error,
                "ape": abs(error) / actual if actual else None,
            }
        )
    out = {}
    for method in {r["method"] for r in rows}:
        mine = [r for r in rows if r["method"] == method]
        out[method] = {
            **_summary(mine),
            "by_horizon": {
                h: _summary([r for r in mine if r["horizon"] == h]) for h in {r["horizon"] for r in mine}
            },
        }
    return out


def _metric(wape):
    return None if wape is None else Decimal(str(max(0.0, 1 - wape)))


@pytest.fixture
def api(client, head_of_sales):
    client.force_login(head_of_sales.user)

    def get(path: str, **params) -> dict:
        response = client.get(f"/api/v1/scorecard/{path}", params)
        assert response.status_code == 200, response.content
        return response.json()

    return get


def _take(weeks: list[datetime.date]) -> None:
    for day in sorted(weeks):
        quarter = parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}", GREGORIAN)
        snapshots.snapshot_take(as_of=day, periods=[quarter, quarter.next()], products=True)


@pytest.mark.django_db
@SETTINGS
@given(
    company=companies(max_deals=14),
    weeks=st.lists(st.sampled_from(SUNDAYS), min_size=1, max_size=4, unique=True),
)
def test_accuracy_per_method_and_horizon_is_what_the_snapshots_and_wins_say(
    company, weeks, api, rep, other_rep
):
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        aggregates.fill()
        _take(weeks)
        expected = expected_accuracy(product=False)
        shown = api("forecast/accuracy")
        assert shown["measured"] is bool(expected)
        assert set(shown["methods"]) == set(expected)
        for method, want in expected.items():
            got = shown["methods"][method]
            for figure in ("n", "mape", "wape", "bias", "within_10pct"):
                assert got[figure] == want[figure], (method, figure)
            by_horizon = {row["horizon_weeks"]: row for row in got["by_horizon"]}
            assert set(by_horizon) == set(want["by_horizon"]), method
            for horizon, row in want["by_horizon"].items():
                for figure in ("n", "mape", "wape", "bias"):
                    assert by_horizon[horizon][figure] == row[figure], (method, horizon, figure)
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(
    company=companies(max_deals=14),
    weeks=st.lists(st.sampled_from(SUNDAYS), min_size=1, max_size=4, unique=True),
)
def test_the_accuracy_metrics_are_one_minus_the_wape_of_their_snapshots(company, weeks, api, rep, other_rep):
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        aggregates.fill()
        _take(weeks)
        company_wape = expected_accuracy(product=False).get("weighted_learned", {}).get("wape")
        product_wape = expected_accuracy(product=True).get("weighted_learned", {}).get("wape")
        items = {i["code"]: i for i in api("metrics", period="2026-Q1")["items"]}
        for code, wape in (("forecast_accuracy", company_wape), ("product_forecast_accuracy", product_wape)):
            got = items[code]["value"]
            assert close(None if got is None else Decimal(got), _metric(wape)), (code, got, wape)
        transaction.set_rollback(True)
