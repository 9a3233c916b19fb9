"""Forecast calls are seen by their seller, the managers of the seller's team and the heads
(docs/permissions-scorecard.md) — never by the seller's teammates, whatever the company's
record visibility (issue 15, defect 5): on the page, in its export and through the API."""

from __future__ import annotations

import csv
import io

import pytest

from hamsu.api import services as tokens
from hamsu.core import roles
from hamsu.core.models import CompanySettings, Visibility
from hamsu.directory.models import RoleTitle
from hamsu.scorecard import services

PERIOD = "2026-Q1"

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[Visibility.OWN, Visibility.TEAM, Visibility.EVERYONE])
def visibility(request, db):
    CompanySettings.objects.update(visibility=request.param)
    return request.param


@pytest.fixture
def people(make_person, teams, rep, other_rep, head_of_sales):
    manager = make_person(
        "Mani Manager", role=roles.SALES_MANAGER, title=RoleTitle.SALES_MANAGER, team=teams["enterprise"]
    )
    teams["enterprise"].manager = manager
    teams["enterprise"].save()
    teammate = make_person("Tara Teammate", role=roles.SALES_REP, team=teams["enterprise"])
    liaison = make_person("Lida Liaison", role=roles.LIAISON, team=teams["enterprise"])
    services.call_submit(actor=rep.user, period=PERIOD, commit="1000", best_case="1500")
    return {
        "seller": rep,
        "manager": manager,
        "head": head_of_sales,
        "teammate": teammate,
        "liaison": liaison,
        "other_team": other_rep,
    }


def person_id_of_seller(_person) -> int:
    from hamsu.scorecard.models import ForecastCall

    return ForecastCall.objects.get().person_id


def sees_the_call_by_api(client, person) -> bool:
    _token, raw = tokens.token_create(user=person.user, name="t")
    response = client.get(f"/api/v1/scorecard/calls?period={PERIOD}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return person_id_of_seller(person) in {call["person_id"] for call in response.json()}


def sees_the_call_on_the_page(client, person) -> bool:
    client.force_login(person.user)
    response = client.get(f"/scorecard/forecast/?period={PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    calls_table = html[html.index('data-testid="calls"') :]
    calls_table = calls_table[: calls_table.index("</table>")]
    return "Reza Rep" in calls_table


def sees_the_call_in_the_export(client, person) -> bool:
    client.force_login(person.user)
    response = client.get(f"/scorecard/forecast/?period={PERIOD}&export=csv&table=calls")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return any(row and row[0] == "Reza Rep" for row in rows)


CHANNELS = [sees_the_call_by_api, sees_the_call_on_the_page, sees_the_call_in_the_export]


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("who", ["seller", "manager", "head"])
def test_the_seller_their_manager_and_the_heads_see_a_call(client, people, visibility, channel, who):
    assert channel(client, people[who])


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("who", ["teammate", "liaison", "other_team"])
def test_nobody_else_sees_a_call(client, people, visibility, channel, who):
    assert not channel(client, people[who])


# ---------------------------------------------------------------- totals of calls


def forecast_method_rows(person, **narrowing) -> set[str]:
    """The methods the forecast table shows ``person`` for the seller's period, narrowed."""
    import datetime
    from types import SimpleNamespace

    from hamsu.scorecard import dashboards, selectors
    from hamsu.scorecard.models import ForecastMethod
    from hamsu.scorecard.services import period_from_key

    figures = SimpleNamespace(
        weighted_default=0, expected=0, p10=0, p50=0, p90=0, won_to_date=0
    )  # the snapshot's own figures do not matter here
    view = SimpleNamespace(figures=figures, taken_on=datetime.date.today())
    filters = selectors.Filters(period=period_from_key(PERIOD), **narrowing)
    table = dashboards.forecast_methods(filters, view, user=person.user)
    labels = {str(ForecastMethod.CALL_COMMIT.label), str(ForecastMethod.CALL_BEST_CASE.label)}
    return {row[0] for row in table.rows} & labels


@pytest.mark.parametrize("who", ["teammate", "liaison", "other_team"])
def test_a_total_of_one_sellers_calls_is_not_shown_to_a_teammate(people, visibility, who):
    # Filtered by the seller (possible under "everyone" and "own team"), the calls' total
    # is that seller's call.
    assert forecast_method_rows(people[who], owner=people["seller"].pk) == set()


@pytest.mark.parametrize("who", ["teammate", "liaison"])
def test_a_total_of_a_teams_calls_is_not_shown_to_a_teammate(people, visibility, who):
    assert forecast_method_rows(people[who], team=people["seller"].team_id) == set()


@pytest.mark.parametrize("who", ["seller", "manager", "head"])
def test_the_seller_their_manager_and_the_heads_see_the_total(people, visibility, who):
    assert len(forecast_method_rows(people[who], owner=people["seller"].pk)) == 2
