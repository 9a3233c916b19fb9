"""The closed loop, recomputed from raw rows on small random companies.

Every figure of ``/campaigns/closed-loop/`` (and its API twin, which reads the same
``closed_loop``): pipeline and revenue with their sourced / influenced / either splits,
marketing and campaign spend, cost per won deal, the revenue attributed to the
campaigns that spent, ROAS, ROI, and every row of the returns by campaign and by channel
— under every filter the page offers (period, model, lookback) and the company's
influence window. Invariants hold as properties: parts never exceed the whole, the
rows add up to the totals, ROI is the rows' own arithmetic.
"""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.campaigns.closed_loop import closed_loop
from tests.reconcile import campaigns_company as company

pytestmark = pytest.mark.django_db

SINCE = st.sampled_from(
    (None, company.ANCHOR - datetime.timedelta(days=365), company.ANCHOR - datetime.timedelta(days=120))
)
UNTIL = st.sampled_from(
    (None, company.ANCHOR - datetime.timedelta(days=30), company.ANCHOR + datetime.timedelta(days=1))
)
LOOKBACK = st.sampled_from((None, 30, 180))
SLOW_OK = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
CENT = Decimal("0.01")


@pytest.fixture
def owner(make_person):
    return make_person("Olive Owner")


@contextlib.contextmanager
def scratch():
    """One example's company, rolled back afterwards (and no cached attribution left)."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


@SLOW_OK
@given(
    spec=company.companies(),
    since=SINCE,
    until=UNTIL,
    model=st.sampled_from(company.MODELS),
    lookback=LOOKBACK,
)
def test_the_closed_loop_is_its_raw_rows(owner, spec, since, until, model, lookback):
    with scratch():
        company.build(spec, owner)
        loop = closed_loop(since=since, until=until, model=model, lookback_days=lookback)
        data = company.rows()

        pipeline = company.splits(company.pipeline_deals(data, since, until), data)
        revenue = company.splits(company.won_deals(data, since, until), data)
        for name, (count, amount) in pipeline.items():
            assert loop.pipeline[name].count == count, name
            assert loop.pipeline[name].amount == amount, name
        for name, (count, amount) in revenue.items():
            assert loop.revenue[name].count == count, name
            assert loop.revenue[name].amount == amount, name
        assert loop.influence_days == spec.window

        by_campaign = company.campaign_spend(data, since, until)
        assert loop.campaign_spend == sum(by_campaign.values(), Decimal("0"))
        assert loop.marketing_spend == company.marketing_spend(data, since, until)
        expected_per_won = (
            (loop.marketing_spend / revenue["influenced_or_sourced"][0]).quantize(CENT)
            if loop.marketing_spend is not None and revenue["influenced_or_sourced"][0]
            else None
        )
        assert loop.cost_per_won_deal == expected_per_won

        window = {"lookback": lookback, "since": since, "until": until}
        rows = {row["campaign_id"]: row for row in loop.by_campaign if row["campaign_id"]}
        if model != "markov":
            attributed, _totals = company.credit(
                data, model=model, measure="revenue", level="campaign", **window
            )
            returned = sum(
                attributed.get(data.campaigns[pk]["name"], {}).get("value", 0.0)
                for pk, spent in by_campaign.items()
                if spent
            )
            assert close(loop.returned, returned)
            for pk, row in rows.items():
                assert row["spend"] == by_campaign.get(pk, Decimal("0")), row["label"]
                assert close(row["revenue"], attributed.get(data.campaigns[pk]["name"], {}).get("value", 0.0))
        spent = float(loop.campaign_spend)
        assert loop.roi == (pytest.approx((loop.returned - spent) / spent) if spent else None)


@SLOW_OK
@given(
    spec=company.companies(),
    since=SINCE,
    until=UNTIL,
    model=st.sampled_from(company.RECOMPUTED),
    lookback=LOOKBACK,
)
def test_every_returns_row_is_its_raw_rows(owner, spec, since, until, model, lookback):
    with scratch():
        company.build(spec, owner)
        loop = closed_loop(since=since, until=until, model=model, lookback_days=lookback)
        data = company.rows()
        window = {"lookback": lookback, "since": since, "until": until}
        spend = company.campaign_spend(data, since, until)
        for level, rows in (("campaign", loop.by_campaign), ("channel", loop.by_channel)):
            revenue, _ = company.credit(data, model=model, measure="revenue", level=level, **window)
            pipeline, _ = company.credit(data, model=model, measure="pipeline", level=level, **window)
            if level == "campaign":
                spend_of = {data.campaigns[pk]["name"]: amount for pk, amount in spend.items()}
            else:
                spend_of = {}
                for pk, amount in spend.items():
                    channel = data.campaigns[pk]["channel"]
                    spend_of[channel] = spend_of.get(channel, Decimal("0")) + amount
            shown = {row["key"]: row for row in rows}
            assert len(shown) == len(rows)  # one row per key
            for key in set(shown) | set(revenue) | set(pipeline) | set(spend_of):
                row = shown.get(key, {"revenue": 0.0, "pipeline": 0.0, "won": 0.0, "spend": Decimal("0")})
                assert close(row["revenue"], revenue.get(key, {}).get("value", 0.0)), (level, key)
                assert close(row["pipeline"], pipeline.get(key, {}).get("value", 0.0)), (level, key)
                assert close(row["won"], revenue.get(key, {}).get("conversions", 0.0)), (level, key)
                assert row["spend"] == spend_of.get(key, Decimal("0")), (level, key)


@SLOW_OK
@given(
    spec=company.companies(),
    since=SINCE,
    until=UNTIL,
    model=st.sampled_from(company.MODELS),
    lookback=LOOKBACK,
)
def test_the_closed_loop_parts_never_exceed_the_whole(owner, spec, since, until, model, lookback):
    with scratch():
        company.build(spec, owner)
        loop = closed_loop(since=since, until=until, model=model, lookback_days=lookback)
        for splits in (loop.pipeline, loop.revenue):
            total, either = splits["total"], splits["influenced_or_sourced"]
            for part in ("sourced", "influenced"):
                assert splits[part].count <= either.count, part
                assert splits[part].amount <= either.amount, part
            assert either.count <= total.count
            assert either.amount <= total.amount
            assert either.count <= splits["sourced"].count + splits["influenced"].count
        assert loop.campaign_spend <= loop.spend
        for rows in (loop.by_campaign, loop.by_channel):
            # Both tables share out the same spend and the same attributed revenue.
            assert sum((row["spend"] for row in rows), Decimal("0")) == loop.campaign_spend
        revenue_by_campaign = sum(row["revenue"] for row in loop.by_campaign)
        revenue_by_channel = sum(row["revenue"] for row in loop.by_channel)
        assert close(revenue_by_campaign, revenue_by_channel)
        for row in loop.by_campaign + loop.by_channel:
            assert row["revenue"] >= -1e-9, row["key"]
            assert row["roi"] == (
                pytest.approx(row["revenue"] / float(row["spend"]) - 1) if row["spend"] else None
            )
