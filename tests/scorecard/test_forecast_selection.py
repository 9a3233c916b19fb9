"""The default forecast: baselines in every snapshot, the track record, and its place on the page and API."""

from __future__ import annotations

import datetime
from decimal import Decimal

import polars as pl
import pytest

from hamsu.scorecard import forecast_selection, forecasts, jobs, snapshots
from hamsu.scorecard.models import ForecastSnapshot, ForecastTrackRecord
from hamsu.scorecard.periods import parse_period

from .conftest import aware, frozen

D = datetime.date
Q1 = parse_period("2026-Q1", "gregorian")
Q2 = parse_period("2026-Q2", "gregorian")


@pytest.fixture
def q1_wins(deal_history, rep):
    """4,000 won in 2026-Q1 after the January snapshots: 1,000 on 10 February, 3,000 on 20 March."""
    for amount, won_on in (("1000", aware(2026, 2, 10)), ("3000", aware(2026, 3, 20))):
        deal_history(
            rep, aware(2026, 1, 2), [("qualifying", aware(2026, 1, 3)), ("won", won_on)], amount=amount
        )


def snapshot(period, taken_on, method, forecast, won_to_date=0):
    return ForecastSnapshot.objects.create(
        taken_on=taken_on,
        scope="company",
        method=method,
        forecast=Decimal(forecast),
        won_to_date=Decimal(won_to_date),
        period_kind=period.kind,
        calendar=period.calendar,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
    )


JANUARY_SUNDAYS = [D(2026, 1, 4), D(2026, 1, 11), D(2026, 1, 18), D(2026, 1, 25)]


@pytest.fixture
def q1_record(q1_wins):
    """Four January snapshots of 2026-Q1 by three methods; 4,000 was won after each."""
    for day in JANUARY_SUNDAYS:
        snapshot(Q1, day, "run_rate", 3000)  # WAPE 0.25, bias −0.25
        snapshot(Q1, day, "monte_carlo", 4400)  # WAPE 0.10, bias +0.10
        snapshot(Q1, day, "weighted_learned", 5000)  # WAPE 0.25, bias +0.25
    return forecast_selection.track_record_refresh(today=D(2026, 4, 15))


# ---------------------------------------------------------------- baselines in the weekly snapshot


MAY_10 = D(2026, 5, 10)


@pytest.mark.django_db
def test_the_weekly_snapshot_records_the_baselines(history):
    snapshots.snapshot_take(as_of=MAY_10, periods=[Q2], products=False, calls=False)
    methods = set(ForecastSnapshot.objects.filter(period_key="2026-Q2").values_list("method", flat=True))
    assert {"run_rate", "seasonal_naive", "weighted_default_new"} <= methods


@pytest.mark.django_db
def test_a_baseline_without_enough_history_is_not_recorded(history):
    # Closes are on record from 1 February 2026: nothing a year earlier to copy.
    snapshots.snapshot_take(as_of=MAY_10, periods=[Q2], products=False, calls=False)
    assert not ForecastSnapshot.objects.filter(method="seasonal_naive_year").exists()


@pytest.mark.django_db
def test_the_run_rate_snapshot_is_won_so_far_plus_the_daily_rate_times_the_days_left(history):
    # On 10 May: 8,000 won in Q2 so far; 5,000 + 8,000 won in the 91 days from 9 February;
    # 51 days left (11 May – 30 June): 8,000 + 13,000 / 91 × 51 = 15,285.71.
    snapshots.snapshot_take(as_of=MAY_10, periods=[Q2], products=False, calls=False)
    row = ForecastSnapshot.objects.get(period_key="2026-Q2", method="run_rate")
    assert row.forecast == Decimal("15285.71")


@pytest.mark.django_db
def test_the_run_rate_looks_back_only_to_the_first_close_on_record(history):
    # On 12 April the 91 days reach back to 12 January, but the first close (a loss) was on
    # 1 February: 13,000 won over 71 days, × 79 days left, + 8,000 won = 22,464.79.
    snapshots.snapshot_take(as_of=D(2026, 4, 12), periods=[Q2], products=False, calls=False)
    row = ForecastSnapshot.objects.get(period_key="2026-Q2", method="run_rate")
    assert row.forecast == Decimal("22464.79")


@pytest.mark.django_db
def test_the_seasonal_naive_snapshot_adds_the_same_days_of_last_quarter(history):
    # Same days of Q1 as 11 May – 30 June: 10 February – 31 March, when 5,000 was won.
    snapshots.snapshot_take(as_of=MAY_10, periods=[Q2], products=False, calls=False)
    row = ForecastSnapshot.objects.get(period_key="2026-Q2", method="seasonal_naive")
    assert row.forecast == Decimal("13000.00")


@pytest.mark.django_db
def test_the_baselines_cannot_see_what_happened_after_the_snapshot(history):
    full = forecasts.load_history()
    known = forecasts.History(events=full.events.filter(pl.col("at") <= D(2026, 3, 22)), deals=full.deals)
    assert forecast_selection.baseline_forecasts(full, Q2, D(2026, 3, 22)) == (
        forecast_selection.baseline_forecasts(known, Q2, D(2026, 3, 22))
    )


# ---------------------------------------------------------------- the track record and the selection


@pytest.mark.django_db
def test_the_method_with_the_lowest_wape_is_shown(q1_record):
    assert forecast_selection.default_method("current_rest") == "monte_carlo"


@pytest.mark.django_db
def test_the_record_holds_the_selected_methods_wape(q1_record):
    record = ForecastTrackRecord.objects.get(target="current_rest", method="monte_carlo")
    assert record.wape == pytest.approx(0.10)


@pytest.mark.django_db
def test_the_record_holds_the_selected_methods_signed_bias(q1_record):
    record = ForecastTrackRecord.objects.get(target="current_rest", method="run_rate")
    assert record.bias == pytest.approx(-0.25)


@pytest.mark.django_db
def test_the_record_holds_the_horizon_in_weeks(q1_record):
    record = ForecastTrackRecord.objects.get(target="current_rest", method="monte_carlo")
    # 4 January is 12 weeks and 3 days before 31 March; 25 January 9 weeks and 3 days.
    assert (record.horizon_min_weeks, record.horizon_max_weeks) == (9, 12)


@pytest.mark.django_db
def test_only_the_rest_of_the_quarter_is_scored(q1_wins):
    # On 15 February 1,000 was already won; 3,000 was still to come. A forecast of 4,300
    # is 300 too high on the rest (WAPE 0.10), not 300 on 4,000.
    for day in (D(2026, 2, 15), D(2026, 2, 22), D(2026, 3, 1), D(2026, 3, 8)):
        snapshot(Q1, day, "run_rate", 4300, won_to_date=1000)
    forecast_selection.track_record_refresh(today=D(2026, 4, 15))
    assert ForecastTrackRecord.objects.get(method="run_rate").wape == pytest.approx(0.10)


@pytest.mark.django_db
def test_no_method_is_selected_with_fewer_than_four_forecasts_scored(q1_wins):
    for day in JANUARY_SUNDAYS[:3]:
        snapshot(Q1, day, "run_rate", 4000)
    forecast_selection.track_record_refresh(today=D(2026, 4, 15))
    assert not ForecastTrackRecord.objects.filter(selected=True).exists()


@pytest.mark.django_db
def test_a_quarter_not_yet_ended_is_not_scored(q1_wins):
    for day in JANUARY_SUNDAYS:
        snapshot(Q1, day, "run_rate", 4000)
    forecast_selection.track_record_refresh(today=D(2026, 3, 31))
    assert not ForecastTrackRecord.objects.exists()


@pytest.mark.django_db
def test_the_weekly_job_refreshes_the_track_record(q1_record):
    ForecastTrackRecord.objects.all().delete()
    with frozen(aware(2026, 4, 15)):
        jobs.weekly_snapshot(as_of=D(2026, 4, 12))
    assert ForecastTrackRecord.objects.filter(target="current_rest", selected=True).exists()


# ---------------------------------------------------------------- the forecast shown, on the page and API


@pytest.fixture
def march_snapshot(q1_record):
    """The latest Q1 snapshot: taken inside the quarter, so its record is the rest-of-quarter one."""
    snapshot(Q1, D(2026, 3, 8), "monte_carlo", 4200, won_to_date=1000)
    snapshot(Q1, D(2026, 3, 8), "weighted_learned", 4500, won_to_date=1000)


@pytest.mark.django_db
def test_the_default_forecast_is_the_selected_methods_latest_figure(march_snapshot):
    assert forecast_selection.default_forecast(Q1).forecast == Decimal("4200.00")


@pytest.mark.django_db
def test_the_run_rate_is_shown_without_a_claimed_record_when_nothing_is_selected(march_snapshot):
    ForecastTrackRecord.objects.all().delete()
    snapshot(Q1, D(2026, 3, 8), "run_rate", 3900, won_to_date=1000)
    shown = forecast_selection.default_forecast(Q1)
    assert (shown.method, shown.record) == ("run_rate", None)


@pytest.mark.django_db
def test_the_learned_median_is_shown_while_there_is_no_run_rate(march_snapshot):
    # No deal had closed by the snapshot: no run-rate was recorded.
    ForecastTrackRecord.objects.all().delete()
    shown = forecast_selection.default_forecast(Q1)
    assert (shown.method, shown.record) == ("monte_carlo", None)


@pytest.mark.django_db
def test_the_forecast_page_shows_the_method_beside_the_number(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    page = client.get("/scorecard/forecast/?period=2026-Q1").content.decode()
    assert "Method: Learned model: median (P50)" in page


@pytest.mark.django_db
def test_the_forecast_page_shows_the_track_records_wape(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    page = client.get("/scorecard/forecast/?period=2026-Q1").content.decode()
    assert 'data-testid="track-wape">10.0%<' in page


@pytest.mark.django_db
def test_the_forecast_page_shows_the_track_records_bias(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    page = client.get("/scorecard/forecast/?period=2026-Q1").content.decode()
    assert 'data-testid="track-bias">+10.0%<' in page


@pytest.mark.django_db
def test_the_forecast_page_shows_the_track_records_horizon(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    page = client.get("/scorecard/forecast/?period=2026-Q1").content.decode()
    assert "9–12 weeks ahead, 4 forecasts scored" in page


@pytest.mark.django_db
def test_the_forecast_page_links_the_track_record_to_the_glossary(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    page = client.get("/scorecard/forecast/?period=2026-Q1").content.decode()
    assert 'data-glossary="forecast_methods.wape"' in page


@pytest.mark.django_db
def test_a_filtered_page_does_not_claim_the_companys_track_record(
    client, march_snapshot, head_of_sales, teams
):
    client.force_login(head_of_sales.user)
    page = client.get(f"/scorecard/forecast/?period=2026-Q1&team={teams['enterprise'].pk}").content.decode()
    assert 'data-testid="track-record"' not in page


@pytest.mark.django_db
def test_the_forecast_page_shows_the_track_record_in_persian(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    client.cookies["django_language"] = "fa"
    page = client.get("/scorecard/forecast/?period=2026-Q1", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "۹ تا ۱۲ هفته پیش از پایان فصل، ۴ پیش‌بینی سنجیده‌شده" in page


@pytest.mark.django_db
def test_the_forecast_api_gives_the_default_method(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    body = client.get("/api/v1/scorecard/forecast?period=2026-Q1").json()
    assert body["default"]["method"] == "monte_carlo"


@pytest.mark.django_db
def test_the_forecast_api_gives_the_track_record_beside_the_number(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    record = client.get("/api/v1/scorecard/forecast?period=2026-Q1").json()["default"]["track_record"]
    assert (record["wape"], record["bias"], record["horizon_min_weeks"], record["horizon_max_weeks"]) == (
        pytest.approx(0.10),
        pytest.approx(0.10),
        9,
        12,
    )


@pytest.mark.django_db
def test_the_track_record_api_lists_every_method_scored(client, march_snapshot, head_of_sales):
    client.force_login(head_of_sales.user)
    body = client.get("/api/v1/scorecard/forecast/track-record").json()
    current = next(t for t in body["targets"] if t["target"] == "current_rest")
    assert [r["method"] for r in current["records"]] == ["run_rate", "weighted_learned", "monte_carlo"]


@pytest.mark.django_db
def test_the_number_table_uses_the_forecast_shown(client, march_snapshot, head_of_sales):
    from hamsu.scorecard import dashboards, selectors

    rows = dashboards.overview(selectors.Filters(period=Q1), user=head_of_sales.user)["tables"]["number"].rows
    assert rows[-1][2] == Decimal("4200.00")


# ---------------------------------------------------------------- deals created beyond the first stage


@pytest.fixture
def created_in_qualifying(deal_history, rep):
    """An imported history whose deals start in qualifying (as Maven's do): five won in
    January–February after 20 days, and one created on 1 March, still open."""
    for day in (2, 5, 9, 12, 16):
        created = aware(2026, 1, day)
        won = created + datetime.timedelta(days=20)
        deal_history(rep, created, [("won", won)], amount="1000", stage="qualifying")
    deal_history(rep, aware(2026, 3, 1), [], amount="1000", stage="qualifying")


@pytest.mark.django_db
def test_deals_created_in_a_later_stage_still_count_as_deals_to_come(created_in_qualifying):
    # Six deals created in the 90 days to 15 March, every one that closed was won after 20
    # days: the learned model expects wins from the deals still to come in Q2.
    history = forecasts.load_history()
    lines = forecasts.forecast_lines(history, Q2, D(2026, 3, 15))
    assert lines.filter(pl.col("kind") == forecasts.NEW_LINE)["probability"].sum() > 0
