"""The attribution and closed-loop pages and their API twins cover the same period when
asked the same way: without dates (the default), and for each period choice (issue 13).

The pages once defaulted to the last twelve months while the API defaulted to all time,
so the same question, asked without dates, was answered with two sets of figures. Here
the page and the API are asked alike (nothing, or ``period=<choice>``) and must show the
same figures, and the default must be the last twelve months, recomputed from the raw rows
(``campaigns_company``), not from the production rule.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from hamsu.api import services as tokens
from hamsu.core.templatetags.hamsu import money, num, pct
from tests.reconcile import campaigns_company as company
from tests.reconcile.test_campaigns_pages import FEW, scratch, start_of, text

pytestmark = pytest.mark.django_db

# None: the page and the API asked without a period (their default).
PERIODS = st.sampled_from((None, "last_12_months", "all_time"))


@pytest.fixture
def marketer_auth(marketer):
    _token, raw = tokens.token_create(user=marketer.user, name="periods")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _row(html: str, testid: str) -> str:
    return text(re.search(rf'data-testid="{testid}">(.*?)</tr>', html, re.S).group(1).encode())


def _cards(html: str) -> list[str]:
    """The coverage cards' figures on the attribution page, in order."""
    section = html[html.index('data-testid="coverage"') :]
    return [
        text(value.encode()).strip()
        for value in re.findall(r'class="h5 mb-0 num">(.*?)</div>', section, re.S)
    ][:4]


def _window(period: str | None) -> tuple[datetime.datetime | None, None]:
    """The raw-rows reading of a period: the last 365 days up to now unless all time."""
    if period == "all_time":
        return None, None
    return start_of(timezone.localdate() - datetime.timedelta(days=365)), None


@FEW
@given(spec=company.companies(), period=PERIODS)
@example(spec=company.tricky(), period=None)
@example(spec=company.tricky(), period="all_time")
def test_the_closed_loop_page_and_api_cover_the_same_period(client, marketer, marketer_auth, spec, period):
    with scratch():
        company.build(spec, marketer)
        data = company.rows()
        since, until = _window(period)
        query = {} if period is None else {"period": period}
        api = client.get("/api/v1/campaigns/closed-loop", query, **marketer_auth).json()
        client.force_login(marketer.user)
        html = client.get("/campaigns/closed-loop/", query).content.decode()

        spent = company.marketing_spend(data, since, until)
        assert Decimal(api["spend"]) == (spent or Decimal("0"))
        pipeline = company.splits(company.pipeline_deals(data, since, until), data)
        assert api["pipeline"]["total"]["count"] == pipeline["total"][0]
        revenue = company.splits(company.won_deals(data, since, until), data)
        assert api["revenue"]["total"]["count"] == revenue["total"][0]

        if spent is not None:
            assert money(spent) in _row(html, "marketing-spend")
        assert money(Decimal(api["campaign_spend"])) in _row(html, "campaign-spend")
        for name in ("total", "sourced", "influenced"):
            split = api["pipeline"][name]
            cells = f"{money(Decimal(split['amount']))} {num(split['count'])}"
            assert cells in _row(html, f"split-{name}"), name
            won = api["revenue"][name]
            cells = f"{money(Decimal(won['amount']))} {num(won['count'])}"
            assert cells in _row(html, f"split-{name}"), name
        if api["roi"] is None:
            assert "—" in _row(html, "roi")
        else:
            assert pct(api["roi"]) in _row(html, "roi")


@FEW
@given(
    spec=company.companies(),
    period=PERIODS,
    measure=st.sampled_from(("revenue", "pipeline", "conversions")),
)
@example(spec=company.tricky(), period=None, measure="pipeline")
@example(spec=company.tricky(), period="all_time", measure="pipeline")
def test_the_attribution_page_and_api_cover_the_same_period(
    client, marketer, marketer_auth, spec, period, measure
):
    with scratch():
        company.build(spec, marketer)
        data = company.rows()
        since, until = _window(period)
        query = {"measure": measure} | ({} if period is None else {"period": period})
        api = client.get("/api/v1/campaigns/attribution", query, **marketer_auth).json()
        client.force_login(marketer.user)
        html = client.get("/campaigns/attribution/", query).content.decode()

        # The API's default lookback is the page's (180 days).
        _credit, found = company.credit(
            data,
            model="position_based",
            measure=measure,
            level="channel",
            lookback=180,
            since=since,
            until=until,
        )
        assert api["deals"] == found["deals"]
        deals, touched, total, _coverage = _cards(html)
        assert deals == num(api["deals"])
        assert touched == num(api["deals_touched"])
        if measure == "conversions":
            assert total == num(api["conversions"])
        else:
            assert total == money(api["value"])


def test_the_page_says_which_period_it_shows(client, marketer):
    client.force_login(marketer.user)
    default = client.get("/campaigns/closed-loop/").content.decode()
    since = timezone.localdate() - datetime.timedelta(days=365)
    assert since.isoformat() in text(
        re.search(r'data-testid="report-window">(.*?)</p>', default, re.S).group(1).encode()
    )
    everything = client.get("/campaigns/closed-loop/", {"period": "all_time"}).content.decode()
    assert 'value="all_time" selected' in everything
