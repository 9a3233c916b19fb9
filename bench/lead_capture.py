"""Benchmarks for lead capture and the SLA checker (figures in docs/benchmarks/funnel.md).

Self-contained against a PostgreSQL database (create it, migrate, then):

    export HAMSU_DATABASE_URL=postgres://hamsu:hamsu@127.0.0.1:5432/hamsu_capture
    .venv/bin/hamsu migrate
    .venv/bin/python bench/lead_capture.py setup          # a capture form + a bulk API token
    .venv/bin/python bench/lead_capture.py all            # raw INSERT rate, capture 60 s, bulk, ratio
    .venv/bin/python bench/lead_capture.py sigkill --captures 100000
    .venv/bin/python bench/lead_capture.py sla --handoffs 100000

``all`` measures, in one run: the machine's raw single-row INSERT transaction rate
(pgbench with a one-INSERT script, the same row shape as a capture's intake row), then
starts the production server (``hamsu serve``: gunicorn with the app preloaded, 2 workers
× 16 threads, plus the task worker) and drives single captures with wrk for 60 s
(``apt-get install wrk``; a Python asyncio keep-alive client otherwise), then the bulk
endpoint; it checks in the database that every 2xx capture is stored, and reports the
ratio capture rate / raw INSERT rate. The parts run alone too: ``raw-insert``,
``capture`` and ``bulk`` (these two against ``--url`` of a server you started, e.g.
``hamsu serve --bind 127.0.0.1:8800 --workers 2 --threads 16``), ``drain`` (waits for
the worker and reports its rate).

``sigkill`` starts ``hamsu serve`` itself, sends captures with Idempotency-Key and client
retries, SIGKILLs the whole server process group (gunicorn master, web workers and the
task worker mid-chunk) at random moments, restarts it, lets the worker drain, and checks
that exactly one intake row, one lead and one touch exist per capture.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INFO_FILE = os.path.join(tempfile.gettempdir(), "hamsu_bench_capture.json")
LUA = os.path.join(ROOT, "bench", "lead_capture.lua")


def _django():
    import django

    django.setup()


def _load() -> str:
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def _print(result: dict) -> dict:
    print(json.dumps(result), flush=True)
    return result


# ---------------------------------------------------------------- setup


def setup(args) -> dict:
    _django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from hamsu.api.services import token_create
    from hamsu.core.roles import HEAD_OF_MARKETING, sync_role_groups
    from hamsu.funnel.models import CaptureForm

    sync_role_groups()
    _routing_setup()
    form, _created = CaptureForm.objects.get_or_create(
        name="Benchmark form",
        defaults={"rate_limit_per_minute": 1_000_000, "allowed_origins": ["https://bench.example"]},
    )
    user, _created = get_user_model().objects.get_or_create(username="bench.marketing")
    user.groups.add(Group.objects.get(name=HEAD_OF_MARKETING))
    _token, raw = token_create(user=user, name=f"bench {uuid.uuid4().hex[:6]}", via="cli")
    info = {"form_key": form.key, "form_id": form.pk, "token": raw}
    with open(INFO_FILE, "w") as handle:
        json.dump(info, handle)
    return _print(info)


def _routing_setup() -> None:
    """What a qualifying capture is routed by: two sales teams of four sellers, a territory
    rule and a round robin (the worker's real routing work), and a default SLA policy."""
    import datetime

    from hamsu.directory.models import Function, Person, RoleTitle, Team
    from hamsu.funnel.models import BusinessCalendar, RoutingRule, RoutingRuleKind, SlaPolicy

    teams = {}
    for name in ("Bench sales — MENA", "Bench sales — Europe"):
        teams[name], _created = Team.objects.get_or_create(name=name, defaults={"function": Function.SALES})
        for i in range(4):
            Person.objects.get_or_create(
                email=f"seller{i}.{teams[name].pk}@bench.example",
                defaults={
                    "full_name": f"{name} seller {i}",
                    "function": Function.SALES,
                    "role_title": RoleTitle.SALES_REP,
                    "team": teams[name],
                },
            )
    mena, europe = teams.values()
    RoutingRule.objects.get_or_create(
        name="Bench territory",
        defaults={"position": 1, "kind": RoutingRuleKind.TERRITORY, "countries": ["IR", "AE"], "team": mena},
    )
    RoutingRule.objects.get_or_create(
        name="Bench round robin",
        defaults={"position": 2, "kind": RoutingRuleKind.ROUND_ROBIN, "team": europe},
    )
    calendar, _created = BusinessCalendar.objects.get_or_create(
        name="Bench Mon–Fri",
        defaults={"workdays": [0, 1, 2, 3, 4], "day_start": datetime.time(9), "day_end": datetime.time(17)},
    )
    SlaPolicy.objects.get_or_create(
        name="Bench default", defaults={"calendar": calendar, "accept_within_hours": 8, "team": None}
    )


def _info() -> dict:
    with open(INFO_FILE) as handle:
        return json.load(handle)


def _lead(i: int | str, run: str) -> dict:
    company = hash(str(i)) % 5000
    return {
        "email": f"lead{i}.{run}@company{company}.bench.example",
        "first_name": "Bench",
        "last_name": f"Lead {i}",
        "company": f"Company {company}",
        "country": random.choice(["IR", "AE", "DE", "TR"]),
        "employees": random.choice([12, 80, 600, 9000]),
        # A demo request from a company of 500+ people scores over the built-in MQL rule
        # (50 points): about one capture in eight is routed and handed off.
        "touch_kind": random.choice(["form_fill", "webinar", "content_download", "demo_request"]),
    }


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)

    def at(p):
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    return {
        "p50_ms": round(at(50), 1),
        "p90_ms": round(at(90), 1),
        "p99_ms": round(at(99), 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


# ---------------------------------------------------------------- the server


def start_server(
    bind: str, *, workers: int, threads: int, worker: bool, log: str, direct: bool = False
) -> list[subprocess.Popen]:
    """The production server, each process leading its own group (a SIGKILL takes every child).

    ``hamsu serve`` by default; ``direct`` starts the same gunicorn command line and
    ``hamsu worker`` without the ``serve`` wrapper (which imports Django once more before
    it starts gunicorn: seconds a restart does not need).
    """
    with open(log, "ab") as out:
        if not direct:
            command = [sys.executable, "-m", "hamsu.cli", "serve", "--bind", bind]
            command += ["--workers", str(workers), "--threads", str(threads)]
            if not worker:
                command.append("--no-worker")
            return [subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=out, start_new_session=True)]
        from hamsu.core.management.commands.serve import WORKER_NICE, gunicorn_args

        web = subprocess.Popen(
            gunicorn_args(bind, workers, threads), cwd=ROOT, stdout=out, stderr=out, start_new_session=True
        )
        procs = [web]
        if worker:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "hamsu.cli", "worker"],
                    cwd=ROOT,
                    stdout=out,
                    stderr=out,
                    start_new_session=True,
                    preexec_fn=lambda: os.nice(WORKER_NICE),
                )
            )
        return procs


def kill_server(procs: list[subprocess.Popen], sig=signal.SIGKILL) -> None:
    for proc in procs:  # each leads a process group: gunicorn's holds its web workers
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
    for proc in procs:
        proc.wait()


def wait_ready(url: str, form_key: str, timeout: float = 120.0) -> float:
    """Seconds until the server answers a capture preflight (an OPTIONS writes nothing)."""
    import http.client

    parsed = urllib.parse.urlparse(url)
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=2)
            conn.request("OPTIONS", f"/api/v1/funnel/capture/{form_key}")
            if conn.getresponse().status == 204:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} not ready after {timeout} s")


# ---------------------------------------------------------------- a small asyncio HTTP/1.1 client


class AsyncClient:
    """One keep-alive connection; just enough HTTP/1.1 for this benchmark (stdlib only)."""

    def __init__(self, url: str):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes, headers: dict, timeout: float = 30.0) -> tuple[int, bytes]:
        try:
            return await asyncio.wait_for(self._post(path, body, headers), timeout)
        except BaseException:
            self.close()
            raise

    async def _post(self, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("connection closed")
        status = int(status_line.split()[1])
        length, close, chunked = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _sep, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True  # a reply without Content-Length (gunicorn then chunks it)
        if chunked:
            data = b""
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                data += await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()  # the CRLF after the last (empty) chunk
        else:
            data = await self.reader.readexactly(length) if length else b""
        if close:
            self.close()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# ---------------------------------------------------------------- raw single-row INSERT rate

RAW_TABLE = "bench_raw_insert"
# The shape of a capture's intake row (funnel_capturerequest) and its indexes, without
# foreign keys: what one capture costs the database, at its rawest.
RAW_DDL = f"""
DROP TABLE IF EXISTS {RAW_TABLE};
CREATE TABLE {RAW_TABLE} (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    form_id bigint, key varchar(200), payload jsonb NOT NULL, status varchar(16) NOT NULL,
    error jsonb NOT NULL, created_at timestamptz NOT NULL, processed_at timestamptz, lead_id bigint,
    UNIQUE (form_id, key)
);
CREATE INDEX {RAW_TABLE}_pending ON {RAW_TABLE} (id) WHERE status = 'pending';
"""
RAW_PAYLOAD = json.dumps(_lead(0, "raw"))
RAW_SCRIPT = (
    f"INSERT INTO {RAW_TABLE} (form_id, key, payload, status, error, created_at) "
    f"VALUES (1, gen_random_uuid()::text, '{RAW_PAYLOAD}', 'pending', '{{}}', now());\n"
)


def _pg_env() -> dict:
    url = urllib.parse.urlparse(os.environ["HAMSU_DATABASE_URL"])
    return {
        **os.environ,
        "PGHOST": url.hostname or "localhost",
        "PGPORT": str(url.port or 5432),
        "PGUSER": urllib.parse.unquote(url.username or ""),
        "PGPASSWORD": urllib.parse.unquote(url.password or ""),
        "PGDATABASE": url.path.lstrip("/"),
    }


def raw_insert(args) -> dict:
    """Single-row INSERT transactions per second (autocommit, synchronous_commit as the server has it)."""
    import psycopg

    env = _pg_env()
    conninfo = os.environ["HAMSU_DATABASE_URL"]  # libpq reads postgres:// URLs
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(RAW_DDL)
        synchronous_commit = conn.execute("SHOW synchronous_commit").fetchone()[0]
    load = _load()
    try:
        if shutil.which("pgbench") and not args.python_raw:
            with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
                script.write(RAW_SCRIPT)
            out = subprocess.run(
                ["pgbench", "-n", "-M", "prepared", "-c", str(args.raw_clients), "-j", "2",
                 "-T", str(int(args.raw_seconds)), "-f", script.name],
                env=env, capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
            os.unlink(script.name)
            tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
            latency = re.search(r"latency average = ([\d.]+) ms", out)
            tool = "pgbench -M prepared"
        else:
            tps, latency, tool = (
                _raw_insert_python(conninfo, args.raw_clients, args.raw_seconds),
                None,
                "psycopg",
            )
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
    return _print(
        {
            "test": "raw single-row INSERT",
            "tool": tool,
            "clients": args.raw_clients,
            "seconds": args.raw_seconds,
            "tps": round(tps, 1),
            "latency_avg_ms": float(latency.group(1)) if latency else None,
            "synchronous_commit": synchronous_commit,
            "load_before": load,
            "load_after": _load(),
        }
    )


def _raw_insert_python(conninfo: str, clients: int, seconds: float) -> float:
    import psycopg

    count = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def loop():
        with psycopg.connect(conninfo, autocommit=True) as conn:
            n = 0
            while time.perf_counter() < deadline:
                conn.execute(RAW_SCRIPT)
                n += 1
            with lock:
                count[0] += n

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / seconds


# ---------------------------------------------------------------- single captures


def _stored(run: str) -> int:
    """Intake rows of a run: every 2xx capture must be one of them."""
    _django()
    from hamsu.funnel.models import CaptureRequest

    return CaptureRequest.objects.filter(form_id=_info()["form_id"], key__startswith=f"{run}-").count()


def capture(args) -> dict:
    info = _info()
    run = uuid.uuid4().hex[:8]
    load = _load()
    if args.client == "wrk" or (args.client == "auto" and shutil.which("wrk")):
        out = subprocess.run(
            ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{int(args.seconds)}s",
             "--timeout", "10s", "-s", LUA, args.url, "--", info["form_key"], run],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        stats = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
        wall = stats["duration_us"] / 1e6
        ok = stats["requests"] - stats["non2xx"]
        errors = {k: stats[k] for k in ("non2xx", "connect", "read", "write", "timeout") if stats[k]}
        latency = {k: stats[k] for k in ("p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms")}
        client = f"wrk -t{args.wrk_threads} -c{args.connections}"
    else:
        ok, errors, latencies, wall = asyncio.run(_capture_python(args, info, run))
        latency = _percentiles(latencies)
        client = f"python asyncio, {args.connections} connections"
    stored = _stored(run)
    return _print(
        {
            "test": "single capture",
            "client": client,
            "seconds": round(wall, 1),
            "captured_2xx": ok,
            "stored_in_intake": stored,
            "per_second": round(ok / wall, 1),
            "errors": errors,
            **latency,
            "load_before": load,
            "load_after": _load(),
        }
    )


async def _capture_python(args, info: dict, run: str):
    path = f"/api/v1/funnel/capture/{info['form_key']}"
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = iter(range(10**9))
    deadline = time.perf_counter() + args.seconds

    async def one():
        client = AsyncClient(args.url)
        while time.perf_counter() < deadline:
            i = next(counter)
            body = json.dumps(_lead(i, run)).encode()
            started = time.perf_counter()
            try:
                status, _body = await client.post(
                    path, body, {"Content-Type": "application/json", "Idempotency-Key": f"{run}-{i}"}, 10
                )
            except Exception as error:  # noqa: BLE001 - counted, not fatal
                status = type(error).__name__
            if status in (200, 202):
                latencies.append(time.perf_counter() - started)
            else:
                errors[str(status)] = errors.get(str(status), 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(args.connections)))
    return len(latencies), errors, latencies, time.perf_counter() - started


# ---------------------------------------------------------------- bulk


def bulk(args) -> dict:
    info = _info()
    run = uuid.uuid4().hex[:8]
    bodies = [
        json.dumps({"leads": [_lead(f"{b}x{i}", run) for i in range(args.size)]}).encode()
        for b in range(args.batches)
    ]
    load = _load()
    accepted, times, failures = asyncio.run(_bulk(args, info, run, bodies))
    wall = times.pop()
    return _print(
        {
            "test": "bulk (stored durably, 202)",
            "batches": args.batches,
            "size": args.size,
            "concurrency": args.concurrency,
            "accepted": accepted,
            "leads_per_second": round(accepted / wall, 1),
            "seconds": round(wall, 2),
            "failures": failures,
            **_percentiles(times),
            "load_before": load,
            "load_after": _load(),
        }
    )


async def _bulk(args, info: dict, run: str, bodies: list[bytes]):
    todo = iter(enumerate(bodies))
    times: list[float] = []
    accepted, failures = [0], []

    async def sender():
        client = AsyncClient(args.url)
        for b, body in todo:
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {info['token']}",
                "Idempotency-Key": f"{run}-{b}",
            }
            t0 = time.perf_counter()
            status, reply = await client.post("/api/v1/funnel/capture-batches", body, headers, 300)
            times.append(time.perf_counter() - t0)
            if status in (200, 202):
                accepted[0] += args.size
            else:
                failures.append((status, reply[:200].decode(errors="replace")))

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(args.concurrency)))
    return accepted[0], [*times, time.perf_counter() - started], failures


# ---------------------------------------------------------------- the worker's side


def _pending() -> int:
    from hamsu.funnel.models import CaptureItem, CaptureRequest

    return (
        CaptureRequest.objects.filter(status="pending").count()
        + CaptureItem.objects.filter(status="pending").count()
    )


def drain(args) -> dict:
    """Wait for the worker (or, with --in-process, do its work here) until nothing is pending."""
    _django()
    from hamsu.funnel.services.capture_process import capture_drain

    start_pending, started, load = _pending(), time.perf_counter(), _load()
    if args.in_process:
        capture_drain()
    else:
        while _pending() and time.perf_counter() - started < args.timeout:
            time.sleep(2)
    wall = time.perf_counter() - started
    left = _pending()
    return _print(
        {
            "test": "worker drain",
            "in_process": args.in_process,
            "pending_at_start": start_pending,
            "processed": start_pending - left,
            "left": left,
            "per_second": round((start_pending - left) / wall, 1) if wall else None,
            "seconds": round(wall, 1),
            "load_before": load,
            "load_after": _load(),
        }
    )


# ---------------------------------------------------------------- everything in one run


def everything(args) -> dict:
    info = _info()
    log = os.path.join(tempfile.gettempdir(), "hamsu_bench_serve.log")
    raw = raw_insert(args)
    server = start_server(
        args.bind, workers=args.workers, threads=args.threads, worker=not args.no_worker, log=log
    )
    try:
        args.url = f"http://{args.bind}"
        wait_ready(args.url, info["form_key"])
        time.sleep(2)  # let the sidecar processes finish importing
        single = capture(args)
        batch = bulk(args)
    finally:
        kill_server(server, signal.SIGTERM)
    summary = {
        "test": "summary",
        "server": f"hamsu serve --workers {args.workers} --threads {args.threads}"
        + (" --no-worker" if args.no_worker else " (with the task worker)"),
        "raw_insert_tps": raw["tps"],
        "capture_per_second": single["per_second"],
        "capture_p99_ms": single.get("p99_ms"),
        "capture_over_raw_insert": round(single["per_second"] / raw["tps"], 3),
        "bulk_leads_per_second": batch["leads_per_second"],
        "bulk_over_raw_insert": round(batch["leads_per_second"] / raw["tps"], 2),
        "load": _load(),
    }
    return _print(summary)


# ---------------------------------------------------------------- SIGKILL


def sigkill(args) -> dict:
    _django()
    from django.db.models import Count

    from hamsu.funnel.models import CaptureRequest, Lead, LeadTouch
    from hamsu.funnel.services.capture_process import capture_drain

    info = _info()
    run = uuid.uuid4().hex[:8]
    url = f"http://{args.bind}"
    log = os.path.join(tempfile.gettempdir(), "hamsu_bench_sigkill.log")
    server = {
        "procs": start_server(
            args.bind, workers=args.workers, threads=args.threads, worker=True, log=log, direct=True
        )
    }
    wait_ready(url, info["form_key"])
    state = {"acked": set(), "retries": 0, "refused": {}, "kills": 0, "killed_at": None, "gaps": []}
    load = _load()

    async def client(counter):
        http = AsyncClient(url)
        path = f"/api/v1/funnel/capture/{info['form_key']}"
        for i in counter:
            body = json.dumps(_lead(i, run)).encode()
            headers = {"Content-Type": "application/json", "Idempotency-Key": f"{run}-{i}"}
            while True:  # a client that retries with the same key until the capture is stored
                try:
                    status, _reply = await http.post(path, body, headers, args.timeout)
                except Exception:  # noqa: BLE001 - the server is down or was killed mid-request
                    status = None
                if status in (200, 202):
                    state["acked"].add(i)
                    # (A reply read just after a kill was sent before it: not a restart.)
                    if state["killed_at"] is not None and time.perf_counter() - state["killed_at"] > 0.3:
                        state["gaps"].append(time.perf_counter() - state["killed_at"])
                        state["killed_at"] = None
                    break
                if status is not None and status not in (429, 500, 502, 503, 504):
                    state["refused"][status] = state["refused"].get(status, 0) + 1
                    break
                state["retries"] += 1
                await asyncio.sleep(random.uniform(0.1, 0.5))

    async def killer(done: asyncio.Event):
        loop = asyncio.get_running_loop()
        while not done.is_set():
            while state["killed_at"] is not None and not done.is_set():
                await asyncio.sleep(0.1)  # restarting: wait for its first 202
            # Serve for a random while, then die at a random moment of the traffic.
            try:
                await asyncio.wait_for(done.wait(), random.uniform(args.kill_min, args.kill_max))
                return
            except TimeoutError:
                pass
            # The whole server: gunicorn master, web workers, task worker; no cleanup.
            await loop.run_in_executor(None, kill_server, server["procs"])
            state["kills"] += 1
            state["killed_at"] = time.perf_counter()
            server["procs"] = start_server(
                args.bind, workers=args.workers, threads=args.threads, worker=True, log=log, direct=True
            )

    async def main():
        counter = iter(range(args.captures))
        done = asyncio.Event()
        chaos = asyncio.create_task(killer(done))
        await asyncio.gather(*(client(counter) for _ in range(args.concurrency)))
        done.set()
        await chaos

    started = time.perf_counter()
    asyncio.run(main())
    sent = time.perf_counter() - started
    # The worker in the (last) server drains the intake; wait for it, then look.
    intake = CaptureRequest.objects.filter(form_id=info["form_id"], key__startswith=f"{run}-")
    drain_started = time.perf_counter()
    while (
        intake.filter(status="pending").exists() and time.perf_counter() - drain_started < args.drain_timeout
    ):
        time.sleep(2)
    drained_by_worker = not intake.filter(status="pending").exists()
    drain_seconds = time.perf_counter() - drain_started
    kill_server(server["procs"], signal.SIGTERM)
    if not drained_by_worker:
        capture_drain()
    leads = Lead.objects.filter(email__contains=f".{run}@")
    result = {
        "test": "SIGKILL with client retries",
        "captures": args.captures,
        "acknowledged": len(state["acked"]),
        "refused": state["refused"],
        "client_retries": state["retries"],
        "server_kills": state["kills"],
        "kill_to_first_202_s": (
            {"median": round(statistics.median(state["gaps"]), 1), "max": round(max(state["gaps"]), 1)}
            if state["gaps"]
            else None
        ),
        "sending_seconds": round(sent, 1),
        "captures_per_second": round(len(state["acked"]) / sent, 1),
        "drained_by_worker": drained_by_worker,
        "drain_seconds_after_sending": round(drain_seconds, 1),
        "intake_rows": intake.count(),
        "intake_distinct_keys": intake.values("key").distinct().count(),
        "intake_status": dict(intake.values_list("status").annotate(n=Count("pk"))),
        "leads": leads.count(),
        "distinct_lead_emails": leads.values("email").distinct().count(),
        "distinct_leads_linked_from_intake": intake.exclude(lead=None).values("lead").distinct().count(),
        "touches": LeadTouch.objects.filter(lead__in=leads).count(),
        "load_before": load,
        "load_after": _load(),
    }
    n = args.captures
    result["ok"] = (
        result["acknowledged"] == n
        and result["intake_rows"] == result["intake_distinct_keys"] == n
        and result["intake_status"] == {"done": n}
        and result["leads"] == result["distinct_lead_emails"] == n
        and result["distinct_leads_linked_from_intake"] == n
        and result["touches"] == n
    )
    return _print(result)


# ---------------------------------------------------------------- SLA escalation latency


def sla(args) -> dict:
    _django()
    import datetime

    from django.db import connection
    from django.utils import timezone

    from hamsu.core.bulk import insert_rows
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
    from hamsu.funnel.demo_rows import LEAD_COLUMNS

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
        from hamsu.core.bulk import reset_sequences

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

    def raw_options(p):
        p.add_argument("--raw-seconds", type=float, default=30)
        p.add_argument("--raw-clients", type=int, default=32, help="as many as the server's DB connections")
        p.add_argument("--python-raw", action="store_true", help="a psycopg loop instead of pgbench")

    def capture_options(p):
        p.add_argument("--url", default="http://127.0.0.1:8800")
        p.add_argument("--seconds", type=float, default=60)
        p.add_argument("--connections", type=int, default=32)
        p.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
        p.add_argument("--wrk-threads", type=int, default=2)

    def bulk_options(p):
        p.add_argument("--batches", type=int, default=20)
        p.add_argument("--size", type=int, default=5000)
        p.add_argument("--concurrency", type=int, default=2)

    def server_options(p, bind):
        p.add_argument("--bind", default=bind)
        p.add_argument("--workers", type=int, default=2)
        p.add_argument("--threads", type=int, default=16)

    raw_options(sub.add_parser("raw-insert"))
    capture_options(sub.add_parser("capture"))
    p = sub.add_parser("bulk")
    p.add_argument("--url", default="http://127.0.0.1:8800")
    bulk_options(p)
    p = sub.add_parser("drain")
    p.add_argument("--in-process", action="store_true")
    p.add_argument("--timeout", type=float, default=1800)
    p = sub.add_parser("all")
    raw_options(p)
    capture_options(p)
    bulk_options(p)
    server_options(p, "127.0.0.1:8800")
    p.add_argument("--no-worker", action="store_true", help="web only; drain afterwards with `drain`")
    p = sub.add_parser("sigkill")
    server_options(p, "127.0.0.1:8810")
    p.add_argument("--captures", type=int, default=100_000)
    p.add_argument("--concurrency", type=int, default=64)
    p.add_argument("--timeout", type=float, default=15.0, help="client timeout per attempt (s)")
    p.add_argument("--kill-min", type=float, default=10.0, help="seconds of serving before a kill, at least")
    p.add_argument("--kill-max", type=float, default=30.0, help="seconds of serving before a kill, at most")
    p.add_argument("--drain-timeout", type=float, default=1800.0)
    p = sub.add_parser("sla")
    p.add_argument("--handoffs", type=int, default=100_000)
    p.add_argument("--spread", type=float, default=60.0)
    p.add_argument("--interval", type=float, default=5.0)
    import capture_sustained  # beside this file: the sustained mode and the worker profile

    capture_sustained.add_parser(sub)
    capture_sustained.add_profile_parser(sub)
    capture_sustained.add_profile_web_parser(sub)
    args = parser.parse_args(argv)
    commands = {
        "sustained": capture_sustained.sustained,
        "profile": capture_sustained.profile,
        "profile-web": capture_sustained.profile_web,
        "setup": setup,
        "raw-insert": raw_insert,
        "capture": capture,
        "bulk": bulk,
        "drain": drain,
        "all": everything,
        "sigkill": sigkill,
        "sla": sla,
    }
    commands[args.command](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
