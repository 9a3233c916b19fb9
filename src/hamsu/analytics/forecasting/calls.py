"""Sellers' commit / best-case calls with manager overrides, rolled up per team.

The call is a human judgement that sits next to the statistical forecasts (and is scored
by the same accuracy functions). A manager may override a seller's call for a period; the
override then *replaces* the seller's figure for that seller and period — it is not added
to it — and the roll-up records how many calls were overridden so the gap between what
sellers and managers believe stays visible.
"""

from __future__ import annotations

import polars as pl

CALL_FIELDS = ("commit", "best_case")
KEY = ("seller", "period")


def _check_unique(frame: pl.DataFrame, name: str) -> None:
    dupes = frame.group_by(list(KEY)).len().filter(pl.col("len") > 1)
    if dupes.height:
        raise ValueError(f"{name} has more than one row for (seller, period): {dupes.head(5).rows()}")


def effective_calls(calls: pl.DataFrame, overrides: pl.DataFrame | None = None) -> pl.DataFrame:
    """Seller calls with manager overrides applied.

    ``calls``: (seller, period, commit, best_case). ``overrides``: same key, and commit
    and/or best_case; a null field in an override keeps the seller's figure for that field.
    An override for a seller who made no call still counts (the manager called it).
    Adds ``overridden`` (bool) and keeps the seller's own figures as ``seller_commit`` /
    ``seller_best_case``.
    """
    _check_unique(calls, "calls")
    base = calls.select(*KEY, *CALL_FIELDS).with_columns(pl.col(list(CALL_FIELDS)).cast(pl.Float64))
    if overrides is None or overrides.is_empty():
        return base.with_columns(
            pl.lit(False).alias("overridden"),
            pl.col("commit").alias("seller_commit"),
            pl.col("best_case").alias("seller_best_case"),
        )
    _check_unique(overrides, "overrides")
    ov = overrides.select(
        *KEY, *[pl.col(f).cast(pl.Float64).alias(f"_ov_{f}") for f in CALL_FIELDS if f in overrides.columns]
    )
    for f in CALL_FIELDS:
        if f"_ov_{f}" not in ov.columns:
            ov = ov.with_columns(pl.lit(None, dtype=pl.Float64).alias(f"_ov_{f}"))
    joined = base.join(ov, on=list(KEY), how="full", coalesce=True)
    has_override = pl.any_horizontal([pl.col(f"_ov_{f}").is_not_null() for f in CALL_FIELDS])
    return joined.select(
        *KEY,
        *[pl.coalesce(pl.col(f"_ov_{f}"), pl.col(f)).alias(f) for f in CALL_FIELDS],
        has_override.alias("overridden"),
        pl.col("commit").alias("seller_commit"),
        pl.col("best_case").alias("seller_best_case"),
    ).sort(list(KEY))


def roll_up_calls(
    calls: pl.DataFrame, teams: pl.DataFrame, overrides: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Totals per (team, period): commit, best_case, sellers, overridden, and the sellers' own totals.

    ``teams``: (seller, team). A seller missing from ``teams`` is rolled up under a null
    team rather than silently dropped.
    """
    eff = effective_calls(calls, overrides).join(teams.select("seller", "team"), on="seller", how="left")
    return (
        eff.group_by(["team", "period"])
        .agg(
            pl.col("commit").sum(),
            pl.col("best_case").sum(),
            pl.len().alias("sellers"),
            pl.col("overridden").sum().alias("overridden"),
            pl.col("seller_commit").sum(),
            pl.col("seller_best_case").sum(),
        )
        .sort(["team", "period"], nulls_last=True)
    )
