"""Defect 3 of issue 13: "marketing-influenced" was every deal and ROI read 6,430 %.

Influence needs a marketing touch in the company's window before the deal was created;
ROI sets the return of the campaigns that spent against what they spent in the same
period; "marketing spend" is one figure on the closed loop and the scorecard.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.cache import cache

from hamsu.api import services as tokens
from hamsu.campaigns import services
from hamsu.campaigns.closed_loop import closed_loop
from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.crm.models import Opportunity
from hamsu.scorecard import selectors as scorecard
from hamsu.scorecard import services as scorecard_services
from hamsu.scorecard.periods import parse_period

pytestmark = pytest.mark.django_db

CREATED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
CLOSED = CREATED + datetime.timedelta(days=40)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def webinar(marketer):
    return services.campaign_create(actor=marketer.user, name="Webinar", channel="webinar")


@pytest.fixture
def won_deal(rep, make_account, make_opportunity):
    """A deal created on CREATED and won on CLOSED, with no touch yet."""

    def make(amount="1000", **extra):
        deal = make_opportunity(rep, account=make_account(rep), amount=amount, stage="won", **extra)
        Opportunity.objects.filter(pk=deal.pk).update(created_at=CREATED, closed_at=CLOSED)
        deal.refresh_from_db()
        return deal

    return make


def touch(deal, when, *, campaign=None, kind="webinar", channel=""):
    return services.touchpoint_record(
        actor=None, kind=kind, occurred_at=when, account=deal.account, campaign=campaign, channel=channel
    )


def set_window(days: int) -> None:
    row = company_settings()
    row.influence_lookback_days = days
    row.save()


def influenced() -> int:
    return closed_loop(model="linear").pipeline["influenced"].count


def test_a_touch_long_before_the_deal_was_created_does_not_influence_it(won_deal, webinar):
    deal = won_deal()
    touch(deal, CREATED - datetime.timedelta(days=200), campaign=webinar)
    assert influenced() == 0


def test_a_touch_after_the_deal_was_created_does_not_influence_it(won_deal, webinar):
    deal = won_deal()
    touch(deal, CREATED + datetime.timedelta(days=5), campaign=webinar)  # before the close
    assert influenced() == 0


def test_a_marketing_touch_in_the_window_before_creation_influences_the_deal(won_deal, webinar):
    deal = won_deal()
    touch(deal, CREATED - datetime.timedelta(days=30), campaign=webinar)
    assert influenced() == 1


def test_the_first_day_of_the_window_still_counts(won_deal, webinar):
    deal = won_deal()
    touch(deal, CREATED - datetime.timedelta(days=90), campaign=webinar)
    assert influenced() == 1


def test_sales_calls_and_direct_traffic_do_not_influence(won_deal):
    deal = won_deal()
    touch(deal, CREATED - datetime.timedelta(days=3), kind="sales_call")
    touch(deal, CREATED - datetime.timedelta(days=2), kind="page_view", channel="direct")
    assert influenced() == 0


def test_the_window_is_the_companys_setting(won_deal, webinar):
    deal = won_deal()
    touch(deal, CREATED - datetime.timedelta(days=60), campaign=webinar)
    set_window(30)
    assert influenced() == 0


def test_the_closed_loop_says_which_window_it_used():
    set_window(45)
    assert closed_loop().influence_days == 45


def test_the_default_window_is_ninety_days():
    assert company_settings().influence_lookback_days == 90


# ---------------------------------------------------------------- ROI and spend


@pytest.fixture
def spend_world(marketer, won_deal):
    """Search spent 1,000 in March 2026 and brought a 3,000 deal; the expo spent 5,000 a
    year earlier; organic social spent nothing and brought a 2,000 deal."""
    search = services.campaign_create(actor=marketer.user, name="Search", channel="paid_search")
    expo = services.campaign_create(actor=marketer.user, name="Expo", channel="events")
    organic = services.campaign_create(actor=marketer.user, name="Organic", channel="social")
    services.cost_line_create(
        actor=marketer.user,
        campaign=search,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        amount="1000",
    )
    services.cost_line_create(
        actor=marketer.user,
        campaign=expo,
        period_start=datetime.date(2025, 3, 1),
        period_end=datetime.date(2025, 3, 31),
        amount="5000",
    )
    bought = won_deal(amount="3000")
    touch(bought, CREATED - datetime.timedelta(days=10), campaign=search, kind="ad_click")
    free = won_deal(amount="2000")
    touch(free, CREATED - datetime.timedelta(days=10), campaign=organic, kind="page_view")
    return {"search": search, "expo": expo}


def april_and_march() -> dict:
    return {
        "since": datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        "until": datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC),
        "model": "linear",
    }


def test_roi_counts_only_the_spend_booked_in_the_period(spend_world):
    assert closed_loop(**april_and_march()).campaign_spend == Decimal("1000")


def test_roi_sets_the_return_of_the_campaigns_that_spent_against_their_spend(spend_world):
    # Search's 3,000 against its 1,000; organic's 2,000 cost nothing and is not its return.
    assert closed_loop(**april_and_march()).roi == pytest.approx(2.0)


def test_roi_is_the_total_of_the_campaign_rows_that_spent(spend_world):
    loop = closed_loop(**april_and_march())
    rows = [row for row in loop.by_campaign if row["spend"]]
    returned = sum(row["revenue"] for row in rows)
    spent = sum(row["spend"] for row in rows)
    assert loop.roi == pytest.approx((returned - float(spent)) / float(spent))


def test_marketing_spend_is_one_figure_on_the_closed_loop_and_the_scorecard(
    spend_world, marketer, head_of_sales
):
    scorecard_services.cost_entry_create(
        actor=None, month="2026-03", function="marketing", category="salaries", amount="4000", currency="USD"
    )
    scorecard_services.cost_entry_create(
        actor=None, month="2026-03", function="sales", category="salaries", amount="9000", currency="USD"
    )
    march = parse_period("2026-03", "gregorian")
    loop = closed_loop(
        since=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        until=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )
    assert loop.spend == scorecard.costs(march, function="marketing")


def test_marketing_spend_is_campaign_spend_plus_the_ledgers_marketing_costs(spend_world):
    scorecard_services.cost_entry_create(
        actor=None, month="2026-03", function="marketing", category="tools", amount="400", currency="USD"
    )
    loop = closed_loop(
        since=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        until=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC),
    )
    assert loop.spend == Decimal("1400")


def test_the_scorecards_total_cost_counts_campaign_spend_once(spend_world):
    scorecard_services.cost_entry_create(
        actor=None, month="2026-03", function="sales", category="travel", amount="700", currency="USD"
    )
    assert scorecard.costs(parse_period("2026-03", "gregorian")) == Decimal("1700")


# ---------------------------------------------------------------- the setting, on the page and the API


@pytest.fixture
def admin(make_person, teams):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR)


def settings_form(**changes) -> dict:
    row = company_settings()
    data = {
        "name": row.name,
        "base_currency": row.base_currency,
        "visibility": row.visibility,
        "fiscal_calendar": row.fiscal_calendar,
        "big_deal_threshold": str(row.big_deal_threshold),
        "influence_lookback_days": str(row.influence_lookback_days),
    }
    return {**data, **changes}


def test_the_window_is_changed_on_the_settings_page(client, admin):
    client.force_login(admin.user)
    client.post("/settings/", settings_form(influence_lookback_days="60"))
    assert company_settings().influence_lookback_days == 60


def test_a_window_of_zero_days_is_refused_on_the_settings_page(client, admin):
    client.force_login(admin.user)
    response = client.post("/settings/", settings_form(influence_lookback_days="0"))
    assert "influence_lookback_days" in response.context["form"].errors


def bearer(person) -> dict:
    _token, raw = tokens.token_create(user=person.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def patch(client, body, auth):
    return client.patch("/api/v1/settings", json.dumps(body), content_type="application/json", **auth)


def test_the_api_shows_the_window(client, marketer):
    response = client.get("/api/v1/settings", **bearer(marketer))
    assert response.json()["influence_lookback_days"] == 90


def test_an_administrator_changes_the_window_through_the_api(client, admin):
    patch(client, {"influence_lookback_days": 120}, bearer(admin))
    assert company_settings().influence_lookback_days == 120


def test_a_window_over_two_years_is_a_field_error_in_the_api(client, admin):
    response = patch(client, {"influence_lookback_days": 1000}, bearer(admin))
    assert [e["field"] for e in response.json()["errors"]] == ["influence_lookback_days"]


def test_a_marketer_may_not_change_company_settings_through_the_api(client, marketer):
    response = patch(client, {"influence_lookback_days": 120}, bearer(marketer))
    assert response.status_code == 403


def test_a_null_window_is_a_field_error_in_the_api(client, admin):
    response = patch(client, {"influence_lookback_days": None}, bearer(admin))
    assert [e["field"] for e in response.json()["errors"]] == ["influence_lookback_days"]


def test_a_null_window_changes_nothing(client, admin):
    patch(client, {"influence_lookback_days": None}, bearer(admin))
    assert company_settings().influence_lookback_days == 90
