"""The CRO's day on the home page (issue 16, item 1): the number (target, the sellers'
commit, won so far) for the current quarter, the forecast with its range, and the
alignment score — read through the scorecard's and the diagnostic's own selectors."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from hamsu.alignment import services as alignment
from hamsu.alignment.models import Response, Round
from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.core import roles
from hamsu.directory.models import Function, RoleTitle
from hamsu.scorecard import services
from hamsu.scorecard.models import ForecastSnapshot
from hamsu.scorecard.selectors import current_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def cro(make_person):
    return make_person(
        "Cyrus Chief", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )


def home(client, person, language="en") -> str:
    client.force_login(person.user)
    return client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def shown(html: str, key: str) -> str:
    found = re.search(rf'data-figure="{re.escape(key)}"[^>]*>(.*?)</div>', html, re.S)
    assert found, key
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_the_cro_sees_the_quarters_target(client, cro):
    services.target_set(actor=None, period=current_period().key, scope="company", amount="250000")
    assert shown(home(client, cro), "scorecard.target") == "250,000 USD"


def test_a_quarter_without_a_target_says_so(client, cro):
    assert shown(home(client, cro), "scorecard.target") == "not set"


def test_the_commit_adds_up_the_sellers_calls_with_the_managers_overrides(
    client, cro, rep, other_rep, head_of_sales
):
    period = current_period().key
    services.call_submit(actor=rep.user, period=period, commit="1000", best_case="2000")
    call = services.call_submit(actor=other_rep.user, period=period, commit="500", best_case="900")
    services.call_override(actor=head_of_sales.user, call=call, commit="700")
    assert shown(home(client, cro), "scorecard.call_commit") == "1,700 USD"


def test_without_a_call_the_commit_says_so(client, cro):
    assert shown(home(client, cro), "scorecard.call_commit") == "no call yet"


def snapshot(method: str, forecast: str, p10=None, p90=None) -> ForecastSnapshot:
    period = current_period()
    return ForecastSnapshot.objects.create(
        taken_on=timezone.localdate(),
        scope="company",
        method=method,
        forecast=Decimal(forecast),
        p10=None if p10 is None else Decimal(p10),
        p90=None if p90 is None else Decimal(p90),
        period_kind=period.kind,
        calendar=period.calendar,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
    )


def test_the_forecast_shows_its_range(client, cro):
    snapshot("weighted_learned", "5000", p10="3000", p90="8000")
    snapshot("monte_carlo", "4800", p10="3000", p90="8000")
    card = home(client, cro).split('data-testid="forecast-card"')[1]
    assert "Likely between 3,000 USD and 8,000 USD" in card


def test_the_forecast_is_the_one_the_scorecard_shows(client, cro):
    snapshot("weighted_learned", "5000", p10="3000", p90="8000")
    snapshot("monte_carlo", "4800", p10="3000", p90="8000")
    assert shown(home(client, cro), "forecast_methods.default") == "4,800 USD"


def closed_round(totals: list[int]) -> Round:
    round_ = alignment.round_create(
        actor=None,
        name="Autumn diagnostic",
        closes_at=timezone.now() + datetime.timedelta(days=1),
        anonymous=False,
    )
    Response.objects.bulk_create(
        [Response(round=round_, function="sales", **dict.fromkeys(KEYS, total // 20)) for total in totals]
    )
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.CLOSED)
    return round_


def test_the_alignment_score_is_the_latest_closed_rounds(client, cro):
    closed_round([60, 80, 100, 60, 80])
    assert shown(home(client, cro), "alignment.total") == "76.0"


def test_no_round_yet_says_so(client, cro):
    assert shown(home(client, cro), "alignment.total") == "No diagnostic round with results yet."


def test_the_cro_does_not_get_the_sellers_task_figures(client, cro):
    assert 'data-figure="tasks.no_next_step"' not in home(client, cro)


def test_the_cros_day_in_persian_names_the_period_in_persian(client, cro):
    html = home(client, cro, "fa")
    heading = html.split('data-testid="my-day-number"')[1].split("</h3>")[0]
    assert not re.search("[A-Za-z]{2,}", re.sub(r"<[^>]+>", "", heading.split(">", 1)[1]))
