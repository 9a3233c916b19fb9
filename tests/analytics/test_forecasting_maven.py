"""Maven loader and back-test on the real data set (skipped when the shared data is absent)."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from hamsu.analytics.forecasting.backtest import (
    BacktestConfig,
    actuals_for,
    forecast_snapshot,
    forecast_windows,
    run_backtest,
    snapshot_dates,
)
from hamsu.analytics.forecasting.baselines import run_rate_forecast
from hamsu.analytics.forecasting.maven import load_maven, maven_stage_events

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "maven_crm_sales_opportunities"
pytestmark = pytest.mark.skipif(
    not (DATA / "sales_pipeline.csv").exists(), reason="shared Maven data not present"
)


@pytest.fixture(scope="module")
def maven():
    return load_maven(DATA)


def test_loader_normalises_gtxpro_and_keeps_every_row(maven):
    o = maven.opportunities
    assert o.height == 8800
    assert o["list_price"].null_count() == 0
    assert o.filter(pl.col("product") == "GTX Pro").height == 1480
    assert "GTXPro" not in o["product"].to_list()


def test_events_are_dated_transitions_only(maven):
    ev = maven_stage_events(maven.opportunities)
    assert ev.filter(pl.col("to_stage") == "Engaging").height == 8300  # 500 Prospecting rows have no date
    assert ev.filter(pl.col("to_stage").is_in(["won", "lost"])).height == 4238 + 2473
    assert ev["at"].null_count() == 0


def test_forecasts_use_only_what_was_known_at_the_snapshot(maven):
    """Erasing everything after d (later deals, later outcomes) must not change any forecast."""
    d = dt.date(2017, 6, 4)
    cfg = BacktestConfig(n_draws=300)
    opps = maven.opportunities
    full = forecast_snapshot(opps, maven_stage_events(opps), d, cfg)
    known = opps.filter(pl.col("engage_date") <= d).with_columns(
        pl.when(pl.col("close_date") <= d).then(pl.col("close_date")).otherwise(None).alias("close_date"),
        pl.when(pl.col("close_date") <= d)
        .then(pl.col("deal_stage"))
        .otherwise(pl.lit("Engaging"))
        .alias("deal_stage"),
        pl.when(pl.col("close_date") <= d).then(pl.col("close_value")).otherwise(None).alias("close_value"),
    )
    masked = forecast_snapshot(known, maven_stage_events(known), d, cfg)
    assert pl.DataFrame(full).equals(pl.DataFrame(masked))


def test_the_look_ahead_check_covers_the_baselines(maven):
    """The check above compares every row; on 4 June every baseline but the yearly one forecasts."""
    cfg = BacktestConfig(n_draws=50)
    rows = forecast_snapshot(
        maven.opportunities, maven_stage_events(maven.opportunities), dt.date(2017, 6, 4), cfg
    )
    assert {"run_rate", "seasonal_naive", "hubspot_default+new", "salesforce_default+new"} <= {
        r["method"] for r in rows
    }


def test_the_run_rate_baseline_scores_the_documented_wape(maven):
    """docs/benchmarks/forecasting.md: trailing 13-week run-rate, WAPE 0.068 next quarter, 0.111 rest of quarter."""
    opps = maven.opportunities
    cfg = BacktestConfig()
    dates = snapshot_dates(opps, cfg)
    won = opps.filter(pl.col("deal_stage") == "Won")
    rows = []
    for d in dates:
        observed_from = opps.filter(pl.col("close_date") <= d)["close_date"].min()
        for target, period, start, end in forecast_windows(d):
            f = run_rate_forecast(
                won["close_date"],
                won["close_value"],
                as_of=d,
                period_start=start,
                period_end=end,
                observed_from=observed_from,
            )
            rows.append({"snapshot_date": d, "target": target, "period": period, "forecast": f})
    actuals = actuals_for(opps, dates, opps["close_date"].max()).filter(pl.col("scope") == "bookings")
    scored = pl.DataFrame(rows).join(actuals, on=["snapshot_date", "target", "period"])
    wape = scored.group_by("target").agg(
        ((pl.col("forecast") - pl.col("actual")).abs().sum() / pl.col("actual").sum()).round(3).alias("wape")
    )
    assert dict(wape.iter_rows()) == {"next_quarter": 0.068, "current_rest": 0.111}


def test_backtest_smoke_two_snapshots(maven):
    opps = maven.opportunities
    r = run_backtest(
        opps,
        maven_stage_events(opps),
        BacktestConfig(n_draws=200),
        dates=[dt.date(2017, 5, 7), dt.date(2017, 8, 6)],
    )
    assert set(r.forecasts["method"].unique()) >= {"hubspot_default", "learned_weighted", "monte_carlo_p50"}
    mc = r.forecasts.filter(pl.col("method") == "monte_carlo_p50")
    assert (mc["p10"] <= mc["forecast"]).all()
    assert (mc["forecast"] <= mc["p90"]).all()
    q3 = r.actuals.filter((pl.col("period") == "2017Q3") & (pl.col("scope") == "bookings"))
    won_q3 = opps.filter(
        (pl.col("deal_stage") == "Won")
        & pl.col("close_date").is_between(dt.date(2017, 7, 1), dt.date(2017, 9, 30))
    )
    assert q3["actual"].unique().to_list() == [won_q3["close_value"].sum()]
