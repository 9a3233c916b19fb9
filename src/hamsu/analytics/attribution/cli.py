"""``hamsu attribution FILE --model MODEL``: attribute a touchpoint or path file.

Exit codes: 0 on success, 2 on bad arguments or unusable input (with the reason on
stderr), like argparse itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta

from . import MODELS, attribute
from .errors import AttributionInputError
from .io import read_input


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hamsu attribution",
        description=(
            "Attribute conversions and value to channels. FILE is long-form touchpoints "
            "(CSV or Parquet: journey_id, ts, channel, converted, conversion_value; optional "
            "lead_created, opportunity_created flags for W-shaped) or a ChannelAttribution "
            "path CSV (path;total_conversions;total_conversion_value;total_null)."
        ),
    )
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--model", required=True, choices=MODELS)
    parser.add_argument("--order", type=int, choices=(1, 2, 3), help="Markov order (default 1)")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.add_argument(
        "--lookback-days", type=float, help="ignore touches older than this before the conversion"
    )
    parser.add_argument("--half-life-days", type=float, default=7.0, help="time_decay half-life (default 7)")
    parser.add_argument("--first-weight", type=float, default=0.4, help="position_based first touch (0.4)")
    parser.add_argument("--last-weight", type=float, default=0.4, help="position_based last touch (0.4)")
    parser.add_argument("--key", default="channel", help="column to attribute to, e.g. campaign")
    parser.add_argument("--journey", default="journey_id", help="journey column, e.g. account_id")
    parser.add_argument("--value-column", default="conversion_value", help="revenue or pipeline column")
    parser.add_argument("--samples", type=int, default=20_000, help="Shapley orderings beyond 15 channels")
    parser.add_argument("--seed", type=int, default=0, help="Shapley sampling seed")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors by exiting 2; return it instead
        return int(exc.code or 0)
    if args.order is not None and args.model != "markov":
        return _fail(parser, "--order applies to --model markov only")
    try:
        data = read_input(
            args.file,
            lookback=timedelta(days=args.lookback_days) if args.lookback_days is not None else None,
            journey=args.journey,
            key=args.key,
            value=args.value_column,
        )
        result = attribute(
            data,
            args.model,
            order=args.order or 1,
            first_weight=args.first_weight,
            last_weight=args.last_weight,
            half_life=timedelta(days=args.half_life_days),
            samples=args.samples,
            seed=args.seed,
        )
    except AttributionInputError as exc:
        return _fail(parser, str(exc))
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2))
    else:
        sys.stdout.write(result.to_frame().write_csv())
    return 0


def _fail(parser: argparse.ArgumentParser, message: str) -> int:
    print(f"{parser.prog}: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
