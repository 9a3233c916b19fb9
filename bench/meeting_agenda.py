"""Benchmark: generating a sales–marketing meeting's agenda from live data.

    HAMSU_DATABASE_URL=postgres://…/hamsu_large .venv/bin/python bench/meeting_agenda.py --runs 10
    HAMSU_DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/meeting_agenda.py --runs 10

Run against a loaded demo company (``hamsu demo --no-serve --scale large``). Times
``build_agenda`` for the company-wide meeting series and for one team's series (the
demo generates both), in-process: every query and the Python that shapes the agenda.
Read-only. Target (issue 7): under 1 s with the large demo company.
docs/benchmarks/collaboration.md records runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hamsu.collaboration.agenda import build_agenda  # noqa: E402
from hamsu.collaboration.models import Meeting  # noqa: E402
from hamsu.crm.models import Opportunity, StageEvent  # noqa: E402


def _meetings() -> list[tuple[str, Meeting]]:
    chosen = []
    company = Meeting.objects.filter(series__team__isnull=True).order_by("-starts_at").first()
    if company:
        chosen.append(("company-wide series", company))
    team = Meeting.objects.filter(series__team__isnull=False).order_by("-starts_at").first()
    if team:
        chosen.append((f"team series ({team.series.team})", team))
    if not chosen:
        raise SystemExit("No meetings in this database: generate the demo company first.")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"opportunities: {Opportunity.objects.count():,}  stage events: {StageEvent.objects.count():,}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; runs: {args.runs}")
    print(f"{'meeting':40} {'p50 s':>8} {'p95 s':>8} {'max s':>8} {'queries':>8}")
    for label, meeting in _meetings():
        build_agenda(meeting=meeting)  # warm the caches a real server has warm
        timings = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                agenda = build_agenda(meeting=meeting)
                timings.append(time.perf_counter() - started)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        print(
            f"{label[:40]:40} {statistics.median(timings):8.3f} {p95:8.3f} {timings[-1]:8.3f} "
            f"{len(queries.captured_queries):8d}"
        )
        print(
            f"  big deals {agenda['big_deals']['count']}, at risk {agenda['at_risk']['count']}, "
            f"open actions {len(agenda['open_actions'].get('items', []))}"
        )


if __name__ == "__main__":
    main()
