"""Sustained lead capture, end to end: `python bench/lead_capture.py sustained …` (issue 17).

An open-loop load generator sends single captures at a fixed rate (request i is due at
start + i / rate, whether or not earlier replies came back, so a slow server cannot slow
the load down and hide its own latency) against the real web tier (gunicorn, preloaded,
as ``hamsu serve`` starts it) while 1–2 ``hamsu worker`` processes turn the intake into
leads. A sampler thread looks every ``--sample`` seconds at:

- the **backlog**: intake rows still pending, and the oldest pending row's id (the
  "frontier"). Workers claim rows oldest first, so every row below the frontier is done:
  a capture's lead exists by the first sample, after its 202, whose frontier is past its
  id. **Capture-to-lead** is that moment minus the moment the capture was due to be
  sent (an upper bound by at most one sample interval, and by one chunk's processing
  when two workers hold chunks at once);
- **CPU**: ``/proc/<pid>/stat`` of the web processes (the gunicorn master and its
  workers), the worker processes, and the PostgreSQL backends serving each (told apart
  by ``application_name``, set through ``PGAPPNAME``). CPU seconds do not depend on how
  many other tenants share the cores, so they are the figures to compare on a busy
  machine; wall-clock rates and latencies are only meaningful on a quiet one.

At the end every acknowledged capture must be a ``done`` intake row linked to a lead,
with one lead per capture (each capture has its own e-mail).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import lead_capture as lc

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- CPU from /proc


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    # fields[0] is the state (field 3 of the line): utime is field 14, cstime field 17.
    return int(fields[1]), sum(int(v) for v in fields[11:15]) / CLOCK_TICKS


def proc_table() -> tuple[dict[int, int], dict[int, float]]:
    """Every process's parent and CPU seconds, from one pass over /proc."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = _stat(int(name))
            if stat:
                parents[int(name)], cpu[int(name)] = stat
    return parents, cpu


def tree_cpu(root: int, table: tuple[dict[int, int], dict[int, float]]) -> float:
    """CPU seconds of ``root`` and every living descendant (gunicorn and its workers)."""
    parents, cpu = table
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


# ---------------------------------------------------------------- the sampler


class Sampler(threading.Thread):
    """Backlog, frontier and CPU every ``interval`` seconds, on its own connection."""

    def __init__(self, *, web: subprocess.Popen, workers: list[subprocess.Popen], interval: float):
        super().__init__(daemon=True)
        self.web, self.workers, self.interval = web, workers, interval
        self.samples: list[tuple[float, int, int]] = []  # (monotonic, frontier, pending)
        self.backends: dict[int, tuple[str, float]] = {}  # pid: (application, CPU seconds)
        # (monotonic, web, workers, their PostgreSQL backends: web, workers), cumulative
        self.cpu: list[tuple[float, float, float, float, float]] = []
        self.stop = threading.Event()

    def _frontier(self, cursor, table: str) -> tuple[int, int]:
        cursor.execute(
            f"SELECT (SELECT min(id) FROM {table} WHERE status = 'pending'),"
            f" (SELECT count(*) FROM {table} WHERE status = 'pending'), (SELECT max(id) FROM {table})"
        )
        oldest, pending, newest = cursor.fetchone()
        return (oldest if oldest is not None else (newest or 0) + 1), pending

    def _backends(self, cursor) -> None:
        """Each backend's CPU seconds so far, by the process it serves (its last reading is
        kept once it exits: a backend's whole life is inside the run)."""
        cursor.execute(
            "SELECT pid, application_name FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name LIKE 'hamsu-bench-%%'"
        )
        for pid, app in cursor.fetchall():
            stat = _stat(pid)
            if stat is not None:
                self.backends[pid] = (app, stat[1])

    def _backend_total(self, app: str) -> float:
        return sum(cpu for name, cpu in self.backends.values() if name == app)

    def sample(self) -> None:
        from django.db import connection

        from hamsu.funnel.models import CaptureRequest

        table = connection.ops.quote_name(CaptureRequest._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                self._backends(cursor)
            frontier, pending = self._frontier(cursor, table)
        now = time.monotonic()
        self.samples.append((now, frontier, pending))
        table = proc_table()
        self.cpu.append(
            (
                now,
                tree_cpu(self.web.pid, table),
                sum(tree_cpu(w.pid, table) for w in self.workers),
                self._backend_total("hamsu-bench-web"),
                self._backend_total("hamsu-bench-worker"),
            )
        )

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stop.is_set():
                started = time.monotonic()
                self.sample()
                self.stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
        finally:
            connection.close()

    def cpu_between(self, start: float, end: float) -> list[float]:
        """[web, workers, PostgreSQL for web, for workers] CPU seconds between the samples
        nearest ``start`` and ``end``."""
        times = [c[0] for c in self.cpu]
        a = self.cpu[max(0, min(len(times) - 1, bisect.bisect_left(times, start)))]
        b = self.cpu[max(0, min(len(times) - 1, bisect.bisect_left(times, end)))]
        return [b[i] - a[i] for i in range(1, 5)]


# ---------------------------------------------------------------- the open-loop load


async def open_loop(url: str, form_key: str, run: str, rate: float, seconds: float, connections: int):
    """Send rate × seconds captures, each at its due time; returns (acks, errors, started).

    ``acks`` holds (intake row id, due, replied) per 2xx, on ``time.monotonic()``'s clock.
    A request waits for a free connection when all are busy; its latency still counts
    from its due time.
    """
    loop = asyncio.get_running_loop()
    free: asyncio.Queue = asyncio.Queue()
    for _ in range(connections):
        free.put_nowait(lc.AsyncClient(url))
    acks: list[tuple[int, float, float]] = []
    errors: dict[str, int] = {}
    retries = [0]
    path = f"/api/v1/funnel/capture/{form_key}"
    pending: set[asyncio.Task] = set()

    async def one(i: int, due: float) -> None:
        body = json.dumps(lc._lead(i, run)).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": f"{run}-{i}"}
        client = await free.get()
        try:
            for attempt in range(3):
                try:
                    status, reply = await client.post(path, body, headers, 30)
                    break
                except (ConnectionError, asyncio.IncompleteReadError) as error:
                    # The server dropped the keep-alive connection: send again on a new
                    # one with the same Idempotency-Key, as a real client would.
                    status, reply = type(error).__name__, b""
                    retries[0] += attempt < 2
                except Exception as error:  # noqa: BLE001 - counted, not fatal
                    status, reply = type(error).__name__, b""
                    break
        finally:
            free.put_nowait(client)
        if status in (200, 202):
            acks.append((json.loads(reply)["id"], due, loop.time()))
        else:
            errors[str(status)] = errors.get(str(status), 0) + 1

    total = int(rate * seconds)
    started = loop.time() + 0.1
    sent = 0
    while sent < total:
        now = loop.time()
        due_now = min(total, int((now - started) * rate) + 1)
        while sent < due_now:
            task = asyncio.create_task(one(sent, started + sent / rate))
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        await asyncio.sleep(max(0.0, started + sent / rate - loop.time()))
    await asyncio.gather(*pending)
    if retries[0]:
        errors["retried_on_a_new_connection"] = retries[0]
    return acks, errors, started


# ---------------------------------------------------------------- the processes


def _spawn(command: list[str], *, log, app: str, nice: int = 0) -> subprocess.Popen:
    env = {**os.environ, "PGAPPNAME": app}
    return subprocess.Popen(
        command,
        cwd=lc.ROOT,
        stdout=log,
        stderr=log,
        env=env,
        start_new_session=True,
        preexec_fn=(lambda: os.nice(nice)) if nice else None,
    )


def _percentiles(values: list[float], unit: float = 1.0, digits: int = 1) -> dict:
    if not values:
        return {}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * unit, digits)

    return {"p50": at(50), "p90": at(90), "p99": at(99), "max": round(ordered[-1] * unit, digits)}


def _lead_latencies(acks, samples) -> tuple[list[float], list[float], int]:
    """Per acknowledged capture, seconds from its due time and from its 202 to its lead,
    and how many never got a lead."""
    times = [s[0] for s in samples]
    latencies, after_ack, missing = [], [], 0
    for row_id, due, replied in acks:
        index = bisect.bisect_left(times, replied)
        while index < len(samples) and samples[index][1] <= row_id:
            index += 1
        if index == len(samples):
            missing += 1
        else:
            latencies.append(samples[index][0] - due)
            after_ack.append(samples[index][0] - replied)
    return latencies, after_ack, missing


def _raw_rate(args, vendor: str) -> dict | None:
    if not args.raw_seconds:
        return None
    if vendor == "postgresql":
        return lc.raw_insert(args)
    return _sqlite_raw_insert(args.raw_seconds)


def _sqlite_raw_insert(seconds: float) -> dict:
    """Single-row INSERT transactions per second on SQLite (one writer: the file's lock),
    the intake row's shape, in the same database file and the same pragmas."""
    from django.db import connection

    table = lc.RAW_TABLE
    load = lc._load()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(
            f"CREATE TABLE {table} (id integer PRIMARY KEY AUTOINCREMENT, form_id bigint, key varchar(200),"
            " payload text NOT NULL, status varchar(16) NOT NULL, error text NOT NULL,"
            " created_at text NOT NULL, processed_at text, lead_id bigint, UNIQUE (form_id, key))"
        )
    connection.set_autocommit(True)
    n, deadline = 0, time.perf_counter() + seconds
    with connection.cursor() as cursor:
        while time.perf_counter() < deadline:
            cursor.execute(
                f"INSERT INTO {table} (form_id, key, payload, status, error, created_at)"
                " VALUES (1, %s, %s, 'pending', '{}', datetime('now'))",
                [uuid.uuid4().hex, lc.RAW_PAYLOAD],
            )
            n += 1
        cursor.execute(f"DROP TABLE {table}")
    return lc._print(
        {
            "test": "raw single-row INSERT",
            "tool": "sqlite3 (one connection, autocommit)",
            "seconds": seconds,
            "tps": round(n / seconds, 1),
            "load_before": load,
            "load_after": lc._load(),
        }
    )


def _leads_of(run: str, form_id: int) -> dict:
    from django.db.models import Count

    from hamsu.funnel.models import CaptureRequest, Handoff, Lead

    intake = CaptureRequest.objects.filter(form_id=form_id, key__startswith=f"{run}-")
    leads = Lead.objects.filter(email__contains=f".{run}@")
    return {
        "intake_rows": intake.count(),
        "intake_status": dict(intake.values_list("status").annotate(n=Count("pk"))),
        "leads": leads.count(),
        "distinct_leads_linked_from_intake": intake.exclude(lead=None).values("lead").distinct().count(),
        "mqls_routed_and_handed_off": Handoff.objects.filter(lead__in=leads).count(),
        "leads_by_state": dict(leads.values_list("state").annotate(n=Count("pk"))),
    }


def sustained(args) -> dict:
    lc._django()
    from django.db import connection

    from hamsu.core.management.commands.serve import WORKER_NICE, gunicorn_args

    info = lc._info()
    vendor = connection.vendor
    raw = _raw_rate(args, vendor)
    connection.close()
    run = uuid.uuid4().hex[:8]
    url = f"http://{args.bind}"
    log = open(os.path.join(tempfile.gettempdir(), "hamsu_bench_sustained.log"), "ab")  # noqa: SIM115
    web = _spawn(gunicorn_args(args.bind, args.web_workers, args.threads), log=log, app="hamsu-bench-web")
    workers: list[subprocess.Popen] = []
    sampler = None
    try:
        lc.wait_ready(url, info["form_key"])
        workers = [
            _spawn(
                [sys.executable, "-m", "hamsu.cli", "worker"],
                log=log,
                app="hamsu-bench-worker",
                nice=WORKER_NICE if args.nice else 0,
            )
            for _ in range(args.workers)
        ]
        sampler = Sampler(web=web, workers=workers, interval=args.sample)
        sampler.start()
        # Warm up outside the measured window: the web processes' first requests and the
        # workers' imports (the scoring package loads NumPy and Polars on first use).
        warm, _errors, _started = asyncio.run(
            open_loop(url, info["form_key"], run + "w", 100, args.warm_up, args.connections)
        )
        warm_last = max((a[0] for a in warm), default=0)
        warm_deadline = time.monotonic() + args.drain_timeout
        while time.monotonic() < warm_deadline and sampler.samples[-1][1] <= warm_last:
            time.sleep(args.sample)
        load_before, generator_cpu = lc._load(), own_cpu()
        acks, errors, started = asyncio.run(
            open_loop(url, info["form_key"], run, args.rate, args.seconds, args.connections)
        )
        sent_until = time.monotonic()
        load_after_sending, generator_cpu = lc._load(), own_cpu() - generator_cpu
        # Let the workers finish the run's captures, then stop sampling.
        drain_deadline = sent_until + args.drain_timeout
        last_id = max((a[0] for a in acks), default=0)
        while time.monotonic() < drain_deadline and sampler.samples[-1][1] <= last_id:
            time.sleep(args.sample)
        drained_at = time.monotonic()
        time.sleep(args.sample * 2)
        sampler.stop.set()
        sampler.join()
    finally:
        for proc in [web, *workers]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [web, *workers]:
            proc.wait()
        log.close()
    web_cpu, _, pg_web_cpu, _ = sampler.cpu_between(started, sent_until)
    _, worker_cpu, _, pg_worker_cpu = sampler.cpu_between(started, drained_at)
    latencies, after_ack, missing = _lead_latencies(acks, sampler.samples)
    in_window = [s for s in sampler.samples if started <= s[0] <= sent_until]
    outcome = _leads_of(run, info["form_id"])
    captured, leads = len(acks), outcome["leads"]
    result = {
        "test": "sustained capture, end to end",
        "database": vendor,
        "target_rate": args.rate,
        "seconds": args.seconds,
        "web": f"gunicorn --workers {args.web_workers} --threads {args.threads} --preload",
        "worker_processes": args.workers,
        "workers_niced": args.nice,
        "captured_2xx": captured,
        "errors": errors,
        "achieved_rate": round(captured / (sent_until - started), 1),
        "intake_latency_ms": _percentiles([a[2] - a[1] for a in acks], 1000),
        "capture_to_lead_s": _percentiles(latencies, 1, 2),
        "reply_to_lead_s": _percentiles(after_ack, 1, 2),
        "acked_without_lead_seen": missing,
        "max_backlog": max((s[2] for s in in_window), default=None),
        "backlog_when_sending_stopped": in_window[-1][2] if in_window else None,
        "drain_seconds_after_sending": round(drained_at - sent_until, 1),
        "cpu_ms": {
            "web_per_capture": round(web_cpu * 1000 / max(captured, 1), 3),
            "worker_per_lead": round(worker_cpu * 1000 / max(leads, 1), 3),
            "load_generator_per_capture": round(generator_cpu * 1000 / max(captured, 1), 3),
        },
        **outcome,
        "load": {"before": load_before, "after_sending": load_after_sending, "end": lc._load()},
    }
    if vendor == "postgresql":
        result["cpu_ms"] |= {
            "postgres_web_per_capture": round(pg_web_cpu * 1000 / max(captured, 1), 3),
            "postgres_worker_per_lead": round(pg_worker_cpu * 1000 / max(leads, 1), 3),
        }
    per_capture = sum(result["cpu_ms"].values())
    # What the CPU figures say two idle cores could sustain, all parts on one box.
    result["cpu_bound_captures_per_second_on_2_cores"] = round(2000 / per_capture) if per_capture else None
    if raw:
        result["raw_insert_tps"] = raw["tps"]
        result["capture_over_raw_insert"] = round(result["achieved_rate"] / raw["tps"], 3)
    result["ok"] = (
        not set(errors) - {"retried_on_a_new_connection"}
        and missing == 0
        and outcome["intake_status"] == {"done": captured}
        and leads == outcome["distinct_leads_linked_from_intake"] == captured
    )
    return lc._print(result)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sustained",
        help="open-loop single captures at --rate for --seconds, web tier and workers, end to end",
    )
    p.add_argument("--rate", type=float, default=1000.0, help="captures per second")
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--workers", type=int, default=2, help="`hamsu worker` processes")
    p.add_argument("--web-workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--bind", default="127.0.0.1:8820")
    p.add_argument("--connections", type=int, default=128, help="keep-alive connections, at most")
    p.add_argument("--sample", type=float, default=0.5, help="seconds between backlog/CPU samples")
    p.add_argument(
        "--warm-up", type=float, default=5.0, help="seconds of 100 captures/s before the measured window"
    )
    p.add_argument("--drain-timeout", type=float, default=600.0)
    p.add_argument(
        "--no-nice", dest="nice", action="store_false", help="workers at normal priority (default: nice 10)"
    )
    p.add_argument("--raw-seconds", type=float, default=10, help="0 skips the raw INSERT rate")
    p.add_argument("--raw-clients", type=int, default=32)
    p.add_argument("--python-raw", action="store_true")


# ---------------------------------------------------------------- where the worker's time goes


def profile(args) -> dict:
    """The worker's code in this process on ``--captures`` seeded intake rows (after a
    warm-up chunk: imports and caches), with its CPU and its PostgreSQL backend's CPU per
    lead, and cProfile's view of where the time goes."""
    import cProfile
    import pstats

    lc._django()
    from django.db import connection
    from django.utils import timezone

    from hamsu.funnel.models import CaptureRequest
    from hamsu.funnel.services.capture_process import capture_intake_drain

    form_id = lc._info()["form_id"]
    run = uuid.uuid4().hex[:8]

    def seed(n: int, tag: str) -> None:
        now = timezone.now()
        CaptureRequest.objects.bulk_create(
            [
                CaptureRequest(
                    form_id=form_id, key=f"{run}{tag}-{i}", payload=lc._lead(i, run + tag), created_at=now
                )
                for i in range(n)
            ],
            batch_size=2000,
        )

    capture_intake_drain()  # whatever earlier runs left
    seed(300, "w")
    capture_intake_drain()
    seed(args.captures, "")
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    load = lc._load()
    cpu, db_cpu, wall = own_cpu(), _stat(backend)[1] if backend else 0.0, time.perf_counter()
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler:
        profiler.enable()
    handled = capture_intake_drain()
    if profiler:
        profiler.disable()
    cpu, wall = own_cpu() - cpu, time.perf_counter() - wall
    db_cpu = (_stat(backend)[1] - db_cpu) if backend else None
    result = lc._print(
        {
            "test": "worker profile (in process)",
            "database": connection.vendor,
            "cprofile": args.cprofile,
            "leads": handled,
            "seconds": round(wall, 2),
            "worker_cpu_ms_per_lead": round(cpu * 1000 / max(handled, 1), 3),
            "postgres_cpu_ms_per_lead": round(db_cpu * 1000 / max(handled, 1), 3) if backend else None,
            "load_before": load,
            "load_after": lc._load(),
        }
    )
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(r"hamsu", args.top)
    return result


def add_profile_parser(sub) -> None:
    p = sub.add_parser("profile", help="the worker's CPU per lead, in process, with cProfile")
    p.add_argument("--captures", type=int, default=5000)
    p.add_argument("--no-cprofile", dest="cprofile", action="store_false")
    p.add_argument("--top", type=int, default=30)


# ---------------------------------------------------------------- where the web tier's time goes


def _capture_environ(form_key: str, body: bytes, key: str) -> dict:
    """The WSGI environ gunicorn hands Django for one capture as the load generator sends it
    (JSON, an Idempotency-Key, keep-alive HTTP/1.1, no Origin: a server-side integration)."""
    import io

    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": f"/api/v1/funnel/capture/{form_key}",
        "RAW_URI": f"/api/v1/funnel/capture/{form_key}",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8820",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "50000",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1:8820",
        "HTTP_IDEMPOTENCY_KEY": key,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def profile_web(args) -> dict:
    """The web tier's Django part in this process: ``--captures`` single captures through the
    WSGI application gunicorn serves (every middleware, the handler, the INSERT, the JSON
    reply; not gunicorn's HTTP parsing, threads and access log), after a warm-up, with its
    CPU and its PostgreSQL backend's CPU per capture, and cProfile's view of the time."""
    import cProfile
    import pstats

    lc._django()
    from django.db import connection

    from hamsu.funnel.models import CaptureRequest
    from hamsu.wsgi import application

    info = lc._info()
    run = uuid.uuid4().hex[:8]
    statuses: dict[str, int] = {}

    def start_response(status, headers, exc_info=None):
        statuses[status] = statuses.get(status, 0) + 1

    def send(n: int, tag: str) -> None:
        bodies = [json.dumps(lc._lead(i, run + tag)).encode() for i in range(n)]
        for i, body in enumerate(bodies):
            reply = application(_capture_environ(info["form_key"], body, f"{run}{tag}-{i}"), start_response)
            b"".join(reply)
            reply.close()  # what the server does: request_finished runs here

    send(300, "w")  # imports, the form cache, the connection
    statuses.clear()
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    load = lc._load()
    cpu, db_cpu, wall = own_cpu(), _stat(backend)[1] if backend else 0.0, time.perf_counter()
    # CPU time, not wall time: a capture mostly waits for its commit, which costs this
    # process nothing and would hide where the CPU goes.
    profiler = cProfile.Profile(time.process_time) if args.cprofile else None
    if profiler:
        profiler.enable()
    send(args.captures, "")
    if profiler:
        profiler.disable()
    cpu, wall = own_cpu() - cpu, time.perf_counter() - wall
    db_cpu = (_stat(backend)[1] - db_cpu) if backend else None
    same_backend = None
    if backend:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            same_backend = cursor.fetchone()[0] == backend
    stored = CaptureRequest.objects.filter(form_id=info["form_id"], key__startswith=f"{run}-").count()
    # The rows were for measuring only: the worker must not turn them into leads later.
    CaptureRequest.objects.filter(form_id=info["form_id"], key__startswith=run).delete()
    result = lc._print(
        {
            "test": "web tier profile (in process, the WSGI application)",
            "database": connection.vendor,
            "cprofile": args.cprofile,
            "captures": args.captures,
            "replies": statuses,
            "stored_in_intake": stored,
            "seconds": round(wall, 2),
            "django_cpu_ms_per_capture": round(cpu * 1000 / max(args.captures, 1), 3),
            "postgres_cpu_ms_per_capture": round(db_cpu * 1000 / max(args.captures, 1), 3)
            if backend
            else None,
            "one_backend_throughout": same_backend,
            "load_before": load,
            "load_after": lc._load(),
        }
    )
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
    return result


def add_profile_web_parser(sub) -> None:
    p = sub.add_parser("profile-web", help="the web tier's Django CPU per capture, in process, with cProfile")
    p.add_argument("--captures", type=int, default=5000)
    p.add_argument("--no-cprofile", dest="cprofile", action="store_false")
    p.add_argument("--top", type=int, default=40)
