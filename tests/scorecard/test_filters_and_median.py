"""Every scorecard figure honours every filter (or says it cannot), and the median cycle."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hamsu.crm.models import Segment
from hamsu.scorecard import aggregates, dashboards, metrics, selectors, services
from hamsu.scorecard import models as scorecard_models
from hamsu.scorecard.periods import parse_period
from tests.scorecard.conftest import aware

Q1 = parse_period("2026-Q1", "gregorian")


@pytest.fixture
def skewed_wins(deal_history, rep, other_rep, catalogue):
    """Three wins in Q1 2026 after 10, 12 and 70 days (mean 30.7, median 12); the long one
    in another segment and sold by another seller."""
    retail = Segment.objects.create(name="Retail")
    deal_history(rep, aware(2026, 1, 5), [("won", aware(2026, 1, 15))], amount="1000")
    deal_history(rep, aware(2026, 1, 10), [("won", aware(2026, 1, 22))], amount="2000")
    deal_history(other_rep, aware(2026, 1, 2), [("won", aware(2026, 3, 13))], amount="9000", segment=retail)
    aggregates.fill()
    return retail


def _value(filters, code):
    return next(v for v in metrics.evaluate(filters, [code]))


@pytest.mark.django_db
def test_the_median_cycle_sits_beside_the_mean_and_ignores_one_long_deal(skewed_wins):
    assert _value(selectors.Filters(period=Q1), "sales_cycle_median_days")["value"] == Decimal("12.0000")


@pytest.mark.django_db
def test_the_mean_cycle_is_pulled_up_by_the_long_deal(skewed_wins):
    assert _value(selectors.Filters(period=Q1), "sales_cycle_days")["value"] == Decimal("30.6667")


@pytest.mark.django_db
def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two(skewed_wins, rep):
    assert _value(selectors.Filters(period=Q1, owner=rep.pk), "sales_cycle_median_days")["value"] == Decimal(
        "11.0000"
    )


@pytest.mark.django_db
def test_the_api_offers_the_median_cycle(client, skewed_wins, head_of_sales):
    client.force_login(head_of_sales.user)
    items = client.get("/api/v1/scorecard/metrics?period=2026-Q1").json()["items"]
    assert Decimal(next(i for i in items if i["code"] == "sales_cycle_median_days")["value"]) == 12


@pytest.mark.django_db
def test_the_trends_table_shows_the_monthly_median(skewed_wins):
    table = dashboards.trends(selectors.Filters(period=Q1))["tables"]["trends"]
    january = next(row for row in table.rows if row[0] == "2026-01")
    assert january[table.header.index("Median sales cycle (days)")] == Decimal(11)


@pytest.mark.django_db
def test_a_sellers_figures_honour_the_segment_filter(skewed_wins, other_rep):
    mine_in_manufacturing = selectors.Filters(
        period=Q1, owner=other_rep.pk, segment=Segment.objects.get(name="Manufacturing").pk
    )
    assert _value(mine_in_manufacturing, "sales_closed")["value"] == 0


@pytest.mark.django_db
def test_a_figure_kept_for_the_whole_company_says_it_is_not_split(skewed_wins, head_of_sales, teams):
    services.cost_entry_create(
        actor=head_of_sales.user,
        month="2026-02",
        function="sales",
        category="salaries",
        amount="100",
        currency="USD",
    )
    value = _value(selectors.Filters(period=Q1, team=teams["enterprise"].pk), "cost_of_sales")
    assert value["status"] == "not_measured"


@pytest.mark.django_db
def test_a_team_target_is_not_the_target_of_the_team_within_one_segment(skewed_wins, head_of_sales, teams):
    team = teams["enterprise"]
    services.target_set(actor=head_of_sales.user, period="2026-Q1", scope="team", team=team, amount="10000")
    assert selectors.target_for(selectors.Filters(period=Q1, team=team.pk, segment=skewed_wins.pk)) is None


@pytest.mark.django_db
def test_aggregates_of_an_older_shape_are_rebuilt_by_the_next_fill(skewed_wins):
    scorecard_models.WonCycle.objects.all().delete()
    scorecard_models.FillState.objects.update(version=1)
    aggregates.fill()
    assert scorecard_models.WonCycle.objects.count() == 3
