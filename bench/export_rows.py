"""Benchmark: export N contacts to CSV (and a smaller XLSX) through the real export path
(visibility filter, values_list streaming, formula neutralising).

    .venv/bin/python bench/export_rows.py [--rows 1000000] [--xlsx-rows 100000]

Contacts are inserted first with the demo's bulk writer into a fresh SQLite file; the
export then runs as a head of sales (sees everything) and as a sales rep under "own
records" visibility (the filtered query).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="hamsu-export-bench-"))
    os.environ["HAMSU_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from hamsu.core import roles
    from hamsu.dataio.exporters import write_csv, write_xlsx
    from hamsu.dataio.selectors import EXPORTS, export_rows
    from hamsu.demo.bulk import insert_rows
    from hamsu.directory.models import Person, RoleTitle, Team

    call_command("migrate", verbosity=0)
    roles.sync_role_groups()
    from django.contrib.auth.models import Group

    from hamsu.core.models import User

    team = Team.objects.create(name="Bench", function="sales")
    people = []
    for name, role in (("Head", roles.HEAD_OF_SALES), ("Rep", roles.SALES_REP)):
        user = User.objects.create_user(username=name.lower())
        user.groups.add(Group.objects.get(name=role))
        people.append(
            Person.objects.create(
                user=user,
                full_name=name,
                email=f"{name}@bench.example",
                function="sales",
                role_title=RoleTitle.SALES_REP,
                team=team,
            )
        )
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
                for i in range(args.rows)
            ),
        )
    print(f"inserted {args.rows:,} contacts in {time.perf_counter() - started:.1f} s")
    from hamsu.core.models import CompanySettings, Visibility

    CompanySettings.objects.create(visibility=Visibility.OWN)
    spec = EXPORTS["contacts"]
    results = {}
    for label, person in (("csv, head of sales (all rows)", head), ("csv, sales rep (own rows)", rep)):
        path = workdir / "contacts.csv"
        started, cpu = time.perf_counter(), time.process_time()
        count = write_csv(str(path), spec.header, export_rows(user=person.user, kind="contacts"))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        results[label] = {
            "rows": count,
            "seconds": round(wall, 2),
            "rows_per_second": round(count / wall),
            "cpu_seconds": round(cpu, 2),
            "rows_per_cpu_second": round(count / cpu),
            "mb": round(path.stat().st_size / 1e6),
        }
    rows = export_rows(user=head.user, kind="contacts")
    limited = (row for _n, row in zip(range(args.xlsx_rows), rows, strict=False))
    started, cpu = time.perf_counter(), time.process_time()
    count = write_xlsx(workdir / "contacts.xlsx", spec.header, limited, title="contacts")
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    results["xlsx, head of sales"] = {
        "rows": count,
        "seconds": round(wall, 2),
        "rows_per_second": round(count / wall),
        "cpu_seconds": round(cpu, 2),
    }
    for label, result in results.items():
        print(f"{label}: {json.dumps(result)}")
    print(
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; load average {os.getloadavg()}, cpus {os.cpu_count()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
