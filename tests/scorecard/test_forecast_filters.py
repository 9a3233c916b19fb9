"""The forecast follows the page's filters, and its point, mean and range are one model."""

from __future__ import annotations

import datetime
import re

import pytest

from hamsu.scorecard import aggregates, selectors, snapshots
from hamsu.scorecard.periods import parse_period
from tests.scorecard.conftest import aware

Q1 = parse_period("2026-Q1", "gregorian")
AS_OF = datetime.date(2026, 2, 28)


@pytest.fixture
def two_teams(deal_history, rep, other_rep):
    """Enterprise (rep): a win, a big open deal, a loss. SMB (other_rep): one win only,
    from a deal created long before the arrival look-back, so its forecast is certain."""
    deal_history(
        rep,
        aware(2026, 1, 5),
        [("qualifying", aware(2026, 1, 9)), ("won", aware(2026, 2, 10))],
        amount="5000",
    )
    deal_history(rep, aware(2026, 1, 10), [("qualifying", aware(2026, 1, 20))], amount="20000")
    deal_history(rep, aware(2026, 1, 12), [("lost", aware(2026, 2, 2), "No budget")], amount="1000")
    deal_history(other_rep, aware(2025, 6, 1), [("won", aware(2026, 2, 20))], amount="3000")
    aggregates.fill()
    snapshots.snapshot_take(as_of=AS_OF, periods=[Q1], products=False)


def _card_figure(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', page)
    assert match, testid
    return match.group(1).strip()


@pytest.mark.django_db
def test_the_forecast_card_shows_the_filtered_teams_forecast_not_the_companys(
    client, two_teams, head_of_sales, teams
):
    client.force_login(head_of_sales.user)
    page = client.get(f"/scorecard/?period=2026-Q1&team={teams['smb'].pk}").content.decode()
    # SMB has won 3,000 and has nothing open and nothing coming: its forecast is 3,000.
    assert re.sub(r"\D", "", _card_figure(page, "forecast")) == "3000"


@pytest.mark.django_db
def test_a_filtered_range_is_the_filtered_deals_range(two_teams, teams):
    view = selectors.forecast_view(selectors.Filters(period=Q1, team=teams["smb"].pk))
    assert (view.figures.p10, view.figures.p50, view.figures.p90) == (3000.0, 3000.0, 3000.0)


@pytest.mark.django_db
def test_team_expected_values_add_up_to_the_companys(two_teams, teams):
    company = selectors.forecast_view(selectors.Filters(period=Q1))
    parts = [
        selectors.forecast_view(selectors.Filters(period=Q1, team=teams[t].pk)) for t in ("enterprise", "smb")
    ]
    assert sum(p.figures.expected for p in parts) == pytest.approx(company.figures.expected)


@pytest.mark.django_db
def test_the_median_lies_in_the_range_of_the_same_model(two_teams, teams):
    for team in (None, teams["enterprise"].pk, teams["smb"].pk):
        f = selectors.forecast_view(selectors.Filters(period=Q1, team=team)).figures
        assert f.p10 <= f.p50 <= f.p90


@pytest.mark.django_db
def test_a_filter_selecting_every_deal_gives_the_companys_stored_figures(two_teams, rep, other_rep):
    company = selectors.forecast_view(selectors.Filters(period=Q1))
    everyone = selectors.forecast_view(selectors.Filters(period=Q1, source="sales"))
    assert (everyone.figures.p10, everyone.figures.p50, everyone.figures.p90) == pytest.approx(
        (company.figures.p10, company.figures.p50, company.figures.p90)
    )


@pytest.mark.django_db
def test_the_expected_value_never_exceeds_won_plus_open_plus_what_is_still_to_come(two_teams, teams):
    f = selectors.forecast_view(selectors.Filters(period=Q1, team=teams["enterprise"].pk)).figures
    assert f.expected <= f.won_to_date + f.open_pipeline + f.new_expected + 1e-6


@pytest.mark.django_db
def test_the_api_answers_the_filtered_forecast(client, two_teams, head_of_sales, teams):
    client.force_login(head_of_sales.user)
    body = client.get(f"/api/v1/scorecard/forecast?period=2026-Q1&team={teams['smb'].pk}").json()
    assert body["learned"]["median"] == 3000.0


@pytest.mark.django_db
def test_the_forecast_card_speaks_persian_with_a_jalali_snapshot_day(client, two_teams, head_of_sales, teams):
    from hamsu.core.company import company_settings
    from hamsu.core.models import FiscalCalendar

    row = company_settings()
    row.fiscal_calendar = FiscalCalendar.JALALI
    row.save()
    snapshots.snapshot_take(as_of=AS_OF, periods=[parse_period("1404-Q4", "jalali")], products=False)
    client.force_login(head_of_sales.user)
    page = client.get(
        f"/scorecard/?period=1404-Q4&team={teams['smb'].pk}", HTTP_ACCEPT_LANGUAGE="fa"
    ).content.decode()
    assert "عکس‌فوری ۱۴۰۴/۱۲/۰۹" in page  # 2026-02-28, the snapshot day, in the Jalali calendar
