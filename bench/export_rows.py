"""Benchmark: export N contacts to CSV and XLSX through the real export path
(visibility filter, column-wise chunks, formula neutralising — what the export page and
``GET /api/v1/data/exports/contacts`` run).

    .venv/bin/python bench/export_rows.py [--rows 1000000] [--compare [--xlsx-rows 100000]]
    .venv/bin/python bench/export_rows.py --rows 1000000 \\
        --database-url postgres://hamsu:hamsu@127.0.0.1:5432/hamsu_dataio --reset

Self-contained: it migrates the database (by default a fresh SQLite file in a temporary
directory; on PostgreSQL a database of its own — ``--reset`` empties its contacts),
inserts the contacts with the demo's bulk writer (0.1 % with a formula in the last name,
every phone starting with "+", which the export must neutralise too), then times, each in
a fresh process: CSV as a head of sales (sees every row), CSV as a sales rep under "own
records" visibility (the filtered query), and XLSX as the head of sales (every row).
``--compare`` also times the paths the page used before, for a before/after on the same
machine: CSV row by row through the ORM (export_rows → write_csv) and XLSX through
openpyxl's write-only mode a value at a time (for the first ``--xlsx-rows`` rows: it
runs at ~8,000 rows per CPU-second).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dataio_measure  # noqa: E402

TABLES = ["crm_contact"]


def setup(rows: int, reset: bool) -> dict:
    from django.contrib.auth.models import Group
    from django.db import connection, transaction
    from django.utils import timezone

    from hamsu.core import roles
    from hamsu.core.bulk import insert_rows
    from hamsu.core.company import company_settings
    from hamsu.core.models import User, Visibility
    from hamsu.directory.models import Person, RoleTitle, Team

    dataio_measure.check_or_reset(TABLES, reset=reset)
    roles.sync_role_groups()
    team, _ = Team.objects.get_or_create(name="Bench", defaults={"function": "sales"})
    people = []
    for name, role in (("Head", roles.HEAD_OF_SALES), ("Rep", roles.SALES_REP)):
        user, _ = User.objects.get_or_create(username=f"bench-{name.lower()}")
        user.groups.add(Group.objects.get(name=role))
        person, _ = Person.objects.get_or_create(
            email=f"{name.lower()}@bench.example",
            defaults={
                "user": user,
                "full_name": name,
                "function": "sales",
                "role_title": RoleTitle.SALES_REP,
                "team": team,
            },
        )
        people.append(person)
    head, rep = people
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    with transaction.atomic():
        insert_rows(
            "crm_contact",
            [
                "first_name",
                "last_name",
                "email",
                "phone",
                "title",
                "country",
                "owner_id",
                "team_id",
                "external_id",
                "created_at",
                "updated_at",
            ],
            (
                (
                    "Sara",
                    "=cmd|' /C calc'!A0" if i % 1000 == 0 else f"Name{i}",
                    f"u{i}@example.com",
                    "+98 21 555",
                    "CTO",
                    "IR",
                    (rep if i % 10 == 0 else head).pk,
                    team.pk,
                    f"X{i}",
                    now,
                    now,
                )
                for i in range(rows)
            ),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE crm_contact")
    settings = company_settings()
    settings.visibility = Visibility.OWN
    settings.save()
    return {"inserted": rows, "seconds": round(time.perf_counter() - started, 1)}


def write_xlsx_with_openpyxl(path, header, rows, *, title: str) -> int:
    """The XLSX export until December 2026: openpyxl, write-only, a value at a time."""
    import datetime
    from decimal import Decimal

    import openpyxl
    from django.utils import timezone

    from hamsu.core.http import spreadsheet_text

    def value_of(value):
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        if isinstance(value, str):
            return spreadsheet_text(value)
        if isinstance(value, Decimal):
            return float(value)
        return value

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([spreadsheet_text(h) for h in header])
    count = 0
    for row in rows:
        sheet.append([value_of(v) for v in row])
        count += 1
    book.save(path)
    return count


def export(kind: str, who: str, path: str, limit: int) -> dict:
    from hamsu.core.models import User
    from hamsu.dataio.exporters import write_csv, write_csv_columns, write_xlsx
    from hamsu.dataio.selectors import EXPORTS, export_columns, export_rows

    user = User.objects.get(username=f"bench-{who}")
    spec = EXPORTS["contacts"]
    result: dict = {}
    with dataio_measure.measured(result):
        if kind == "csv":
            count = write_csv_columns(path, spec.header, export_columns(user=user, kind="contacts"))
        elif kind == "csv-orm-rows":
            count = write_csv(path, spec.header, export_rows(user=user, kind="contacts"))
        elif kind == "xlsx":
            chunks = export_columns(user=user, kind="contacts", datetimes="aware")
            count = write_xlsx(path, spec.header, chunks, title="contacts")
        else:
            rows = export_rows(user=user, kind="contacts")
            limited = (row for _n, row in zip(range(limit), rows, strict=False))
            count = write_xlsx_with_openpyxl(path, spec.header, limited, title="contacts")
        result["rows"] = count
    result["file_mb"] = round(Path(path).stat().st_size / 1e6)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default="", help="default: a new SQLite file in a temporary directory"
    )
    parser.add_argument(
        "--reset", action="store_true", help="empty the contacts of an existing database first"
    )
    parser.add_argument("--compare", action="store_true", help="also time the row-by-row ORM path")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        import django

        django.setup()
        command, who, path, number = args.child
        if command == "setup":
            print(json.dumps(setup(int(number), who == "reset")))
        else:
            print(json.dumps(export(command, who, path, int(number))))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="hamsu-export-bench-"))
    url = args.database_url or dataio_measure.sqlite_url(str(workdir / "bench.sqlite3"))
    env = dataio_measure.migrate(url, ROOT)

    def child(*values) -> dict:
        out = subprocess.run(
            [sys.executable, __file__, "--child", *map(str, values)],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    made = child("setup", "reset" if args.reset else "keep", "-", args.rows)
    print(f"inserted {made['inserted']:,} contacts in {made['seconds']} s; database: {url.split('@')[-1]}")
    runs = [
        ("csv, head of sales (all rows)", "csv", "head", "contacts.csv"),
        ("csv, sales rep (own rows)", "csv", "rep", "contacts.csv"),
        ("xlsx, head of sales", "xlsx", "head", "contacts.xlsx"),
    ]
    if args.compare:
        runs.insert(1, ("csv via ORM rows (before), head of sales", "csv-orm-rows", "head", "contacts.csv"))
        runs.append(("xlsx via openpyxl (before), head of sales", "xlsx-openpyxl", "head", "contacts.xlsx"))
    for label, command, who, name in runs:
        print(f"  {dataio_measure.machine()}")
        result = child(command, who, workdir / name, args.xlsx_rows)
        print(f"{label}: {json.dumps(result)}")
    print(f"  {dataio_measure.machine()}")
    shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
