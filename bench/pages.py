"""Benchmark: server time of the slow report pages — the alignment round's PDF (English and
Persian) and the campaigns' closed loop — on a demo company (any database
HAMSU_DATABASE_URL points to).

    HAMSU_DATABASE_URL=sqlite:////tmp/small.sqlite3 .venv/bin/hamsu demo --no-serve --scale small
    HAMSU_DATABASE_URL=sqlite:////tmp/small.sqlite3 .venv/bin/python bench/pages.py --runs 30

Requests go through Django's test client in-process (routing, middleware, queries,
rendering; the PDF's bytes are read). The first request of each page is reported on its
own ("first"): it is the one a server process pays once (imports, fonts, caches filled),
the next ``--runs`` are the ones every user sees. ``--cold`` clears the cache before every
request instead, to time what a request costs when nothing is cached.

Each page's line gives wall-clock and CPU milliseconds (this process's CPU,
``time.process_time``, which is what to read on a loaded machine: the wall clock there
includes the time spent waiting for a core) at p50 and p95, and the queries per request.
PostgreSQL's own CPU is not in the process's CPU; its share shows as wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
os.environ.setdefault("HAMSU_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hamsu.alignment.models import Round  # noqa: E402


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[max(0, int(round(q * len(values))) - 1)]


def pages() -> list[tuple[str, str]]:
    round_ = Round.objects.order_by("-opens_at", "-pk").first()
    assert round_ is not None, (
        "the demo company has no alignment round: generate it with the alignment extension"
    )
    return [
        ("alignment PDF (English)", f"/alignment/rounds/{round_.pk}/report.pdf?lang=en"),
        ("alignment PDF (Persian)", f"/alignment/rounds/{round_.pk}/report.pdf?lang=fa"),
        ("closed loop", "/campaigns/closed-loop/"),
        ("closed loop, all time", "/campaigns/closed-loop/?since=&until="),
        ("closed loop, linear model", "/campaigns/closed-loop/?model=linear"),
    ]


def measure(client: Client, url: str, runs: int, cold: bool) -> dict:
    def one() -> tuple[float, float, int]:
        if cold:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code == 200, (url, response.status_code)
        assert body
        return wall * 1000, cpu * 1000, len(queries)

    first = one()
    walls, cpus, counts = [], [], []
    for _ in range(runs):
        wall, cpu, count = one()
        walls.append(wall)
        cpus.append(cpu)
        counts.append(count)
    return {
        "first_wall": first[0],
        "first_cpu": first[1],
        "wall_p50": statistics.median(walls),
        "wall_p95": _p(walls, 0.95),
        "cpu_p50": statistics.median(cpus),
        "cpu_p95": _p(cpus, 0.95),
        "queries": max(counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--user", default="cro")
    parser.add_argument("--only", default="", help="a part of the page names")
    parser.add_argument("--cold", action="store_true", help="clear the cache before every request")
    args = parser.parse_args()
    client = Client()
    assert client.login(username=args.user, password="hamsu-demo"), "load the demo company first"
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load average {load}; runs per page: {args.runs}")
    print(
        f"{'page':28} {'first wall':>10} {'first cpu':>9} {'wall p50':>9} {'wall p95':>9} "
        f"{'cpu p50':>8} {'cpu p95':>8} {'queries':>8}   (ms)"
    )
    for label, url in pages():
        if args.only and args.only.lower() not in label.lower():
            continue
        r = measure(client, url, args.runs, args.cold)
        print(
            f"{label:28} {r['first_wall']:10.0f} {r['first_cpu']:9.0f} {r['wall_p50']:9.0f} "
            f"{r['wall_p95']:9.0f} {r['cpu_p50']:8.0f} {r['cpu_p95']:8.0f} {r['queries']:8d}"
        )
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load average {load}")


if __name__ == "__main__":
    main()
