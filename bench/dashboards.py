"""Benchmark: server time of every scorecard dashboard, and how fast the aggregates refresh,
on a loaded demo company (any database HAMSU_DATABASE_URL points to).

    HAMSU_DATABASE_URL=sqlite:////tmp/medium.sqlite3 .venv/bin/hamsu demo --no-serve --scale medium
    HAMSU_DATABASE_URL=sqlite:////tmp/medium.sqlite3 .venv/bin/python bench/dashboards.py --runs 20

Requests go through Django's test client in-process (server time: routing, middleware,
queries, rendering). The refresh part WRITES to the database it is pointed at: it rebuilds
the aggregates from the whole log except its last ``--new-events`` events (1,000,000 by
default) and times that, times the incremental fill that folds those events in, then
moves ``--moves`` open deals one stage through the CRM service (real new events) and
times their fill, appends ``--deal-events`` next-stage events of open deals in bulk and
times their fill (then removes them again), and finally times a full rebuild from empty. For contrast it also times
the same figure (won revenue of the quarter) computed by scanning the deals.
``--refresh-first`` builds the aggregates before timing the pages (a fresh demo database
generated without the scorecard extension has none).
Figures go to stdout; docs/benchmarks/scorecard.md records them.
"""

from __future__ import annotations

import argparse
import datetime
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
from django.db.models import Count, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from hamsu.crm import services as crm  # noqa: E402
from hamsu.crm.models import Opportunity, StageEvent  # noqa: E402
from hamsu.crm.stages import OPEN_STAGES  # noqa: E402
from hamsu.scorecard import aggregates, selectors  # noqa: E402
from hamsu.scorecard.models import FunnelMonthRollup, FunnelMonthStat, SellerMonthStat  # noqa: E402

PAGES = [
    ("the number (dashboard)", "/scorecard/"),
    ("dashboard, filter team", "/scorecard/?team={team}"),
    ("dashboard, filter segment+product", "/scorecard/?segment={segment}&product={product}"),
    ("dashboard, a year", "/scorecard/?period={year}"),
    ("funnel + velocity trends", "/scorecard/funnel/"),
    ("scorecards (all metrics)", "/scorecard/metrics/"),
    ("scorecards (all metrics), a year", "/scorecard/metrics/?period={year}"),
    ("a seller's scorecard", "/scorecard/metrics/?owner={owner}"),
    ("forecast + accuracy", "/scorecard/forecast/"),
    ("targets", "/scorecard/targets/"),
    ("funnel plan", "/scorecard/plans/"),
    ("export: number (XLSX)", "/scorecard/?export=xlsx&table=number"),
    ("API metrics", "/api/v1/scorecard/metrics"),
    ("API forecast accuracy", "/api/v1/scorecard/forecast/accuracy"),
]


def _p95(timings: list[float]) -> float:
    timings = sorted(timings)
    return timings[max(0, int(round(0.95 * len(timings))) - 1)]


def pages(client: Client, runs: int) -> None:
    opp = Opportunity.objects.order_by("id").values("team_id", "segment_id", "product_id", "owner_id").first()
    period = selectors.current_period()
    fill = {
        "team": opp["team_id"],
        "segment": opp["segment_id"],
        "product": opp["product_id"],
        "owner": opp["owner_id"],
        "year": str(period.year),
    }
    print(f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for label, template in PAGES:
        url = template.format(**fill)
        client.get(url)  # warm caches once, as a running server would be
        timings = []
        for _i in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{label:36} {statistics.median(timings):8.1f} {_p95(timings):8.1f} {max(timings):8.1f} {len(queries):8d}"
        )


SYNTHETIC = "bench-synth"


def _append_deal_events(count: int) -> int:
    """Append ``count`` moves of open deals: each moves to the next stage and back, again and
    again (a deal slipping between two stages), so a large log needs no more open deals
    than the demo has. Every move is a full fold: a stay ends, the open pipeline moves,
    and the first move forward reaches a new stage."""
    opens = [s.value for s in OPEN_STAGES]
    deals = list(Opportunity.objects.filter(stage__in=opens).values_list("id", "stage"))
    per_deal = -(-count // max(len(deals), 1))
    now = timezone.now()
    written = 0
    batch: list[StageEvent] = []
    for deal_id, stage in deals:
        i = opens.index(stage)
        other = opens[i + 1] if i + 1 < len(opens) else opens[i - 1]
        here = stage
        moves = min(per_deal, count - written)
        for step in range(moves):
            there = other if here == stage else stage
            batch.append(
                StageEvent(
                    object_type="opportunity",
                    object_id=deal_id,
                    opportunity_id=deal_id,
                    from_stage=here,
                    to_stage=there,
                    at=now + datetime.timedelta(minutes=step),
                    via=SYNTHETIC,
                )
            )
            here = there
        written += moves
        if len(batch) >= 50_000:
            StageEvent.objects.bulk_create(batch, batch_size=10_000)
            batch = []
        if written >= count:
            break
    StageEvent.objects.bulk_create(batch, batch_size=10_000)
    return written


def refresh(moves: int, new_events: int, deal_events: int) -> None:
    # 1. Full rebuild, but stopping ``new_events`` short of the end of the log …
    last_id = StageEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    cut = (
        StageEvent.objects.filter(id__lte=last_id)
        .order_by("-id")
        .values_list("id", flat=True)[new_events : new_events + 1]
    )
    cut_id = cut[0] if cut else 0
    started = time.perf_counter()
    folded = aggregates.rebuild(upto_id=cut_id)
    took = time.perf_counter() - started
    print(
        f"full rebuild up to event {cut_id:,}: {folded:,} events in {took:8.1f} s ({folded / took:,.0f} events/s)"
    )
    # 2. … so that the incremental fill has exactly that many new events to fold in.
    kinds = dict(
        StageEvent.objects.filter(id__gt=cut_id).values_list("object_type").annotate(n=Count("id")).order_by()
    )
    started = time.perf_counter()
    folded = aggregates.fill()
    took = time.perf_counter() - started
    print(f"incremental fill of {folded:,} new events {kinds}: {took:8.1f} s ({folded / took:,.0f} events/s)")
    started = time.perf_counter()
    aggregates.fill()
    print(f"fill with nothing new:            {(time.perf_counter() - started) * 1000:8.1f} ms")
    # 3. Deals moved through the CRM service (real new opportunity events) fold in too.
    order = [s.value for s in OPEN_STAGES]
    deals = list(Opportunity.objects.filter(stage__in=order[:-1]).order_by("-id")[:moves])
    for deal in deals:
        crm.opportunity_move_stage(
            opportunity=deal, to_stage=order[order.index(deal.stage) + 1], actor=None, via="bench"
        )
    started = time.perf_counter()
    folded = aggregates.fill()
    took = time.perf_counter() - started
    print(f"incremental fill of {folded:,} deal moves: {took * 1000:8.1f} ms ({folded / took:,.0f} events/s)")
    # 4. A million new *deal* events. The demo's log ends with lead events, which fold
    # faster than deal events (a deal event carries amounts, dimensions and the open
    # pipeline), so step 2 alone would flatter the fill. Append open deals' next-stage
    # moves in bulk, as a busy CRM or an import would, fold them, then take them out of
    # the log again (raw SQL: the ORM refuses to delete from the append-only log; this
    # benchmark runs on a copy) — step 5's rebuild then starts from the real log.
    if deal_events:
        appended = _append_deal_events(deal_events)
        started = time.perf_counter()
        folded = aggregates.fill()
        took = time.perf_counter() - started
        print(
            f"incremental fill of {folded:,} new deal events ({appended:,} appended): "
            f"{took:8.1f} s ({folded / took:,.0f} events/s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {StageEvent._meta.db_table} WHERE via = %s", [SYNTHETIC])
    # 5. The whole log again, from empty.
    started = time.perf_counter()
    folded = aggregates.rebuild()
    took = time.perf_counter() - started
    print(f"full rebuild of {folded:,} events:   {took:8.1f} s ({folded / took:,.0f} events/s)")
    print(
        f"aggregate rows: funnel {FunnelMonthStat.objects.count():,}, "
        f"roll-up {FunnelMonthRollup.objects.count():,}, seller {SellerMonthStat.objects.count():,}"
    )
    period = selectors.current_period().previous()
    started = time.perf_counter()
    from_aggregates = selectors.stage_totals(selectors.Filters(period=period))["won"]["reached_amount"]
    agg_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    direct = Opportunity.objects.filter(
        stage="won", closed_at__date__gte=period.start, closed_at__date__lte=period.end
    ).aggregate(total=Sum("amount_base"))["total"]
    scan_ms = (time.perf_counter() - started) * 1000
    print(
        f"won revenue {period.key}: aggregates {agg_ms:.1f} ms = {from_aggregates:,.2f}; "
        f"scanning deals {scan_ms:.1f} ms = {direct or 0:,.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--moves", type=int, default=1000, help="open deals to move one stage before the incremental fill"
    )
    parser.add_argument(
        "--new-events",
        type=int,
        default=1_000_000,
        help="events left out of the rebuild for the incremental fill",
    )
    parser.add_argument(
        "--deal-events",
        type=int,
        default=1_000_000,
        help="next-stage events of open deals appended for a second incremental fill (0: skip)",
    )
    parser.add_argument("--user", default="head.sales", help="head.sales sees every record: the worst case")
    parser.add_argument("--skip-refresh", action="store_true")
    parser.add_argument(
        "--refresh-first", action="store_true", help="build the aggregates before timing pages"
    )
    args = parser.parse_args()
    client = Client()
    assert client.login(username=args.user, password="hamsu-demo"), "load the demo company first"
    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    print(f"opportunities: {Opportunity.objects.count():,}  stage events: {StageEvent.objects.count():,}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; runs per page: {args.runs}"
    )
    if args.refresh_first and not args.skip_refresh:
        refresh(args.moves, args.new_events, args.deal_events)
    pages(client, args.runs)
    if not args.refresh_first and not args.skip_refresh:
        refresh(args.moves, args.new_events, args.deal_events)


if __name__ == "__main__":
    main()
