"""Scorecard conversions divide counts of one cohort, so they stay between 0 and 1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hamsu.scorecard import aggregates, dashboards, metrics, selectors
from hamsu.scorecard.periods import parse_period
from tests.scorecard.conftest import aware

Q1 = parse_period("2026-Q1", "gregorian")


@pytest.fixture
def carried_over(deal_history, rep):
    """Q1 2026: one new deal stays in prospecting; two deals from Q4 2025 qualify in Q1 and
    one of them is lost in Q1. Per-period counts would read 2 qualified of 1 prospect."""
    deal_history(rep, aware(2026, 1, 10), [])
    deal_history(rep, aware(2025, 11, 3), [("qualifying", aware(2026, 1, 20))])
    deal_history(
        rep, aware(2025, 12, 3), [("qualifying", aware(2026, 2, 2)), ("lost", aware(2026, 2, 20), "x")]
    )
    aggregates.fill()


def _metric(code):
    return next(v for v in metrics.evaluate(selectors.Filters(period=Q1), [code]))["value"]


@pytest.mark.django_db
def test_conversion_counts_the_deals_that_entered_the_funnel_in_the_period(carried_over):
    assert _metric("conversion_prospecting_to_qualifying") == Decimal("0")


@pytest.mark.django_db
def test_leakage_is_the_share_of_the_periods_new_deals_lost(carried_over):
    assert _metric("leakage") == Decimal("0")


@pytest.mark.django_db
def test_the_funnel_tables_conversion_is_a_share(carried_over):
    table = dashboards.funnel(selectors.Filters(period=Q1))["tables"]["funnel"]
    assert table.rows[0][2] == Decimal("0")
