"""Benchmarks for lead capture and the SLA checker (figures in docs/benchmarks/funnel.md).

Run against a real server and database (PostgreSQL in production):

    export HAMSU_DATABASE_URL=postgres://postgres@localhost:5433/hamsu_bench
    .venv/bin/hamsu migrate
    .venv/bin/python bench/lead_capture.py setup                  # form + bulk token, printed as JSON
    .venv/bin/python -m gunicorn hamsu.wsgi:application -b 127.0.0.1:8800 -w 4 --threads 4 &
    .venv/bin/python bench/lead_capture.py capture --url http://127.0.0.1:8800 --seconds 60 --threads 64
    .venv/bin/python bench/lead_capture.py bulk --url http://127.0.0.1:8800 --batches 10 --size 5000
    .venv/bin/python bench/lead_capture.py sigkill --captures 100000 --threads 32   # starts/kills gunicorn itself
    .venv/bin/python bench/lead_capture.py sla --handoffs 100000

``capture`` sends single captures as fast as ``--threads`` clients can (closed loop; use
``--rate`` for an open-loop target) and reports throughput and latency percentiles.
``sigkill`` sends captures with Idempotency-Key and client retries, SIGKILLs the gunicorn
master and workers at random moments, restarts it, and counts leads at the end: every
acknowledged or retried capture must exist exactly once. ``sla`` creates open handoffs
whose deadlines fall during the run and measures how long after its deadline each breach
is escalated by ``sla_check`` running in a loop.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _django():
    import django

    django.setup()


# ---------------------------------------------------------------- setup


def setup(args) -> dict:
    _django()
    from django.contrib.auth import get_user_model

    from hamsu.api.services import token_create
    from hamsu.core.roles import HEAD_OF_MARKETING, sync_role_groups
    from hamsu.funnel.models import CaptureForm

    sync_role_groups()
    form, _created = CaptureForm.objects.get_or_create(
        name="Benchmark form",
        defaults={"rate_limit_per_minute": 10_000_000, "allowed_origins": ["https://bench.example"]},
    )
    User = get_user_model()
    user, _created = User.objects.get_or_create(username="bench.marketing")
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=HEAD_OF_MARKETING))
    _token, raw = token_create(user=user, name=f"bench {uuid.uuid4().hex[:6]}", via="cli")
    info = {"form_key": form.key, "token": raw}
    with open(os.path.join("/tmp", "hamsu_bench_capture.json"), "w") as handle:
        json.dump(info, handle)
    print(json.dumps(info))
    return info


def _info() -> dict:
    with open(os.path.join("/tmp", "hamsu_bench_capture.json")) as handle:
        return json.load(handle)


# ---------------------------------------------------------------- HTTP client


class Client:
    """One keep-alive connection per thread (stdlib only, so the bench needs nothing extra)."""

    def __init__(self, url: str):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.conn = None

    def post(
        self, path: str, body: dict, headers: dict | None = None, timeout: float = 10.0
    ) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        data = json.dumps(body).encode()
        try:
            self.conn.request(
                "POST", path, body=data, headers={"Content-Type": "application/json", **(headers or {})}
            )
            response = self.conn.getresponse()
            return response.status, response.read()
        except Exception:
            self.conn.close()
            self.conn = None
            raise


def _lead(i: int, run: str) -> dict:
    company = i % 5000
    return {
        "email": f"lead{i}.{run}@company{company}.bench.example",
        "first_name": "Bench",
        "last_name": f"Lead {i}",
        "company": f"Company {company}",
        "country": random.choice(["IR", "AE", "DE", "TR"]),
        "employees": random.choice([12, 80, 600, 9000]),
        "touch_kind": random.choice(["form_fill", "webinar", "content_download"]),
    }


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)

    def at(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return {
        "p50_ms": round(at(50), 1),
        "p95_ms": round(at(95), 1),
        "p99_ms": round(at(99), 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


# ---------------------------------------------------------------- single captures


def capture(args) -> dict:
    info = _info()
    path = f"/api/v1/funnel/capture/{info['form_key']}"
    run = uuid.uuid4().hex[:8]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(10**9))
    lock = threading.Lock()
    deadline = time.perf_counter() + args.seconds
    interval = args.threads / args.rate if args.rate else 0.0

    def worker():
        client = Client(args.url)
        next_at = time.perf_counter()
        while time.perf_counter() < deadline:
            if interval:
                next_at += interval
                pause = next_at - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
            with lock:
                i = next(counter)
            started = time.perf_counter()
            try:
                status, _body = client.post(path, _lead(i, run), {"Idempotency-Key": f"{run}-{i}"})
            except Exception as error:  # noqa: BLE001 - counted, not fatal
                status = type(error).__name__
            elapsed = time.perf_counter() - started
            with lock:
                if status in (200, 201):
                    latencies.append(elapsed)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    result = {
        "test": "capture",
        "threads": args.threads,
        "seconds": round(wall, 1),
        "captured": len(latencies),
        "per_second": round(len(latencies) / wall, 1),
        "errors": errors,
        **_percentiles(latencies),
    }
    print(json.dumps(result))
    return result


# ---------------------------------------------------------------- bulk


def bulk(args) -> dict:
    info = _info()
    client = Client(args.url)
    run = uuid.uuid4().hex[:8]
    accepted, times = 0, []
    started = time.perf_counter()
    for b in range(args.batches):
        leads = [_lead(b * args.size + i, run) for i in range(args.size)]
        t0 = time.perf_counter()
        status, body = client.post(
            "/api/v1/funnel/capture-batches",
            {"leads": leads},
            {"Authorization": f"Bearer {info['token']}", "Idempotency-Key": f"{run}-{b}"},
            timeout=120,
        )
        times.append(time.perf_counter() - t0)
        if status in (200, 202):
            accepted += args.size
        else:
            print("batch failed", status, body[:300], file=sys.stderr)
    wall = time.perf_counter() - started
    result = {
        "test": "bulk (accepted durably)",
        "batches": args.batches,
        "size": args.size,
        "leads_per_second": round(accepted / wall, 1),
        "seconds": round(wall, 2),
        **_percentiles(times),
    }
    print(json.dumps(result))
    return result


# ---------------------------------------------------------------- SIGKILL


def _start_server(bind: str, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hamsu.wsgi:application",
            "-b",
            bind,
            "-w",
            str(workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        start_new_session=True,
    )


def _kill(proc: subprocess.Popen) -> None:
    # The whole process group, master and workers, with no chance to clean up.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def sigkill(args) -> dict:
    _django()
    from hamsu.funnel.models import Lead

    info = _info()
    bind = "127.0.0.1:8810"
    url = f"http://{bind}"
    path = f"/api/v1/funnel/capture/{info['form_key']}"
    run = uuid.uuid4().hex[:8]
    server = {"proc": _start_server(bind, args.workers)}
    time.sleep(3)
    todo = list(range(args.captures))
    lock = threading.Lock()
    acknowledged: set[int] = set()
    retries = [0]
    stop = threading.Event()

    kills = [0]

    def killer():
        # Kill after a random number of acknowledged captures since the last restart, so a
        # slow restart (workers warming up) cannot starve the run; also after --kill-every s.
        while not stop.is_set():
            with lock:
                baseline = len(acknowledged)
            wanted = random.randint(max(1, args.kill_after // 2), args.kill_after * 3 // 2)
            since = time.perf_counter()
            while not stop.is_set():
                time.sleep(0.05)
                with lock:
                    done = len(acknowledged) - baseline
                if done >= wanted or (done > 0 and time.perf_counter() - since > args.kill_every):
                    break
            if stop.is_set():
                break
            _kill(server["proc"])
            kills[0] += 1
            server["proc"] = _start_server(bind, args.workers)

    def worker():
        client = Client(url)
        while True:
            with lock:
                if not todo:
                    return
                i = todo.pop()
            while True:  # a client that retries until it gets an answer
                try:
                    status, _body = client.post(
                        path, _lead(i, run), {"Idempotency-Key": f"{run}-{i}"}, timeout=30
                    )
                except Exception:  # noqa: BLE001 - the server was killed: retry
                    status = None
                if status in (200, 201):
                    with lock:
                        acknowledged.add(i)
                    break
                with lock:
                    retries[0] += 1
                time.sleep(0.2)

    started = time.perf_counter()
    chaos = threading.Thread(target=killer, daemon=True)
    chaos.start()
    threads = [threading.Thread(target=worker) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    _kill(server["proc"])
    wall = time.perf_counter() - started
    emails = Lead.objects.filter(email__contains=f".{run}@").values_list("email", flat=True)
    stored = list(emails)
    result = {
        "test": "SIGKILL with retries",
        "captures": args.captures,
        "acknowledged": len(acknowledged),
        "leads_stored": len(stored),
        "distinct_leads": len(set(stored)),
        "lost": args.captures - len(set(stored)),
        "duplicates": len(stored) - len(set(stored)),
        "client_retries": retries[0],
        "server_kills": kills[0],
        "seconds": round(wall, 1),
    }
    print(json.dumps(result))
    return result


# ---------------------------------------------------------------- SLA escalation latency


def sla(args) -> dict:
    _django()
    import datetime

    from django.db import connection
    from django.utils import timezone

    from hamsu.demo.bulk import insert_rows
    from hamsu.funnel.models import Handoff, Lead
    from hamsu.funnel.services.handoff import sla_check

    now = timezone.now()
    start_lead = (Lead.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    start_handoff = (Handoff.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    n = args.handoffs
    # Deadlines spread over the next --spread seconds, so breaches arrive while the checker runs.
    due = [now + datetime.timedelta(seconds=random.uniform(5, 5 + args.spread)) for _ in range(n)]
    lead_rows = (
        (start_lead + i, f"sla{start_lead + i}@bench.example", "", "", "", "", "", "", None, None, "bench", None, None, None,
         "mql", now, None, None, "handoff", 0, "[]", None, None, "[]", None, "", "", None, 0, None, None, 0, "", now, now)
        for i in range(n)
    )  # fmt: skip
    from hamsu.funnel.demo import LEAD_COLUMNS

    insert_rows("funnel_lead", LEAD_COLUMNS, lead_rows)
    insert_rows(
        "funnel_handoff",
        [
            "id",
            "lead_id",
            "team_id",
            "owner_id",
            "policy_id",
            "status",
            "opened_at",
            "due_at",
            "closed_at",
            "escalated_at",
            "escalation_claim",
        ],
        (
            (start_handoff + i, start_lead + i, None, None, None, "open", now, due[i], None, None, "")
            for i in range(n)
        ),
    )
    if connection.vendor == "postgresql":
        from hamsu.demo.bulk import reset_sequences

        reset_sequences(Lead, Handoff)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE funnel_handoff")
    ids = range(start_handoff, start_handoff + n)
    finish = time.time() + 5 + args.spread + 30
    checks, slowest_check = 0, 0.0
    while time.time() < finish:
        t0 = time.perf_counter()
        sla_check()
        slowest_check = max(slowest_check, time.perf_counter() - t0)
        checks += 1
        if not Handoff.objects.filter(pk__in=ids, escalated_at__isnull=True).exists():
            break
        time.sleep(args.interval)
    delays = [
        (escalated - due_at).total_seconds()
        for escalated, due_at in Handoff.objects.filter(pk__in=ids).values_list("escalated_at", "due_at")
        if escalated is not None
    ]
    result = {
        "test": "SLA breach escalation",
        "open_handoffs": n,
        "escalated": len(delays),
        "checks": checks,
        "slowest_check_s": round(slowest_check, 2),
        "median_delay_s": round(statistics.median(delays), 1) if delays else None,
        "max_delay_s": round(max(delays), 1) if delays else None,
    }
    print(json.dumps(result))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup")
    p = sub.add_parser("capture")
    p.add_argument("--url", default="http://127.0.0.1:8800")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--threads", type=int, default=64)
    p.add_argument(
        "--rate", type=float, default=0, help="target captures per second (0: as fast as possible)"
    )
    p = sub.add_parser("bulk")
    p.add_argument("--url", default="http://127.0.0.1:8800")
    p.add_argument("--batches", type=int, default=10)
    p.add_argument("--size", type=int, default=5000)
    p = sub.add_parser("sigkill")
    p.add_argument("--captures", type=int, default=100_000)
    p.add_argument("--threads", type=int, default=32)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--kill-every", type=float, default=20.0, help="kill at least this often (seconds) once captures flow")
    p.add_argument("--kill-after", type=int, default=2000, help="kill after about this many acknowledged captures")
    p = sub.add_parser("sla")
    p.add_argument("--handoffs", type=int, default=100_000)
    p.add_argument("--spread", type=float, default=60.0)
    p.add_argument("--interval", type=float, default=5.0)
    args = parser.parse_args(argv)
    {"setup": setup, "capture": capture, "bulk": bulk, "sigkill": sigkill, "sla": sla}[args.command](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
