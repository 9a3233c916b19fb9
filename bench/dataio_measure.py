"""What the data-in-and-out benchmarks measure, and the database they run against.

On a shared machine the wall clock says more about the other processes than about the
code, so every run reports where its wall time went (Linux ``/proc/<pid>/schedstat``):

- ``cpu_s``: CPU time of this process (user + system);
- ``waiting_for_cpu_s``: time it was ready to run but another process had the CPU;
- ``blocked_s``: the rest of the wall time — disk, locks, and (PostgreSQL) the server;
- on PostgreSQL, ``server_cpu_s`` and ``server_waiting_for_cpu_s`` of the backend that
  served the run (same machine: its ``/proc`` entry is readable);
- ``quiet_wall_estimate_s``: what the wall clock would be with nobody else on the
  machine, conservatively: this process's CPU plus the server's CPU as if they never ran
  at the same time, plus blocked time neither explains (disk, locks). An estimate, not a
  measurement: re-measure on a quiet machine.
"""

from __future__ import annotations

import glob
import os
import resource
import time
from contextlib import contextmanager


def schedstat(pid: int | str = "self") -> tuple[float, float] | None:
    """(seconds on a CPU, seconds waiting for one) summed over the process's threads."""
    on_cpu = waiting = 0
    found = False
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as handle:
                ran, waited, _slices = handle.read().split()
        except (OSError, ValueError):
            continue
        on_cpu += int(ran)
        waiting += int(waited)
        found = True
    return (on_cpu / 1e9, waiting / 1e9) if found else None


def backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@contextmanager
def measured(result: dict, rows_key: str = "rows"):
    """Fill ``result`` with the run's timings; ``result[rows_key]`` is set by the caller."""
    server = backend_pid()
    before = schedstat(), schedstat(server) if server else None
    wall, cpu = time.perf_counter(), time.process_time()
    yield result
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = schedstat(), schedstat(server) if server else None
    rows = result.get(rows_key) or 0
    result.update(
        wall_s=round(wall, 2),
        rows_per_s=round(rows / wall) if wall else None,
        cpu_s=round(cpu, 2),
        rows_per_cpu_s=round(rows / cpu) if cpu else None,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    )
    blocked = server_cpu = server_waited = 0.0
    if before[0] and after[0]:
        waited = after[0][1] - before[0][1]
        blocked = max(0.0, wall - cpu - waited)
        result.update(waiting_for_cpu_s=round(waited, 2), blocked_s=round(blocked, 2))
    else:
        return
    if before[1] and after[1]:
        server_cpu, server_waited = (after[1][0] - before[1][0], after[1][1] - before[1][1])
        result.update(server_cpu_s=round(server_cpu, 2), server_waiting_for_cpu_s=round(server_waited, 2))
    # Conservative: both processes' CPU one after the other (no overlap), plus whatever
    # blocked time the server's CPU and run-queue time do not explain (disk, locks).
    estimate = cpu + server_cpu + max(0.0, blocked - server_cpu - server_waited)
    result.update(
        quiet_wall_estimate_s=round(estimate, 2),
        rows_per_s_quiet_estimate=round(rows / estimate) if estimate else None,
    )


def machine() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"load average {load}; {os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d %H:%M:%S %Z')}"


def sqlite_url(path: str) -> str:
    return f"sqlite:///{path}"


def migrate(url: str, root) -> dict:
    """Bring the benchmark's database up to date; returns the environment for children."""
    import subprocess
    import sys

    env = {**os.environ, "HAMSU_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "hamsu.settings"}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], check=True, env=env, cwd=root)
    return env


def check_or_reset(tables: list[str], *, reset: bool) -> None:
    """(In a child, Django set up.) A benchmark writes to its tables: on a database that
    already holds contacts, refuse unless ``reset`` — then empty them (a dedicated
    database only, e.g. ``hamsu_dataio``)."""
    import sys

    from django.db import connection

    if connection.vendor == "sqlite" and not reset:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crm_contact")
        count = cursor.fetchone()[0]
        if count and not reset:
            sys.exit(f"The database holds {count:,} contacts: pass --reset to empty {', '.join(tables)}.")
        if reset:
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            else:
                for table in tables:
                    cursor.execute(f"DELETE FROM {table}")
