"""Back-test the product's forecast methods on a company's own database (e.g. the demo company).

Usage:
    HAMSU_DATABASE_URL=... .venv/bin/python bench/forecast_company.py [--weeks 78]
        [--until YYYY-MM-DD] [--keep]

Runs exactly what the weekly job runs — ``jobs.backfill`` (every candidate method's
snapshot of this quarter and the next at each past Sunday, each knowing only that
week's history) and ``forecast_selection.track_record_refresh`` — then prints, as
Markdown: every candidate's WAPE and bias on the last ended quarters (like for like: the
same snapshots), the record the forecast page shows, and walk-forward selection (at each
snapshot, the method with the best record on the quarters ended by then). The snapshots
are rolled back at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time

import django


class _Rollback(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--weeks", type=int, default=78, help="Sundays to back-fill (default 78: a year and a half)"
    )
    ap.add_argument("--until", type=dt.date.fromisoformat, default=None, help="last day (default today)")
    ap.add_argument("--keep", action="store_true", help="keep the snapshots and records written")
    args = ap.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
    django.setup()
    import polars as pl
    from django.db import connection, transaction
    from django.utils import timezone

    from hamsu.analytics.forecasting.selection import (
        select_method,
        summarise_selection,
        walk_forward_selection,
    )
    from hamsu.scorecard import forecast_selection as fs
    from hamsu.scorecard import forecasts, jobs
    from hamsu.scorecard.models import ForecastTrackRecord

    until = args.until or timezone.localdate()
    # A quarter counts as ended once its last day is before the day after ``until``.
    today = until + dt.timedelta(days=1)
    load_before = os.getloadavg()
    started = time.perf_counter()
    try:
        with transaction.atomic():
            written = jobs.backfill(weeks=args.weeks, until=until, products=False)
            history = forecasts.load_history()
            fs.track_record_refresh(history=history, today=today)
            errors = fs.scored_snapshots(history, today=today, quarters=None)
            stored = list(ForecastTrackRecord.objects.all())
            if not args.keep:
                raise _Rollback
    except _Rollback:
        pass
    secs = time.perf_counter() - started
    load_after = os.getloadavg()

    print(
        f"# Forecast methods back-tested on {connection.vendor} database {connection.settings_dict['NAME']}\n"
    )
    print(f"- run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, `{' '.join(['python', *sys.argv])}`")
    print(
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average {' '.join(f'{x:.2f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} after"
    )
    print(
        f"- {args.weeks} Sundays up to {until}, {written} snapshot rows; "
        f"wall time {secs:.1f} s; scored: the last {fs.RECORD_QUARTERS} ended quarters"
    )
    print(
        f"- candidates (simplest first): {', '.join(fs.CANDIDATES)}; fallbacks: {', '.join(fs.FALLBACKS)}\n"
    )
    print("## Like for like: every candidate on the same snapshots (what the forecast page shows)\n")
    print("| target | method | n | WAPE | bias | horizon (weeks) | compared | selected |")
    print("|---|---|---:|---:|---:|---|---|---|")
    for r in sorted(stored, key=lambda r: (r.target != "next_quarter", fs.CANDIDATES.index(r.method))):
        wape = "–" if r.wape is None else f"{r.wape:.3f}"
        bias = "–" if r.bias is None else f"{r.bias:+.3f}"
        print(
            f"| {r.target} | {r.method} | {r.n} | {wape} | {bias} | {r.horizon_min_weeks}–{r.horizon_max_weeks} "
            f"| {'yes' if r.compared else 'no'} | {'**yes**' if r.selected else ''} |"
        )
    periods = ", ".join(errors.select("period", "period_end").unique().sort("period_end")["period"].to_list())
    print(
        f"\nQuarters with snapshots that had ended: {periods} (the record above: the last {fs.RECORD_QUARTERS}).\n"
    )
    print("## Each method on all of its own snapshots of those quarters\n")
    print("| target | method | n | WAPE | bias |")
    print("|---|---|---:|---:|---:|")
    for target in ["next_quarter", "current_rest"]:
        part = errors.filter(pl.col("target") == target)
        for m in fs.CANDIDATES:
            rows = part.filter(pl.col("method") == m)
            if rows.height:
                one = select_method(rows, candidates=[m], min_n=1).records.row(0, named=True)
                print(f"| {target} | {m} | {one['n']} | {one['wape']:.3f} | {one['bias']:+.3f} |")
    fallbacks = [fs.FALLBACKS, *fs.CANDIDATES]
    print("\n## Walk-forward selection (choosing only from the quarters ended by each snapshot)\n")
    print(
        "The first rows use the product's fallback; the others show what another fallback would have done.\n"
    )
    print("| method before any record | target | n | WAPE | bias | methods used (snapshots) |")
    print("|---|---|---:|---:|---:|---|")
    for fallback in fallbacks:
        selected = walk_forward_selection(
            errors,
            candidates=fs.CANDIDATES,
            fallback=fallback,
            min_n=fs.MIN_FORECASTS,
            last_periods=fs.RECORD_QUARTERS,
        )
        for r in summarise_selection(selected).sort("target", descending=True).iter_rows(named=True):
            used = ", ".join(f"{u['chosen']} ({u['count']})" for u in r["used"])
            name = fallback if isinstance(fallback, str) else " then ".join(fallback) + " (the product's)"
            print(f"| {name} | {r['target']} | {r['n']} | {r['wape']:.3f} | {r['bias']:+.3f} | {used} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
