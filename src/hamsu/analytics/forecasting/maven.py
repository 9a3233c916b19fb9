"""Loader for the Maven "CRM Sales Opportunities" data set (a fictitious B2B pipeline).

Normalises the quirks documented in the data set's README so the back-test never
silently drops rows: the pipeline spells ``GTXPro`` where products.csv says ``GTX Pro``;
open deals have no close_value (their value comes from the product's list price here);
Prospecting deals have no engage_date and no close_date, so no dated stage event can be
built for them and they never appear in a historical snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hamsu.analytics.forecasting.snapshots import LOST, WON

ENGAGING = "Engaging"
PRODUCT_ALIASES: dict[str, str] = {"GTXPro": "GTX Pro"}
_DATASET = "maven_crm_sales_opportunities"


def default_data_dir(repo_root: Path | None = None) -> Path:
    """``<repo root>/../shared/data/maven_crm_sales_opportunities`` (the data stays outside the repo)."""
    root = repo_root or Path(__file__).resolve().parents[4]
    return root.parent / "shared" / "data" / _DATASET


@dataclass(frozen=True)
class MavenData:
    opportunities: pl.DataFrame
    products: pl.DataFrame
    teams: pl.DataFrame


def load_maven(data_dir: Path | None = None) -> MavenData:
    """Read the four tables and return opportunities joined to list price and team.

    ``opportunities`` columns: opportunity_id, sales_agent, manager, regional_office,
    product (normalised), account, deal_stage, engage_date, close_date, close_value,
    list_price. Raises if a product does not match products.csv after normalisation.
    """
    d = data_dir or default_data_dir()
    pipeline = pl.read_csv(
        d / "sales_pipeline.csv",
        schema_overrides={"engage_date": pl.Date, "close_date": pl.Date, "close_value": pl.Float64},
    )
    products = pl.read_csv(d / "products.csv")
    teams = pl.read_csv(d / "sales_teams.csv")
    opps = pipeline.with_columns(pl.col("product").replace(PRODUCT_ALIASES)).join(
        products.select("product", pl.col("sales_price").cast(pl.Float64).alias("list_price")),
        on="product",
        how="left",
    )
    unmatched = opps.filter(pl.col("list_price").is_null())["product"].unique().to_list()
    if unmatched:
        raise ValueError(f"products not in products.csv: {unmatched}")
    opps = opps.join(teams, on="sales_agent", how="left")
    return MavenData(opportunities=opps, products=products, teams=teams)


def maven_stage_events(opportunities: pl.DataFrame) -> pl.DataFrame:
    """Stage events (object_id, from_stage, to_stage, at): entering Engaging, then won/lost.

    Only dated transitions are emitted. Prospecting has no date in the data, so those
    deals are absent; engaging deals that never closed have only their entry event.
    """
    engaged = opportunities.filter(pl.col("engage_date").is_not_null())
    enter = engaged.select(
        pl.col("opportunity_id").alias("object_id"),
        pl.lit(None, dtype=pl.String).alias("from_stage"),
        pl.lit(ENGAGING).alias("to_stage"),
        pl.col("engage_date").alias("at"),
    )
    close = engaged.filter(pl.col("close_date").is_not_null()).select(
        pl.col("opportunity_id").alias("object_id"),
        pl.lit(ENGAGING).alias("from_stage"),
        pl.when(pl.col("deal_stage") == "Won").then(pl.lit(WON)).otherwise(pl.lit(LOST)).alias("to_stage"),
        pl.col("close_date").alias("at"),
    )
    return pl.concat([enter, close]).sort(["object_id", "at"])
