"""Benchmark: import N contacts from CSV through the real import path (validation with the
model fields, de-duplication by external id and e-mail, bulk insert, one transaction).

    .venv/bin/python bench/import_contacts.py [--rows 1000000]
    .venv/bin/python bench/import_contacts.py --rows 1000000 \\
        --database-url postgres://hamsu:hamsu@127.0.0.1:5432/hamsu_dataio --reset

Self-contained: it generates the CSV (a HubSpot-style export streamed to a temporary
file; 0.5 % of rows repeat an earlier e-mail, 0.1 % carry an invalid e-mail), migrates
the database (by default a fresh SQLite file in a temporary directory; on PostgreSQL give
a database of its own — ``--reset`` empties its contacts first), then imports the file
twice, each time in a fresh process: into the empty table (all inserts) and again (every
row matched: the idempotent re-import). ``--dry-run`` adds a dry run of the first import;
``--companies N`` adds a "Company Name" column naming N companies, which the import
creates as accounts the first time a row names them.

Each run reports rows/s on the wall clock, CPU seconds, peak RSS and where the rest of
the wall time went (see dataio_measure.py), then the load average.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataio_measure  # noqa: E402

TABLES = ["crm_contact", "crm_account", "dataio_importissue", "dataio_importjob"]


def generate(path: Path, rows: int, seed: int = 7, companies: int = 0) -> None:
    rng = random.Random(seed)
    first = ["Sara", "Omid", "Lina", "Reza", "Mina", "Arash", "Nika", "Kian", "Zoë", "Ali"]
    last = ["Ahmadi", "Karimi", "Moradi", "Rezaei", "Hosseini", "Smith", "Novak", "García", "Ivanova", "Chen"]
    titles = ["CTO", "Buyer", "Head of IT", "Procurement", "CFO", ""]
    header = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Job Title"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header + (["Company Name"] if companies else []))
        for i in range(rows):
            roll = rng.random()
            if roll < 0.005 and i > 10:
                email = f"user{rng.randrange(i)}@example.com"  # repeats an earlier contact
            elif roll < 0.006:
                email = f"broken-{i}-at-example"
            else:
                email = f"user{i}@example.com"
            row = [
                f"HS{i}",
                rng.choice(first),
                rng.choice(last),
                email,
                f"+98 21 {rng.randrange(10**7):07d}",
                rng.choice(titles),
            ]
            if companies:  # accounts the import creates as it meets them (one per name)
                row.append(f"Company {rng.randrange(companies)}")
            writer.writerow(row)


def child(command: str, path: str, reset: bool) -> dict:
    """Runs in a fresh process (so peak RSS is this run's): Django set up, one import."""
    import django

    django.setup()
    if command == "prepare":
        dataio_measure.check_or_reset(TABLES, reset=reset)
        return {}
    from hamsu.dataio import services

    result: dict = {}
    with dataio_measure.measured(result):
        job = services.import_job_create(actor=None, kind="contacts", path=path, via="cli")
        job = services.import_job_execute(job_id=job.pk, dry_run=command == "dry-run")
        result.update(
            status=job.status,
            rows=job.total_rows,
            created=job.created_count,
            updated=job.updated_count,
            unchanged=job.unchanged_count,
            duplicates=job.duplicate_count,
            errors=job.error_count,
        )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default="", help="default: a new SQLite file in a temporary directory"
    )
    parser.add_argument(
        "--reset", action="store_true", help="empty the contacts of an existing database first"
    )
    parser.add_argument("--dry-run", action="store_true", help="also time a dry run before the first import")
    parser.add_argument(
        "--companies", type=int, default=0, help="add a Company Name column with this many distinct companies"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        command, path, reset = args.child
        print(json.dumps(child(command, path, reset == "1")))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="hamsu-import-bench-"))
    url = args.database_url or dataio_measure.sqlite_url(str(workdir / "bench.sqlite3"))
    csv_path = workdir / "contacts.csv"
    started = time.perf_counter()
    generate(csv_path, args.rows, companies=args.companies)
    print(
        f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    env = dataio_measure.migrate(url, ROOT)
    print(f"database: {url.split('@')[-1]}; {dataio_measure.machine()}")

    def run(command: str) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--child", command, str(csv_path), "1" if args.reset else "0"],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    run("prepare")
    runs = [("dry run (rolled back)", "dry-run")] if args.dry_run else []
    runs += [("first import (inserts)", "import"), ("re-import (all matched)", "import")]
    for label, command in runs:
        print(f"{label}: {json.dumps(run(command))}")
        print(f"  {dataio_measure.machine()}")
    shutil.rmtree(workdir)  # the CSV, and the SQLite database unless one was given
    return 0


if __name__ == "__main__":
    sys.exit(main())
