"""``hamsu diagnostic score FILE [--format text|json]``: score a response CSV.

The file has columns ``respondent,function,s1,...,s20`` (UTF-8, a byte-order mark is
fine). Output: the company total and its relationship type, the mean total per
function and the per-statement gap sales minus marketing. Bad input exits with code 2
and a message naming the line and column, so the owner can fix the file.

All function groups are shown, however small: whoever runs this holds the raw file
and sees every answer already; small-group suppression is for shared views (see
:func:`hamsu.analytics.diagnostic.scoring.suppress_small_groups`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from hamsu.analytics.diagnostic.responses import DiagnosticInputError
from hamsu.analytics.diagnostic.scoring import (
    LARGE_GAP_POINTS,
    SIGNIFICANCE_LEVEL,
    DiagnosticResult,
    band,
    score_csv_text,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; separate so the ``hamsu`` command can embed it."""
    parser = argparse.ArgumentParser(
        prog="hamsu diagnostic",
        description="Sales-marketing alignment diagnostic (20 statements rated 1-5).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    score = sub.add_parser(
        "score",
        help="score a CSV of responses (respondent,function,s1..s20)",
        description="Score a CSV of responses: total, relationship, per-function means, gaps.",
    )
    score.add_argument("file", type=Path, help="CSV file with columns respondent,function,s1,...,s20")
    score.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    score.add_argument(
        "--detail",
        action="store_true",
        help="with --format json: add a 'details' object (interval, p-values, matrix, warnings)",
    )
    return parser


def _fmt_signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


def render_text(result: DiagnosticResult) -> str:
    """Human-readable report; numbers rounded for reading, JSON keeps full precision."""
    lines: list[str] = []
    ci = result.confidence_interval
    ci_text = f" (95% CI {ci.low:.1f} to {ci.high:.1f})" if ci else " (one respondent: no interval)"
    lines.append(f"Respondents scored: {result.n_respondents}")
    lines.append(f"Total: {result.total:.1f}{ci_text}")
    lines.append(f"Relationship: {result.relationship.value}")
    lines.append("")
    lines.append("By function (mean total):")
    width = max(len(name) for name in result.by_function)
    for name, mean in result.by_function.items():
        n = result.n_by_function[name]
        shown = "suppressed" if mean is None else f"{mean:5.1f}  {band(mean).value}"
        lines.append(f"  {name:<{width}}  n={n:<3} {shown}")
    lines.append("")
    lines.append("Perception gap per statement (sales mean - marketing mean):")
    if all(g.gap is None for g in result.gaps.values()):
        lines.append("  n/a: the file needs respondents from both sales and marketing")
    else:
        for statement, gap in result.gaps.items():
            p = "" if gap.p_value is None else f"  p={gap.p_value:.3f}"
            flag = "  <- large and meaningful" if gap.large_and_meaningful else ""
            lines.append(f"  {statement:<4} {_fmt_signed(gap.gap):>6}{p}{flag}")
        lines.append(
            f"  (flagged when |gap| >= {LARGE_GAP_POINTS:g} point and Welch's t-test p < {SIGNIFICANCE_LEVEL:g})"
        )
    if result.warnings:
        lines.append("")
        lines.extend(f"warning: {w}" for w in result.warnings)
    return "\n".join(lines) + "\n"


def _read_text(path: Path) -> str:
    """Read the file as UTF-8, dropping a BOM; errors become DiagnosticInputError."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise DiagnosticInputError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise DiagnosticInputError([f"{path}: is a directory, not a CSV file"]) from None
    except UnicodeDecodeError as exc:
        raise DiagnosticInputError(
            [f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8 CSV"]
        ) from None


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code instead of exiting, so callers can embed it."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and usage errors (2)
        return int(exc.code or 0)
    try:
        result = score_csv_text(_read_text(args.file))
    except DiagnosticInputError as exc:
        print(f"hamsu diagnostic: error: cannot score {args.file}:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    output = (
        json.dumps(result.to_dict(detail=args.detail), ensure_ascii=False, indent=2) + "\n"
        if args.format == "json"
        else render_text(result)
    )
    try:
        sys.stdout.write(output)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover - manual use: python -m hamsu.analytics.diagnostic.cli
    raise SystemExit(main())
