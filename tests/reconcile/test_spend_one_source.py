"""Marketing spend counts each cost once: campaign spend on the campaign, everything else in
the cost ledger, and never the same cost in both (issue 13).

A campaign's media spend could be entered twice — as the campaign's spend line and as a
marketing "advertising" entry of the scorecard's cost ledger — and marketing spend, cost
per MQL and ROI then counted it twice. The ledger now refuses marketing's advertising,
events and content (the API, the form and the import say so on the category), so here a
user who enters each campaign's spend in the ledger as well is refused every time, and the
marketing spend the closed loop shows is the sum of the distinct cost rows: the campaign
spend lines plus the ledger's marketing entries, each once, read plainly from ``.values()``.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given

from hamsu.api import services as tokens
from hamsu.campaigns.models import CostLine
from hamsu.scorecard.models import CostEntry
from tests.reconcile import campaigns_company as company
from tests.reconcile.test_campaigns_pages import FEW, scratch

pytestmark = pytest.mark.django_db

CAMPAIGN_KINDS = ("advertising", "events", "content")


@pytest.fixture
def admin(make_person):
    """Someone who may enter costs and campaign spend and read the closed loop."""
    from hamsu.core import roles

    return make_person("Ada Admin", role=roles.ADMINISTRATOR)


@pytest.fixture
def auth(admin):
    _token, raw = tokens.token_create(user=admin.user, name="spend")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def distinct_cost_rows() -> Decimal:
    """Every cost row once: the campaigns' spend lines and the ledger's marketing entries."""
    lines = sum((row["amount_base"] for row in CostLine.objects.values("amount_base")), Decimal("0"))
    entries = sum(
        (
            row["amount_base"]
            for row in CostEntry.objects.values("function", "amount_base")
            if row["function"] == "marketing"
        ),
        Decimal("0"),
    )
    return lines + entries


@FEW
@given(spec=company.companies())
@example(spec=company.tricky())
def test_marketing_spend_is_the_sum_of_the_distinct_cost_rows(client, admin, auth, spec):
    with scratch():
        company.build(spec, admin)
        lines = list(CostLine.objects.values("period_start", "amount", "currency"))
        for i, line in enumerate(lines):
            entered_twice = client.post(
                "/api/v1/scorecard/costs",
                {
                    "month": line["period_start"].strftime("%Y-%m"),
                    "function": "marketing",
                    "category": CAMPAIGN_KINDS[i % len(CAMPAIGN_KINDS)],
                    "amount": str(line["amount"]),
                    "currency": line["currency"],
                },
                content_type="application/json",
                **auth,
            )
            assert entered_twice.status_code == 422
            assert [e["field"] for e in entered_twice.json()["errors"]] == ["category"]
        spend = client.get("/api/v1/campaigns/closed-loop", {"period": "all_time"}, **auth).json()
        assert Decimal(spend["spend"]) == distinct_cost_rows()


def test_the_ledger_still_takes_marketing_costs_that_are_no_campaigns(client, admin, auth):
    for category in ("salaries", "tools", "research", "other"):
        taken = client.post(
            "/api/v1/scorecard/costs",
            {
                "month": "2026-01",
                "function": "marketing",
                "category": category,
                "amount": "100",
                "currency": "USD",
            },
            content_type="application/json",
            **auth,
        )
        assert taken.status_code == 201, category
    sales_event = client.post(
        "/api/v1/scorecard/costs",
        {"month": "2026-01", "function": "sales", "category": "events", "amount": "100", "currency": "USD"},
        content_type="application/json",
        **auth,
    )
    assert sales_event.status_code == 201


def test_the_cost_form_says_why_on_the_category_and_writes_nothing(client, admin):
    client.force_login(admin.user)
    page = client.post(
        "/scorecard/costs/",
        {
            "month": "2026-01",
            "function": "marketing",
            "category": "advertising",
            "amount": "500",
            "currency": "USD",
        },
    )
    assert page.status_code == 200
    assert "campaign spend" in " ".join(page.context["form"].errors["category"])
    assert CostEntry.objects.count() == 0
