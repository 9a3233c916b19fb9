"""Stage win probabilities: the CRM defaults, and the company's own, learned from history.

CRMs ship fixed probabilities per stage (HubSpot's default pipeline, Salesforce's default
opportunity stages). They are the same for every company and ignore how long a deal has
been sitting in its stage. Here the probabilities are learned from the company's own
outcomes known at the snapshot, optionally smoothed toward a prior while history is thin,
and — in the age-conditioned form — read off a censoring-aware exit table, so a deal that
has sat in a stage far longer than deals usually do gets the low probability it deserves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import polars as pl

from hamsu.analytics.forecasting.snapshots import LOST, WON
from hamsu.analytics.forecasting.survival import ExitTable, fit_exit_table

#: HubSpot's default sales pipeline (deal stage → probability), as shipped in new portals.
HUBSPOT_DEFAULT_PROBABILITIES: dict[str, float] = {
    "Appointment scheduled": 0.20,
    "Qualified to buy": 0.40,
    "Presentation scheduled": 0.60,
    "Decision maker bought-in": 0.80,
    "Contract sent": 0.90,
    "Closed won": 1.00,
    "Closed lost": 0.00,
}

#: Salesforce's default opportunity stages (Stage picklist → default Probability).
SALESFORCE_DEFAULT_PROBABILITIES: dict[str, float] = {
    "Prospecting": 0.10,
    "Qualification": 0.10,
    "Needs Analysis": 0.20,
    "Value Proposition": 0.50,
    "Id. Decision Makers": 0.60,
    "Perception Analysis": 0.70,
    "Proposal/Price Quote": 0.75,
    "Negotiation/Review": 0.90,
    "Closed Won": 1.00,
    "Closed Lost": 0.00,
}

#: Maven's stages (Prospecting > Engaging > Won/Lost) on HubSpot's default pipeline:
#: prospecting is a booked first conversation, engaging is the first stage of active selling.
MAVEN_TO_HUBSPOT: dict[str, str] = {
    "Prospecting": "Appointment scheduled",
    "Engaging": "Qualified to buy",
    "Won": "Closed won",
    "Lost": "Closed lost",
}

#: Maven's stages on Salesforce's defaults. "Engaging" spans Qualification … Negotiation/Review,
#: so it is mapped to the middle of that span (Value Proposition, 50%).
MAVEN_TO_SALESFORCE: dict[str, str] = {
    "Prospecting": "Prospecting",
    "Engaging": "Value Proposition",
    "Won": "Closed Won",
    "Lost": "Closed Lost",
}


def mapped_probabilities(mapping: Mapping[str, str], defaults: Mapping[str, float]) -> dict[str, float]:
    """Probability per company stage, through a stage mapping onto a CRM's defaults."""
    return {stage: defaults[target] for stage, target in mapping.items()}


def stage_win_rates(
    outcome_spells: pl.DataFrame,
    *,
    prior: Mapping[str, float] | None = None,
    prior_strength: float = 0.0,
) -> pl.DataFrame:
    """For each stage: the share of deals that reached it and were eventually won.

    Only deals with a known outcome count (open ones have none yet). With a ``prior`` and
    ``prior_strength`` α the rate is shrunk like a Beta posterior mean,
    ``(won + α·p0) / (closed + α)``, so a stage with five closed deals does not jump to 0%
    or 100%. Columns: stage, n_closed, n_won, n_open, win_rate, probability.
    """
    if prior_strength < 0:
        raise ValueError("prior_strength must be >= 0")
    g = outcome_spells.group_by("stage").agg(
        pl.col("outcome").is_not_null().sum().alias("n_closed"),
        (pl.col("outcome") == WON).sum().alias("n_won"),
        pl.col("outcome").is_null().sum().alias("n_open"),
    )
    p0 = pl.col("stage").replace_strict(dict(prior or {}), default=None, return_dtype=pl.Float64)
    alpha = prior_strength if prior else 0.0
    return (
        g.with_columns(
            (pl.col("n_won") / pl.col("n_closed")).alias("win_rate"),
            p0.alias("_p0"),
        )
        .with_columns(
            pl.when(pl.col("_p0").is_not_null() & (alpha > 0))
            .then((pl.col("n_won") + alpha * pl.col("_p0")) / (pl.col("n_closed") + alpha))
            .otherwise(pl.col("win_rate"))
            .alias("probability")
        )
        .drop("_p0")
        .sort("stage")
    )


def _entry_days(entered_at: pl.Series, observed_from: dt.date | None) -> np.ndarray | None:
    if observed_from is None:
        return None
    days = (pl.lit(observed_from) - entered_at).dt.total_days()
    entry: np.ndarray = np.maximum(pl.select(days).to_series().to_numpy(), 0)
    return entry


def fit_outcome_tables(
    outcome_spells: pl.DataFrame, *, observed_from: dt.date | None = None
) -> dict[str, ExitTable]:
    """Per stage, when and how deals that entered it ended (won/lost), censoring-aware.

    ``observed_from``: the first day outcomes were recorded at all. Deals that entered a
    stage before it are only counted as "could have closed" from that day on, so a CRM
    that started recording closes late is not read as "nothing ever closes early".
    """
    tables: dict[str, ExitTable] = {}
    for (stage,), part in outcome_spells.group_by(["stage"], maintain_order=True):
        tables[str(stage)] = fit_exit_table(
            part["days"].to_numpy(),
            part["outcome"].to_list(),
            destination_names=(WON, LOST),
            entry=_entry_days(part["entered_at"], observed_from),
        )
    return tables


def fit_stage_tables(
    stage_spells: pl.DataFrame, *, observed_from: dt.date | None = None
) -> dict[str, ExitTable]:
    """Per stage, when and to where deals leave it (next stage, won or lost), censoring-aware."""
    tables: dict[str, ExitTable] = {}
    for (stage,), part in stage_spells.group_by(["stage"], maintain_order=True):
        dests = part["exit_to"].to_list()
        names = tuple(sorted({d for d in dests if d is not None})) or (WON, LOST)
        tables[str(stage)] = fit_exit_table(
            part["days"].to_numpy(),
            dests,
            destination_names=names,
            entry=_entry_days(part["entered_at"], observed_from),
        )
    return tables


def age_conditioned_win_probability(table: ExitTable, age_days: np.ndarray | int) -> np.ndarray:
    """P(eventually won | still open after ``age_days`` in the stage), within observed history."""
    if WON not in table.destinations:
        return np.zeros_like(np.asarray(age_days, dtype=np.float64))
    a = np.asarray(age_days, dtype=np.int64)
    return table.probability_between(WON, a, a + 1, np.full_like(a, table.max_day))
