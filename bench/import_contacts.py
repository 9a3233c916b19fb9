"""Benchmark: import N contacts from CSV through the real import path (validation with the
model fields, de-duplication by external id and e-mail, bulk insert, one transaction).

    .venv/bin/python bench/import_contacts.py [--rows 1000000] [--db /tmp/bench.sqlite3]

The CSV is generated first (streamed to a temporary file; 0.5 % of rows repeat an earlier
e-mail, 0.1 % carry an invalid e-mail), then imported twice: once into the empty database
(all inserts) and once more (all matches: the idempotent re-import). Peak memory is the
process's maximum resident set size, measured in a fresh subprocess per run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    first = ["Sara", "Omid", "Lina", "Reza", "Mina", "Arash", "Nika", "Kian", "Zoë", "Ali"]
    last = ["Ahmadi", "Karimi", "Moradi", "Rezaei", "Hosseini", "Smith", "Novak", "García", "Ivanova", "Chen"]
    titles = ["CTO", "Buyer", "Head of IT", "Procurement", "CFO", ""]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Job Title"])
        for i in range(rows):
            roll = rng.random()
            if roll < 0.005 and i > 10:
                email = f"user{rng.randrange(i)}@example.com"  # repeats an earlier contact
            elif roll < 0.006:
                email = f"broken-{i}-at-example"
            else:
                email = f"user{i}@example.com"
            writer.writerow(
                [
                    f"HS{i}",
                    rng.choice(first),
                    rng.choice(last),
                    email,
                    f"+98 21 {rng.randrange(10**7):07d}",
                    rng.choice(titles),
                ]
            )


def run_import(path: str, db: str) -> dict:
    """Runs in a subprocess: Django set up, one import, timings and peak memory."""
    os.environ["HAMSU_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
    import django

    django.setup()
    from hamsu.dataio import services

    started = time.perf_counter()
    cpu_started = time.process_time()
    job = services.import_job_create(actor=None, kind="contacts", path=path, via="cli")
    job = services.import_job_execute(job_id=job.pk, dry_run=False)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    return {
        "status": job.status,
        "rows": job.total_rows,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "duplicates": job.duplicate_count,
        "errors": job.error_count,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(job.total_rows / elapsed),
        # The machine is shared: CPU seconds say what the import costs, wall time what it took.
        "cpu_seconds": round(cpu, 2),
        "rows_per_cpu_second": round(job.total_rows / cpu),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", default="")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_import(*args.child)))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="hamsu-bench-"))
    db = args.db or str(workdir / "bench.sqlite3")
    csv_path = workdir / "contacts.csv"
    started = time.perf_counter()
    generate(csv_path, args.rows)
    print(
        f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
    )
    env = {**os.environ, "HAMSU_DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "hamsu.settings"}
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    for label in ("first import (inserts)", "re-import (all matched)"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(csv_path), db],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{label}: {json.dumps(result)}")
    print(f"load average: {os.getloadavg()}, cpus: {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
