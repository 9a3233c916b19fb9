"""The demo company's campaigns, spend and touchpoints agree with its deals."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from hamsu.campaigns.attribution_runs import compare_models
from hamsu.campaigns.closed_loop import closed_loop
from hamsu.campaigns.models import Campaign, CostLine, Touchpoint
from hamsu.crm.models import Opportunity
from hamsu.demo import generator

pytestmark = pytest.mark.django_db


def test_the_demo_touches_precede_their_deals_and_feed_every_model(monkeypatch):
    monkeypatch.setattr(generator, "EXTENSION_APPS", ["campaigns"])
    cache.clear()
    result = generator.generate(scale="tiny", seed=7, progress=lambda *_: None)
    deals = Opportunity.objects.count()
    touches = Touchpoint.objects.count()
    assert result.rows["touchpoints"] == touches
    assert 1.5 * deals <= touches <= 4 * deals
    assert Campaign.objects.filter(channel="paid_search").count() >= 2
    assert CostLine.objects.count() > 200
    # Every deal's touches come before its creation, on the deal's own account.
    first = Opportunity.objects.order_by("pk").first()
    for touch in Touchpoint.objects.filter(account=first.account):
        assert (
            touch.occurred_at <= first.created_at
            or Opportunity.objects.filter(account=first.account, created_at__gte=touch.occurred_at).exists()
        )
    comparison = compare_models(measure="revenue", use_cache=False)
    assert not comparison.errors
    assert comparison.deals_touched == comparison.deals
    for model in comparison.models:
        assert sum(comparison.amount(model, k) for k in comparison.keys) == pytest.approx(
            comparison.value_touched
        )
    loop = closed_loop()
    assert loop.revenue["sourced"].count > 0
    assert loop.spend > 0
    assert loop.revenue["influenced"].count >= loop.revenue["sourced"].count * 0.9


@pytest.fixture(scope="module")
def demo_loop(django_db_setup, django_db_blocker):
    """The tiny demo company's closed loop over all time (generated once for the module)."""
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            cache.clear()
            saved = generator.EXTENSION_APPS
            generator.EXTENSION_APPS = ["campaigns"]
            try:
                generator.generate(scale="tiny", seed=7, progress=lambda *_: None)
            finally:
                generator.EXTENSION_APPS = saved
            loop = closed_loop(model="linear")
            transaction.set_rollback(True)
    return loop


def test_the_demo_does_not_count_every_deal_as_marketing_influenced(demo_loop):
    share = demo_loop.pipeline["influenced"].count / demo_loop.pipeline["total"].count
    assert share < 0.95


def test_the_demo_counts_more_deals_influenced_than_sourced(demo_loop):
    assert demo_loop.pipeline["influenced"].count > demo_loop.pipeline["sourced"].count


def test_the_demo_marketing_roi_is_what_a_marketing_team_would_believe(demo_loop):
    # Between 100 % and 1,000 %: B2B programmes return a few times what they cost.
    assert 1.0 < demo_loop.roi < 10.0


def test_no_demo_campaign_returns_thirty_times_its_cost(demo_loop):
    assert max(row["roi"] for row in demo_loop.by_campaign if row["roi"] is not None) < 30.0
