"""Maven loader and back-test on the real data set (skipped when the shared data is absent)."""

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from hamsu.analytics.forecasting.backtest import BacktestConfig, forecast_snapshot, run_backtest
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
    assert (mc["p10"] <= mc["forecast"]).all() and (mc["forecast"] <= mc["p90"]).all()
    q3 = r.actuals.filter((pl.col("period") == "2017Q3") & (pl.col("scope") == "bookings"))
    won_q3 = opps.filter(
        (pl.col("deal_stage") == "Won")
        & pl.col("close_date").is_between(dt.date(2017, 7, 1), dt.date(2017, 9, 30))
    )
    assert q3["actual"].unique().to_list() == [won_q3["close_value"].sum()]
