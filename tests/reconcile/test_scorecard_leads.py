"""The scorecard's lead figures — MQLs, MQL → SAL, SAL → SQL, cost per MQL, and the lead
stages table of /scorecard/funnel/ — reconciled against the raw leads, their stage
events and the cost entries.

For random companies whose leads walk the lifecycle (skipping steps as imports do,
returning to nurture, deals lost), the aggregates are refreshed as the product refreshes
them, then each figure is recomputed here from ``.values()`` of the stage events as the
glossary defines it (``scorecard_metrics.mqls`` …, ``scorecard.lead_*``): "reached" is how
far down the path a lead got (one definition, ``hamsu.funnel.reach``, written out here
again), and a conversion divides counts of one cohort — the leads that entered the funnel
in the period — so it stays in [0, 1]. Lead stages have no team, segment, product, seller
or source: under any of those filters every lead figure says "not split" (no value)
instead of showing the whole company's under the filter's name.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.scorecard import aggregates
from hamsu.scorecard.models import CostEntry
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.reconcile.scorecard_company import build, companies
from tests.reconcile.scorecard_reads import (
    LEAD_PATH,
    close,
    filters,
    ids,
    leads,
    local_day,
    narrowed,
    ratio,
)

PERIODS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026", "2025-11", "2025-05"]
LEAD_METRICS = ("mqls", "mql_to_sal", "sal_to_sql", "cost_per_mql")
# The stages the table shows: the path up to the deal (won belongs to the deal's funnel).
TABLE_STAGES = LEAD_PATH[: LEAD_PATH.index("opportunity") + 1]

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def expected_metrics(period, query: dict) -> dict:
    if narrowed(query):
        return dict.fromkeys(LEAD_METRICS)
    rows = leads()
    if not rows:  # no lead stage recorded at all: not measured yet
        return dict.fromkeys(LEAD_METRICS)
    mqls = sum(
        1
        for lead in rows
        if "mql" in lead["reached_at"] and period.contains(local_day(lead["reached_at"]["mql"]))
    )
    cohort = [lead for lead in rows if period.contains(local_day(lead["first_at"]))]

    def cohort_reached(stage: str) -> int:
        return sum(1 for lead in cohort if stage in lead["reached_at"])

    costs = [
        c
        for c in CostEntry.objects.values("month", "function", "amount_base")
        if period.start <= c["month"] <= period.end
    ]
    marketing = sum((c["amount_base"] for c in costs if c["function"] == "marketing"), Decimal(0))
    return {
        "mqls": mqls,
        "mql_to_sal": ratio(cohort_reached("sal"), cohort_reached("mql")),
        "sal_to_sql": ratio(cohort_reached("sql"), cohort_reached("sal")),
        "cost_per_mql": ratio(marketing, mqls) if costs else None,
    }


def expected_table(period) -> list[dict]:
    rows = leads()
    cohort = [lead for lead in rows if period.contains(local_day(lead["first_at"]))]
    table = []
    for i, stage in enumerate(TABLE_STAGES):
        stays = [
            s
            for lead in rows
            for (where, ended, s) in lead["stays"]
            if where == stage and period.contains(local_day(ended))
        ]
        reached_here = sum(1 for lead in cohort if stage in lead["reached_at"])
        nxt = TABLE_STAGES[i + 1] if i + 1 < len(TABLE_STAGES) else None
        table.append(
            {
                "reached": sum(
                    1
                    for lead in rows
                    if stage in lead["reached_at"] and period.contains(local_day(lead["reached_at"][stage]))
                ),
                "conversion": None
                if nxt is None
                else ratio(sum(1 for lead in cohort if nxt in lead["reached_at"]), reached_here),
                "days": ratio(Decimal(sum(stays)), len(stays) * 86400),
            }
        )
    return table


def _cell(text: str):
    return None if text == "" else Decimal(text)


@pytest.fixture
def shown(client, head_of_sales):
    client.force_login(head_of_sales.user)

    def metrics(period_key: str, query: dict) -> dict:
        response = client.get("/api/v1/scorecard/metrics", {"period": period_key, **query})
        assert response.status_code == 200, response.content
        items = {i["code"]: i for i in response.json()["items"]}
        return {
            code: None if items[code]["value"] is None else Decimal(items[code]["value"])
            for code in LEAD_METRICS
        }

    def table(period_key: str) -> list[dict] | None:
        response = client.get("/scorecard/funnel/", {"period": period_key, "export": "csv", "table": "leads"})
        if response.status_code == 404:  # no lead stage recorded: the page shows no table
            return None
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]
        return [{"reached": int(r[1]), "conversion": _cell(r[2]), "days": _cell(r[3])} for r in rows]

    return metrics, table


@pytest.mark.django_db
@SETTINGS
@given(
    company=companies(max_deals=3, max_leads=14),
    chosen=st.lists(st.tuples(st.sampled_from(PERIODS), filters), min_size=1, max_size=3),
)
def test_lead_metrics_are_what_the_lead_events_say_under_every_filter(company, chosen, shown, rep, other_rep):
    metrics, _table = shown
    with transaction.atomic():
        built = build(company, sellers=[rep, other_rep])
        aggregates.fill()
        for period_key, picked in [("2026-Q1", {}), *chosen]:
            query = ids(built, picked)
            expected = expected_metrics(parse_period(period_key, GREGORIAN), query)
            got = metrics(period_key, query)
            for code in LEAD_METRICS:
                assert close(got[code], expected[code]), (period_key, picked, code, got[code], expected[code])
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_deals=0, max_leads=14), period_key=st.sampled_from(PERIODS))
def test_the_lead_stages_table_is_what_the_lead_events_say(company, period_key, shown, rep, other_rep):
    _metrics, table = shown
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        aggregates.fill()
        got = table(period_key)
        if not company.leads:
            assert got is None
        else:
            expected = expected_table(parse_period(period_key, GREGORIAN))
            assert [row["reached"] for row in got] == [row["reached"] for row in expected]
            for stage, g, e in zip(TABLE_STAGES, got, expected, strict=True):
                assert close(g["conversion"], e["conversion"], "0.000001"), (stage, "conversion")
                assert close(g["days"], e["days"], "0.000001"), (stage, "days")
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_deals=0, max_leads=14), period_key=st.sampled_from(PERIODS))
def test_lead_conversions_stay_shares_of_one_cohort(company, period_key, shown, rep, other_rep):
    metrics, table = shown
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        aggregates.fill()
        got = metrics(period_key, {})
        for code in ("mql_to_sal", "sal_to_sql"):
            assert got[code] is None or 0 <= got[code] <= 1, code
        for row in table(period_key) or []:
            assert row["conversion"] is None or 0 <= row["conversion"] <= 1
        transaction.set_rollback(True)
