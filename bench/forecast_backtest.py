"""Back-test the revenue forecasts on the Maven CRM data set and print the accuracy tables.

Usage:
    .venv/bin/python bench/forecast_backtest.py [--draws 10000] [--seed 20170301] [--data DIR]

Rebuilds weekly (Sunday) pipeline snapshots from the opportunity history, forecasts the
rest of the current quarter and the next calendar quarter with every method and every
baseline (run-rate, seasonal naive, CRM default + new deals), and prints (as Markdown)
method × horizon → WAPE, bias and the number of snapshots, per target and scope. The
like-for-like table (every method forecasting all bookings, given the same information)
comes first; methods that cannot see deals created after the snapshot come after it.
"Selected (walk-forward)" is model selection scored honestly: at each snapshot it uses
the method with the best WAPE on the forecasts whose period had ended by then.
See docs/forecasting.md for the methods and docs/benchmarks/forecasting.md for the
recorded figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

from hamsu.analytics.forecasting.accuracy import forecast_errors, summarise_errors
from hamsu.analytics.forecasting.backtest import BacktestConfig, run_backtest
from hamsu.analytics.forecasting.maven import default_data_dir, load_maven, maven_stage_events
from hamsu.analytics.forecasting.selection import select_method, summarise_selection, walk_forward_selection

KEYS = ("target", "scope", "snapshot_date", "period")
# Like for like: every method that forecasts all revenue won in the period, new deals included.
LIKE_FOR_LIKE = [
    "run_rate",
    "seasonal_naive",
    "seasonal_naive_year",
    "hubspot_default+new",
    "salesforce_default+new",
    "learned_weighted",
    "monte_carlo_p50",
    "selected",
    "learned_weighted_cal",
    "monte_carlo_cal_p50",
]
# Methods that only weigh deals open at the snapshot: on bookings they are strawmen.
PIPELINE_ONLY = ["hubspot_default", "salesforce_default", "learned_stage_rate"]
METHOD_ORDER = [*LIKE_FOR_LIKE[:-3], *PIPELINE_ONLY, *LIKE_FOR_LIKE[-3:]]
# What the product chooses among (docs/forecasting.md, "Model selection"), simplest first;
# the post-hoc calendar variants are not shipped, so they are not candidates.
CANDIDATES = [
    "run_rate",
    "seasonal_naive",
    "seasonal_naive_year",
    "hubspot_default",
    "hubspot_default+new",
    "learned_weighted",
    "monte_carlo_p50",
]
FALLBACK = ("run_rate", "monte_carlo_p50")  # as the product: the run-rate, else the learned median
# As the product: the record holds the last four ended quarters, and at least four forecasts.
RECORD_QUARTERS = 4


def _fmt(wape: float | None, bias: float | None) -> str:
    if wape is None or bias is None or not np.isfinite(wape):
        return "– (actual 0)"
    return f"{wape:.3f} / {bias:+.3f}"


def _methods(frame: pl.DataFrame) -> list[str]:
    present = set(frame["method"].unique().to_list())
    return [m for m in METHOD_ORDER if m in present]


def overall_table(
    errors: pl.DataFrame, methods: list[str] | None = None, scopes: tuple[str, ...] = ("bookings", "pipeline")
) -> str:
    s = summarise_errors(errors, by=["target", "scope", "method"])
    lines = ["| target | scope | method | n | WAPE | MAPE | bias |", "|---|---|---|---:|---:|---:|---:|"]
    for target in ["next_quarter", "current_rest"]:
        for scope in scopes:
            part = s.filter((pl.col("target") == target) & (pl.col("scope") == scope))
            for m in _methods(part):
                if methods is not None and m not in methods:
                    continue
                r = part.filter(pl.col("method") == m).row(0, named=True)
                lines.append(
                    f"| {target} | {scope} | {m} | {r['n']} | {r['wape']:.3f} | {r['mape']:.3f} | {r['bias']:+.3f} |"
                )
    return "\n".join(lines)


def horizon_table(errors: pl.DataFrame, target: str, scope: str) -> str:
    part = errors.filter((pl.col("target") == target) & (pl.col("scope") == scope))
    s = summarise_errors(part, by=["method", "horizon_weeks"])
    methods = _methods(part)
    head = "| weeks to period end | n | " + " | ".join(methods) + " |"
    sep = "|---:|---:|" + "---:|" * len(methods)
    lines = [f"**{target} / {scope}** — cells are WAPE / bias", "", head, sep]
    for h in sorted(s["horizon_weeks"].unique().to_list()):
        row = s.filter(pl.col("horizon_weeks") == h)
        n = int(row["n"].max())
        cells = []
        for m in methods:
            r = row.filter(pl.col("method") == m)
            cells.append(_fmt(r["wape"][0], r["bias"][0]) if r.height else "–")
        lines.append(f"| {h} | {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def coverage_table(errors: pl.DataFrame) -> str:
    mc = errors.filter(pl.col("method").str.starts_with("monte_carlo"))
    s = (
        mc.with_columns(
            ((pl.col("actual") >= pl.col("p10")) & (pl.col("actual") <= pl.col("p90"))).alias("inside")
        )
        .group_by(["method", "target", "scope"])
        .agg(
            pl.len().alias("n"),
            pl.col("inside").mean().alias("share_inside"),
            (pl.col("actual") < pl.col("p10")).mean().alias("below_p10"),
            (pl.col("actual") > pl.col("p90")).mean().alias("above_p90"),
        )
        .sort(["method", "target", "scope"])
    )
    lines = [
        "| method | target | scope | n | actual inside [P10, P90] | below P10 | above P90 |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for r in s.iter_rows(named=True):
        lines.append(
            f"| {r['method']} | {r['target']} | {r['scope']} | {r['n']} | {r['share_inside']:.2f} | {r['below_p10']:.2f} | {r['above_p90']:.2f} |"
        )
    return "\n".join(lines)


def decomposition_table(errors: pl.DataFrame) -> str:
    """Split bookings = deals open at the snapshot + deals created later, per method.

    Shows which part of the bookings error comes from judging the existing pipeline and
    which from projecting deals that do not exist yet.
    """
    k = ["target", "snapshot_date", "period", "method"]
    wide = errors.pivot(on="scope", index=k, values=["forecast", "actual"])
    wide = wide.filter(pl.col("forecast_pipeline").is_not_null() & pl.col("forecast_bookings").is_not_null())
    wide = wide.with_columns(
        (pl.col("forecast_bookings") - pl.col("forecast_pipeline")).alias("f_new"),
        (pl.col("actual_bookings") - pl.col("actual_pipeline")).alias("a_new"),
    )
    s = wide.group_by(["target", "method"]).agg(
        pl.len().alias("n"),
        ((pl.col("f_new") - pl.col("a_new")).abs().sum() / pl.col("a_new").sum()).alias("new_wape"),
        ((pl.col("f_new") - pl.col("a_new")).sum() / pl.col("a_new").sum()).alias("new_bias"),
        (
            (pl.col("forecast_pipeline") - pl.col("actual_pipeline")).sum() / pl.col("actual_bookings").sum()
        ).alias("pipe_err"),
        ((pl.col("f_new") - pl.col("a_new")).sum() / pl.col("actual_bookings").sum()).alias("new_err"),
    )
    lines = [
        "| target | method | n | new deals: WAPE | new deals: bias | bookings bias from open deals | bookings bias from new deals |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for target in ["current_rest", "next_quarter"]:
        part = s.filter(pl.col("target") == target)
        for m in _methods(part):
            r = part.filter(pl.col("method") == m).row(0, named=True)
            lines.append(
                f"| {target} | {m} | {r['n']} | {r['new_wape']:.3f} | {r['new_bias']:+.3f} | "
                f"{r['pipe_err']:+.3f} | {r['new_err']:+.3f} |"
            )
    return "\n".join(lines)


def common_table(errors: pl.DataFrame) -> str:
    """Like-for-like methods scored on the same snapshots only (where every one forecast)."""
    lines = [
        "| target | method | n | WAPE | bias |",
        "|---|---|---:|---:|---:|",
    ]
    for target in ["next_quarter", "current_rest"]:
        part = errors.filter((pl.col("target") == target) & (pl.col("scope") == "bookings"))
        methods = [m for m in LIKE_FOR_LIKE if m in set(part["method"].to_list())]
        sel = select_method(part, candidates=methods, min_n=1, min_share=0.0)
        for r in sel.records.filter(pl.col("compared")).iter_rows(named=True):
            lines.append(f"| {target} | {r['method']} | {r['n']} | {r['wape']:.3f} | {r['bias']:+.3f} |")
        for r in sel.records.filter(~pl.col("compared")).iter_rows(named=True):
            lines.append(
                f"| {target} | {r['method']} (fewer snapshots, on its own {r['n']}) | {r['n']} | "
                f"{r['wape']:.3f} | {r['bias']:+.3f} |"
            )
    return "\n".join(lines)


def fallback_table(bookings: pl.DataFrame) -> str:
    """Walk-forward selection with each candidate as the method used before a record exists."""
    lines = [
        "| method before any record | target | n | WAPE | bias | methods used (snapshots) |",
        "|---|---|---:|---:|---:|---|",
    ]
    for fallback in [FALLBACK, *CANDIDATES]:
        selected = walk_forward_selection(
            bookings, candidates=CANDIDATES, fallback=fallback, last_periods=RECORD_QUARTERS
        )
        for r in summarise_selection(selected).sort("target", descending=True).iter_rows(named=True):
            used = ", ".join(f"{u['chosen']} ({u['count']})" for u in r["used"])
            lines.append(
                f"| {fallback} | {r['target']} | {r['n']} | {r['wape']:.3f} | {r['bias']:+.3f} | {used} |"
            )
    return "\n".join(lines)


def selection_table(selected: pl.DataFrame) -> str:
    """Which method the walk-forward selection used, per target, and how often."""
    s = (
        selected.group_by(["target", "chosen"])
        .agg(pl.len().alias("n"))
        .sort(["target", "n"], descending=[False, True])
    )
    lines = ["| target | method used | snapshots |", "|---|---|---:|"]
    for r in s.iter_rows(named=True):
        lines.append(f"| {r['target']} | {r['chosen']} | {r['n']} |")
    return "\n".join(lines)


def hindsight_sweep(errors: pl.DataFrame) -> str:
    """Fixed-probability pipeline for any Engaging probability p (it is linear in p).

    Picking the best p needs the outcomes, so this is an upper bound on what *any*
    fixed default could have achieved, not a method.
    """
    base = errors.filter(pl.col("method") == "hubspot_default")  # computed at p = 0.40
    lines = [
        "| target | scope | best p in hindsight | WAPE at best p | WAPE at 0.40 |",
        "|---|---|---:|---:|---:|",
    ]
    for (target, scope), part in base.group_by(["target", "scope"], maintain_order=True):
        f40 = part["forecast"].to_numpy()
        actual = part["actual"].to_numpy()
        grid = np.round(np.arange(0.05, 1.0001, 0.05), 2)
        wapes = [np.abs(f40 * p / 0.40 - actual).sum() / actual.sum() for p in grid]
        i = int(np.argmin(wapes))
        w40 = np.abs(f40 - actual).sum() / actual.sum()
        lines.append(f"| {target} | {scope} | {grid[i]:.2f} | {wapes[i]:.3f} | {w40:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=BacktestConfig.seed)
    ap.add_argument(
        "--data", type=Path, default=None, help="Maven data folder (default: <repo>/../shared/data/…)"
    )
    args = ap.parse_args(argv)

    data_dir = args.data or default_data_dir(Path(__file__).resolve().parents[1])
    if not (data_dir / "sales_pipeline.csv").exists():
        print(f"Maven data not found in {data_dir}", file=sys.stderr)
        return 2
    maven = load_maven(data_dir)
    opps = maven.opportunities
    events = maven_stage_events(opps)
    cfg = BacktestConfig(n_draws=args.draws, seed=args.seed)

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    result = run_backtest(opps, events, cfg)
    secs = time.perf_counter() - t0
    load_after = os.getloadavg()
    errors = forecast_errors(result.forecasts, result.actuals, on=KEYS)
    bookings = errors.filter(pl.col("scope") == "bookings")
    selected = walk_forward_selection(
        bookings, candidates=CANDIDATES, fallback=FALLBACK, last_periods=RECORD_QUARTERS
    )
    errors = pl.concat([errors, selected.drop("chosen")], how="diagonal_relaxed")
    snaps = result.forecasts["snapshot_date"]

    print("# Forecast back-test on the Maven CRM data set\n")
    print(f"- run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, `{' '.join(['python', *sys.argv])}`")
    print(f"- data: {data_dir}")
    print(
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}, Polars {pl.__version__}; load average (1/5/15 min) "
        f"{' '.join(f'{x:.2f}' for x in load_before)} before, {' '.join(f'{x:.2f}' for x in load_after)} after"
    )
    print(
        f"- snapshots: {snaps.n_unique()} Sundays {snaps.min()} … {snaps.max()}; draws per Monte Carlo: "
        f"{cfg.n_draws}; seed {cfg.seed}; wall time {secs:.1f} s"
    )
    print(f"- config: {cfg}")
    print(
        f"- selection: candidates {', '.join(CANDIDATES)}; before any track record: {' then '.join(FALLBACK)}\n"
    )
    print("## Like for like: every method forecasts all bookings, from the same information\n")
    print(overall_table(errors, LIKE_FOR_LIKE, scopes=("bookings",)))
    print("\n## The same, on the snapshots where every method forecast (seasonal naive needs history)\n")
    print(common_table(errors))
    print("\n## Walk-forward selection: the method used at each snapshot\n")
    print(selection_table(selected))
    print("\n## Walk-forward selection with another method before any track record\n")
    print(fallback_table(bookings))
    print("\n## Methods that only weigh the deals open at the snapshot (not comparable on bookings)\n")
    print(overall_table(errors, PIPELINE_ONLY, scopes=("bookings",)))
    print("\n## Pipeline scope: revenue from deals open at the snapshot only\n")
    print(overall_table(errors, scopes=("pipeline",)))
    for target in ["next_quarter", "current_rest"]:
        for scope in ["bookings", "pipeline"]:
            print(f"\n## By horizon: {target}, {scope}\n")
            print(horizon_table(errors, target, scope))
    print("\n## Bookings error split: deals open at the snapshot vs deals created later\n")
    print(decomposition_table(errors))
    print("\n## Monte Carlo interval calibration\n")
    print(coverage_table(errors))
    print("\n## Best fixed probability in hindsight (not a method: it peeks at the outcomes)\n")
    print(hindsight_sweep(errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
