"""Loader for the Olist "Marketing Funnel" data set, shaped for lead scoring.

Two files: 8,000 MQLs (``mql_id, first_contact_date, landing_page_id, origin``) and
842 closed deals. The label is "this MQL became a closed deal".

**Leakage.** Every column of the closed-deals file (segment, lead type, behaviour
profile, declared revenue, SDR, SR, ...) exists only for *won* leads: its mere
presence is the label. A model given any of them would score ~1.0 AUC and be useless
on a new lead. Only what is known when the MQL arrives is used: origin, landing page
and calendar parts of ``first_contact_date``. See :data:`LEAKY_COLUMNS`.

**Censoring and truncation.** Deals are recorded from 2017-12-05 to 2018-11-14 while
leads run from 2017-06-14 to 2018-05-31. So:

* leads captured before the first recorded deal could only appear as won if they
  closed late (2017 leads convert at 1-3% in the file against ~13% in 2018, with a
  median of ~300 days to close): their "lost" label partly means "closed before the
  deals file starts", a left truncation, not a real loss;
* the last leads had ~5.5 months to convert, the first ones ~17 (right censoring).

:func:`olist_frame` gives both views: ``label="ever"`` on all leads (the data as
published) and ``horizon_days=H`` with ``within_deal_window=True``: converted within
H days, on leads whose whole H-day window lies inside the recorded deal period, so
every label is fully observed. One deal is won 2 days *before* its first contact
date; it is kept and counts as converted at day 0 (the lead did convert, the dates
are off by two days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from hamsu.analytics.lead_scoring.predictive import FeatureSpec
from hamsu.analytics.lead_scoring.rules import FitRule, PointsSpec

MQL_FILE = "olist_marketing_qualified_leads_dataset.csv"
DEALS_FILE = "olist_closed_deals_dataset.csv"
LABEL = "converted"
TIME = "first_contact_date"

LEAKY_COLUMNS: tuple[str, ...] = (
    "seller_id",
    "sdr_id",
    "sr_id",
    "won_date",
    "business_segment",
    "lead_type",
    "lead_behaviour_profile",
    "has_company",
    "has_gtin",
    "average_stock",
    "business_type",
    "declared_product_catalog_size",
    "declared_monthly_revenue",
)
"""Closed-deal columns: filled only for won leads, so using them leaks the label."""

OLIST_FEATURES = FeatureSpec(
    categorical=("origin", "landing_page_id"),
    dates=(TIME,),
    date_parts=("weekday",),
    min_frequency=20,
    labels={"landing_page_id": "landing page", "first_contact_date": "first contact"},
)
"""MQL-time features only, chosen before looking at the holdout."""

# Written as a marketer would before seeing Olist's conversion rates: high-intent
# channels (someone searched for or typed the address, or was referred) earn most,
# interruption channels (social, display) least, untracked nothing. Not tuned.
MARKETER_RULES = PointsSpec(
    fit=(
        FitRule("origin", "in", 20, ("direct_traffic", "referral"), "came direct or by referral"),
        FitRule("origin", "in", 15, ("organic_search", "paid_search"), "came from search"),
        FitRule("origin", "eq", 10, "email", "came from an email"),
        FitRule("origin", "in", 5, ("social", "display", "other_publicities"), "came from social or ads"),
    )
)


def default_data_dir() -> Path:
    """``<repo root>/../shared/data/olist_marketing_funnel``, where the project keeps it."""
    return Path(__file__).resolve().parents[4].parent / "shared" / "data" / "olist_marketing_funnel"


def load_olist(data_dir: Path | None = None) -> pl.DataFrame:
    """One row per MQL with ``won_date`` (null when not won) and ``days_to_win``.

    Only ``won_date`` is taken from the deals file; the other deal columns leak.
    """
    directory = data_dir or default_data_dir()
    mqls = pl.read_csv(directory / MQL_FILE, schema_overrides={TIME: pl.Date})
    deals = pl.read_csv(directory / DEALS_FILE, columns=["mql_id", "won_date"]).with_columns(
        pl.col("won_date").str.to_datetime("%Y-%m-%d %H:%M:%S")
    )
    return mqls.join(deals, on="mql_id", how="left", validate="1:1").with_columns(
        days_to_win=(pl.col("won_date").dt.date() - pl.col(TIME)).dt.total_days()
    )


@dataclass(frozen=True)
class DealWindow:
    """First and last recorded deal dates: the period in which a win can be seen."""

    start: date
    end: date


def deal_window(leads: pl.DataFrame) -> DealWindow:
    """The recorded deal period, read from the data rather than hard-coded."""
    won = leads.get_column("won_date").drop_nulls().dt.date()
    return DealWindow(start=won.min(), end=won.max())  # type: ignore[arg-type]


def olist_frame(
    data_dir: Path | None = None,
    *,
    horizon_days: int | None = None,
    within_deal_window: bool = False,
) -> pl.DataFrame:
    """The modelling frame: MQL-time features, ``first_contact_date`` and ``converted``.

    ``horizon_days=None`` labels a lead converted if it was ever won. With
    ``horizon_days=H``, converted means won within H days of first contact (a deal won
    before first contact counts as day 0). ``within_deal_window`` keeps only leads whose
    first contact is on or after the first recorded deal and whose H-day window ends by
    the last one (needs ``horizon_days``).
    """
    leads = load_olist(data_dir)
    days = pl.col("days_to_win").clip(lower_bound=0)
    if horizon_days is None:
        converted = pl.col("won_date").is_not_null()
    else:
        converted = pl.col("won_date").is_not_null() & (days <= horizon_days)
    frame = leads.with_columns(converted.alias(LABEL))
    if within_deal_window:
        if horizon_days is None:
            raise ValueError(
                "within_deal_window needs horizon_days: an unbounded label is never fully observed"
            )
        window = deal_window(leads)
        last_start = window.end - timedelta(days=horizon_days)
        frame = frame.filter(pl.col(TIME).is_between(window.start, last_start))
    return frame.select("mql_id", "origin", "landing_page_id", TIME, LABEL)
