"""The API and the page show the same headline figures under the same filters (issue 13).

Each figure is reconciled against the raw rows elsewhere (test_scorecard_forecast*.py,
test_campaigns_*.py, test_funnel_overview.py); here the question is only whether a reader
of the page and a client of the API, asking with the same filters, are told the same
number: the forecast card and ``/api/v1/scorecard/forecast`` (the method shown by default
for the whole company, the learned median and its P10–P90 range under a filter), and the
closed-loop page and ``/api/v1/campaigns/closed-loop`` (campaign ROI, return on spend,
revenue returned, and the marketing-influenced share of pipeline).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hamsu.core.templatetags.hamsu import money, num, pct
from hamsu.scorecard import aggregates, snapshots
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.reconcile import campaigns_company
from tests.reconcile.scorecard_company import build, companies
from tests.reconcile.scorecard_reads import filters, ids
from tests.reconcile.test_campaigns_pages import DAYS, scratch, text
from tests.reconcile.test_scorecard_forecast_model import SNAPSHOTS

SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _testid(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</div>', html, re.S)
    return "" if found is None else text(found.group(1).encode())


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_deals=14), snapshot=st.sampled_from(SNAPSHOTS), chosen=filters)
def test_the_forecast_card_shows_what_the_api_answers_under_the_same_filters(
    company, snapshot, chosen, client, head_of_sales, rep, other_rep
):
    period_key, as_of = snapshot
    period = parse_period(period_key, GREGORIAN)
    client.force_login(head_of_sales.user)
    with transaction.atomic():
        built = build(company, sellers=[rep, other_rep])
        aggregates.fill()
        snapshots.snapshot_take(as_of=as_of, periods=[period], products=False)
        query = {"period": period_key, **ids(built, chosen)}
        api = client.get("/api/v1/scorecard/forecast", query).json()
        html = client.get("/scorecard/forecast/", query).content.decode()
        card = _testid(html, "forecast")
        if api["default"] is not None:
            assert card == money(Decimal(api["default"]["forecast"]))
        elif api["learned"] is not None:
            assert card == money(api["learned"]["median"])
        if api["learned"] is not None:
            shown = _testid(html, "forecast-range")
            assert money(api["learned"]["p10"]) in shown
            assert money(api["learned"]["p90"]) in shown
        transaction.set_rollback(True)


def _row(html: str, testid: str) -> str:
    return text(re.search(rf'data-testid="{testid}">(.*?)</tr>', html, re.S).group(1).encode())


@pytest.fixture
def marketer_token(marketer):
    from hamsu.api import services as tokens

    _token, raw = tokens.token_create(user=marketer.user, name="pages")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@SETTINGS
@given(
    spec=campaigns_company.companies(),
    since=DAYS,
    until=DAYS,
    model=st.sampled_from(campaigns_company.RECOMPUTED),
)
@example(spec=campaigns_company.tricky(), since=None, until=None, model="position_based")
@pytest.mark.django_db
def test_the_closed_loop_page_shows_what_the_api_answers_under_the_same_filters(
    client, marketer, marketer_token, spec, since, until, model
):
    with scratch():
        campaigns_company.build(spec, marketer)
        # Without dates both use the one default period (test_report_periods.py).
        query = {"model": model}
        query |= {"since": since.isoformat()} if since else {}
        query |= {"until": until.isoformat()} if until else {}
        api = client.get("/api/v1/campaigns/closed-loop", query, **marketer_token).json()
        client.force_login(marketer.user)
        html = client.get("/campaigns/closed-loop/", query).content.decode()
        if api["roi"] is None:
            assert "—" in _row(html, "roi")
        else:
            assert pct(api["roi"]) in _row(html, "roi")
        if api["roas"] is None:
            assert "—" in _row(html, "roas")
        else:
            assert f"{num(api['roas'], 2)}×" in _row(html, "roas")
        if api["returned"] is not None:
            assert money(api["returned"]) in _row(html, "returned")
        influenced = api["pipeline"]["influenced"]
        cells = f"{money(Decimal(influenced['amount']))} {num(influenced['count'])}"
        assert cells in _row(html, "split-influenced")
