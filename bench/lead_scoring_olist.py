"""Benchmark: predictive lead scoring vs Odoo-style naive Bayes vs rule points.

Time-ordered holdout (train on the earliest 75% of leads, test on the rest); prints
AUC (with a 95% bootstrap interval and the paired interval of the model's AUC minus
each baseline's), lift at the top 10% and 20%, Brier score and timings.

    .venv/bin/python bench/lead_scoring_olist.py                       # Olist, both label views
    .venv/bin/python bench/lead_scoring_olist.py --format markdown     # table for docs/benchmarks
    .venv/bin/python bench/lead_scoring_olist.py --source csv --csv leads.csv \\
        --label won --time created_at --categorical source,industry --numeric employees

With ``--source csv`` any export works (e.g. the demo company's leads): a boolean or
0/1 label column (empty = still open, skipped), a time column and feature columns.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import sklearn

from hamsu.analytics.lead_scoring import (
    FeatureSpec,
    HoldoutReport,
    PointsSpec,
    default_scorers,
    evaluate_holdout,
)
from hamsu.analytics.lead_scoring.evaluation import PredictiveScorer, time_ordered_split
from hamsu.analytics.lead_scoring.olist import (
    LABEL,
    MARKETER_RULES,
    OLIST_FEATURES,
    TIME,
    default_data_dir,
    olist_frame,
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", choices=("olist", "csv"), default="olist")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="Olist directory (default: ../shared/data/...)"
    )
    parser.add_argument("--horizon-days", type=int, default=90, help="Olist censoring-aware label horizon")
    parser.add_argument("--csv", type=Path, help="with --source csv: the leads file")
    parser.add_argument("--label", default="won", help="with --source csv: won/lost column")
    parser.add_argument("--time", default="created_at", help="with --source csv: time column for the split")
    parser.add_argument("--categorical", default="", help="with --source csv: comma-separated columns")
    parser.add_argument("--numeric", default="", help="with --source csv: comma-separated columns")
    parser.add_argument("--rules", type=Path, help="with --source csv: PointsSpec JSON for the rule scorer")
    parser.add_argument(
        "--censor-days",
        type=int,
        default=0,
        help="with --source csv: drop test leads created in the last N days of the data (too little time to close)",
    )
    parser.add_argument("--train-fraction", type=float, default=0.75)
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap rounds for AUC intervals")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    return parser.parse_args(argv)


def _columns(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split(",") if c.strip())


def load_csv(args: argparse.Namespace) -> tuple[pl.DataFrame, FeatureSpec, PointsSpec | None]:
    """A generic leads export: label normalised to booleans, time parsed."""
    if args.csv is None:
        raise SystemExit("--source csv needs --csv PATH")
    frame = pl.read_csv(args.csv, try_parse_dates=True, infer_schema_length=10000)
    label = frame.get_column(args.label)
    if label.dtype != pl.Boolean:
        text = label.cast(pl.String).str.strip_chars().str.to_lowercase()
        mapping = {"1": True, "true": True, "won": True, "0": False, "false": False, "lost": False, "": None}
        label = text.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    frame = frame.with_columns(label.alias(args.label))
    features = FeatureSpec(
        categorical=_columns(args.categorical),
        numeric=_columns(args.numeric),
        dates=(args.time,),
        date_parts=("weekday",),
    )
    rules = PointsSpec.from_dict(json.loads(args.rules.read_text())) if args.rules else None
    return frame, features, rules


def run(
    name: str,
    frame: pl.DataFrame,
    label: str,
    time_column: str,
    features: FeatureSpec,
    rules: PointsSpec | None,
    args: argparse.Namespace,
) -> tuple[str, HoldoutReport, float, list[list[str]]]:
    """One holdout comparison plus example reasons for the best-scored test leads."""
    start = time.perf_counter()
    scorers = default_scorers(features, rules=rules)
    censor_after = None
    if args.source == "csv" and args.censor_days:
        censor_after = frame.get_column(time_column).max() - timedelta(days=args.censor_days)  # type: ignore[operator]
    report = evaluate_holdout(
        frame,
        label=label,
        time_column=time_column,
        scorers=scorers,
        train_fraction=args.train_fraction,
        censor_after=censor_after,
        bootstrap_rounds=args.bootstrap,
    )
    seconds = time.perf_counter() - start
    # the reasons a seller would read, for the three best-scored test leads
    predictive = scorers[0]
    examples: list[list[str]] = []
    if isinstance(predictive, PredictiveScorer) and predictive.model is not None:
        closed = frame.filter(pl.col(label).is_not_null())
        _, test, _ = time_ordered_split(closed, time_column, args.train_fraction)
        probabilities = predictive.model.predict_proba(test)
        top = test.with_columns(p=pl.Series(probabilities)).sort("p", descending=True).head(3)
        for explanation in predictive.model.explain(top.drop("p")):
            texts = [r.text for r in explanation.reasons[:3]]
            examples.append([f"p={explanation.probability:.2f}", *texts])
    return name, report, seconds, examples


def machine() -> str:
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"scikit-learn {sklearn.__version__}, Polars {pl.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    runs = []
    if args.source == "olist":
        data_dir = args.data_dir or default_data_dir()
        frame_all = olist_frame(data_dir)
        runs.append(
            run(
                "Olist, label = ever closed, all 8,000 MQLs",
                frame_all,
                LABEL,
                TIME,
                OLIST_FEATURES,
                MARKETER_RULES,
                args,
            )
        )
        frame_window = olist_frame(data_dir, horizon_days=args.horizon_days, within_deal_window=True)
        runs.append(
            run(
                f"Olist, label = closed within {args.horizon_days} days, MQLs inside the recorded deal period",
                frame_window,
                LABEL,
                TIME,
                OLIST_FEATURES,
                MARKETER_RULES,
                args,
            )
        )
    else:
        frame, features, rules = load_csv(args)
        runs.append(run(f"{args.csv}", frame, args.label, args.time, features, rules, args))

    command = "python " + " ".join(
        shlex.quote(a) for a in ["bench/lead_scoring_olist.py", *(argv if argv is not None else sys.argv[1:])]
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if args.format == "json":
        print(
            json.dumps(
                {
                    "date": stamp,
                    "machine": machine(),
                    "command": command,
                    "runs": [
                        {"name": n, "seconds": s, "report": r.to_dict(), "example_reasons": ex}
                        for n, r, s, ex in runs
                    ],
                },
                indent=2,
                default=str,
            )
        )
        return 0
    print(f"Date: {stamp}\nMachine: {machine()}\nCommand: {command}\n")
    for name, report, seconds, examples in runs:
        print(f"### {name}\n" if args.format == "markdown" else f"== {name}")
        print(report.to_markdown() if args.format == "markdown" else _text(report))
        print(f"\nWall time for the whole comparison (incl. bootstrap): {seconds:.1f} s")
        if examples:
            print("\nReasons shown for the three highest-scored test leads:")
            for example in examples:
                print(f"- {example[0]}: " + "; ".join(example[1:]))
        print()
    return 0


def _text(report: HoldoutReport) -> str:
    lines = [report.to_markdown().split("\n")[0], ""]
    lines.append(
        f"{'scorer':<46} {'AUC':>6} {'95% CI':>15} {'lift@10':>8} {'lift@20':>8} {'Brier':>8} {'slope':>6} {'fit s':>7}"
    )
    for r in report.results:
        ci = f"{r.auc_ci[0]:.3f}-{r.auc_ci[1]:.3f}" if r.auc_ci else "-"
        brier = f"{r.brier:.4f}" if r.brier is not None else "n/a"
        slope = f"{r.calibration_slope:.2f}" if r.calibration_slope is not None else "n/a"
        lines.append(
            f"{r.name:<46} {r.auc:>6.3f} {ci:>15} {r.lift_10:>8.2f} {r.lift_20:>8.2f} {brier:>8} {slope:>6} {r.fit_seconds:>7.2f}"
        )
        if r.auc_gap_to_first_ci:
            lo, hi = r.auc_gap_to_first_ci
            lines.append(f"{'':<4}model AUC minus this one, paired 95% CI: {lo:+.3f} to {hi:+.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
