"""Benchmark: server time of the opportunity list, its filtered/searched variants and the
pipeline board, on a loaded demo company (any database HAMSU_DATABASE_URL points to).

    HAMSU_DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/hamsu demo --no-serve --scale large
    HAMSU_DATABASE_URL=sqlite:////tmp/large.sqlite3 .venv/bin/python bench/list_pages.py --runs 30

Requests go through Django's test client in-process, so the time measured is the
server's (URL routing, middleware, queries, template rendering), not the network's.
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

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from hamsu.crm.models import Opportunity, StageEvent  # noqa: E402

PAGES = [
    ("list, newest first", "/crm/opportunities/"),
    ("list, by amount", "/crm/opportunities/?sort=-amount"),
    ("list, filter stage", "/crm/opportunities/?stage=negotiation"),
    ("list, filter team+segment", "/crm/opportunities/?team={team}&segment={segment}"),
    ("list, search name (word prefix)", "/crm/opportunities/?q=HAS+account+12345"),
    ("list, search rare word", "/crm/opportunities/?q=zzzz"),
    ("list, page 2 (cursor)", "{next_page}"),
    ("pipeline board", "/crm/pipeline/"),
    ("pipeline board, filter team", "/crm/pipeline/?team={team}"),
    ("pipeline board, filter segment", "/crm/pipeline/?segment={segment}"),
    ("pipeline board, search name", "/crm/pipeline/?q=HAS+account+12345"),
    ("API list", "/api/v1/opportunities?limit=50"),
    ("API list, filter stage", "/api/v1/opportunities?stage=decision&limit=50"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--user", default="head.sales", help="head.sales sees every record: the worst case")
    args = parser.parse_args()
    client = Client()
    assert client.login(username=args.user, password="hamsu-demo"), "load the demo company first"
    opp = Opportunity.objects.order_by("id").values("team_id", "segment_id").first()
    from django.contrib.auth import get_user_model

    from hamsu.crm.selectors import OpportunityFilters, opportunity_list

    user = get_user_model().objects.get(username=args.user)
    first = opportunity_list(user=user, filters=OpportunityFilters())
    fill = {
        "team": opp["team_id"],
        "segment": opp["segment_id"],
        "next_page": f"/crm/opportunities/?cursor={first.next_cursor}",
    }
    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    print(f"opportunities: {Opportunity.objects.count():,}  stage events: {StageEvent.objects.count():,}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; runs per page: {args.runs}"
    )
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for label, template in PAGES:
        url = template.format(**fill)
        client.get(url)  # warm caches once, as a running server would be
        timings = []
        for _ in range(args.runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
        print(f"{label:32} {statistics.median(timings):8.1f} {p95:8.1f} {timings[-1]:8.1f} {len(queries):8d}")


if __name__ == "__main__":
    main()
