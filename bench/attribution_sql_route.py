"""In-database path aggregation vs the Python (Polars) route, on the demo company's data.

    .venv/bin/python bench/attribution_sql_route.py [--scale small|medium|large] [--seed 42]
        [--repeat 3] [--db PATH]

Generates the demo company (CRM history + campaigns, spend and touchpoints; the other
apps' demo data is skipped) into a fresh SQLite file, then times, for revenue and
pipeline at channel and campaign level with a 180-day lookback:

- python: ``journey_frame`` (fetch counted touches and deals, join and window in Polars)
  then ``aggregate_journeys(...).paths`` — what the attribution page does;
- sql: ``paths_in_database`` (a temporary view over the app's tables, the library's
  ``aggregate_paths_sql`` inside SQLite; only unique paths come back).

Both must produce identical unique paths; the script fails loudly if they do not.
Figures go to stdout as a Markdown table (docs/benchmarks/campaigns.md records them).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path


def _setup(db: Path) -> None:
    os.environ["HAMSU_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
    import django

    django.setup()


def _best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def _canonical(paths) -> list[tuple]:
    return sorted(
        (tuple(row["path"]), round(row["conversions"], 6), round(row["value"], 2), round(row["nulls"], 6))
        for row in paths.to_frame().iter_rows(named=True)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["tiny", "small", "medium", "large"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", type=Path, default=None, help="reuse an existing demo database")
    args = parser.parse_args()

    fresh = args.db is None or not args.db.exists()
    db = args.db or Path(tempfile.mkdtemp()) / "bench.sqlite3"
    _setup(db)

    from django.core.management import call_command

    from hamsu.analytics.attribution import aggregate_journeys
    from hamsu.campaigns.journeys import journey_frame
    from hamsu.campaigns.models import Touchpoint
    from hamsu.campaigns.sql_route import paths_in_database
    from hamsu.crm.models import Opportunity
    from hamsu.demo import generator

    if fresh:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        generator.EXTENSION_APPS = ["campaigns"]
        generator.generate(scale=args.scale, seed=args.seed, progress=lambda *_: None)
        print(
            f"generated {args.scale} demo in {time.perf_counter() - started:.1f} s into {db}", file=sys.stderr
        )

    deals = Opportunity.objects.count()
    touches = Touchpoint.objects.count()
    print(f"# attribution path aggregation: SQLite in-database vs Python route ({args.scale})\n")
    print(f"- deals: {deals:,}; touchpoints: {touches:,}; lookback 180 days; best of {args.repeat}")
    print(
        f"- {platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}\n"
    )
    print(
        "| measure | level | journeys | unique paths | python: fetch+join | python: aggregate | python total | sql total | same paths |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    all_same = True
    for measure in ("revenue", "pipeline"):
        for level in ("channel", "campaign"):
            fetch_times, agg_times, totals = [], [], []
            python_paths = None
            frame = None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                frame = journey_frame(measure=measure, level=level, lookback_days=180)
                t1 = time.perf_counter()
                journeys = aggregate_journeys(frame.frame)
                python_paths = journeys.paths
                t2 = time.perf_counter()
                fetch_times.append(t1 - t0)
                agg_times.append(t2 - t1)
                totals.append(t2 - t0)
            sql_time, sql_paths = _best(
                lambda m=measure, lv=level: paths_in_database(measure=m, level=lv, lookback_days=180),
                args.repeat,
            )
            same = _canonical(python_paths) == _canonical(sql_paths)
            all_same &= same
            print(
                f"| {measure} | {level} | {frame.deals_touched:,} | {python_paths.n_paths:,} | "
                f"{min(fetch_times):.2f} s | {min(agg_times):.2f} s | {min(totals):.2f} s | {sql_time:.2f} s | "
                f"{'yes' if same else 'NO'} |"
            )
    return 0 if all_same else 1


if __name__ == "__main__":
    sys.exit(main())
