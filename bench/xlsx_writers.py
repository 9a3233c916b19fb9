"""Benchmark: the XLSX writers on PyPI, on the same rows, in one run — speed, peak memory
and whether the file reads back exactly as the export's current writer's does.

    .venv/bin/python bench/xlsx_writers.py --rows 1000000
    # the writers the project does not depend on, in a throw-away environment:
    .venv/bin/uv run --no-project --python .venv/bin/python \\
        --with openpyxl --with lxml --with xlsxwriter --with pyexcelerate \\
        --with rustpy-xlsxwriter --with fastxlsxio --with jetxl --with polars \\
        python bench/xlsx_writers.py --rows 1000000

No Django: the rows are the contacts export's, as ``selectors.export_rows`` hands them to
the writer once each value has been made a spreadsheet value (an int id, nine texts —
0.1 % of last names a neutralised formula, every phone "'+98 …" —, an empty account and
a local wall-clock datetime with microseconds). So this measures the writers alone; the
whole export path (database, conversion, writer) is ``bench/export_rows.py``.

Each writer runs in a fresh process: CPU seconds (user + system, the figure to read on a
loaded machine), wall seconds, peak RSS and the RSS before the first row (imports and
set-up), at ``--rows`` and at a tenth of it, so "flat in the number of rows" shows as
the same peak at both sizes.

Correctness: every writer also writes ``SAMPLE`` — the values an export can hold (text
that looks like a formula or a link, markup characters, Persian, blanks and spaces,
ints, floats, dates, datetimes with microseconds, booleans, None) — and the file is read
back with openpyxl; it must read back exactly as openpyxl's own write-only file does
(what the export wrote until now). Differences are printed.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

HEADER = [
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "account",
    "country",
    "owner",
    "external_id",
    "created_at",
]
DATE_FORMAT = "yyyy-mm-dd"  # openpyxl's formats for dates and datetimes: the export's
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"


def contact_rows(count: int) -> Iterable[tuple]:
    start = datetime.datetime(2026, 1, 5, 9, 30, 0, 123456)
    step = datetime.timedelta(seconds=17, microseconds=3)
    for i in range(count):
        yield (
            i + 1,
            "Sara",
            "'=cmd|' /C calc'!A0" if i % 1000 == 0 else f"Name{i}",
            f"u{i}@example.com",
            "'+98 21 555",
            "CTO",
            None,
            "IR",
            "head@bench.example",
            f"X{i}",
            start + step * i,
        )


SAMPLE = [
    (1, '\'=HYPERLINK("http://evil")', "http://example.com", "a & b < c > d \" ' e", "", None),
    (2, "سارا محمدی", "  leading and trailing  ", "line\nbreak", "tab\tinside", True),
    (2**40, "'@SUM(A1)", "'-5", "'+31", "mailto:x@example.com", False),
    (-7, 3.25, 1e-7, 12345678.901, 0.1 + 0.2, 0),
    (
        datetime.date(2026, 3, 20),
        datetime.datetime(2026, 3, 20, 23, 59, 59, 999999),
        datetime.datetime(2026, 3, 21, 0, 0),
        datetime.datetime(1999, 12, 31, 12, 0, 0, 1500),
        "x" * 5000,
        "1e5",
    ),
]


def _typed_columns(rows: list[tuple]) -> list[str]:
    kinds = []
    for column in zip(*rows, strict=True):
        seen = {type(v) for v in column if v is not None}
        kinds.append(seen.pop().__name__ if len(seen) == 1 else "mixed")
    return kinds


# ------------------------------------------------------------------ the writers


def write_openpyxl(path: str, header: list[str], rows: Iterable[tuple]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("contacts")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)


def write_xlsxwriter(path: str, header: list[str], rows: Iterable[tuple]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            # The export already decided what is text: XlsxWriter must not turn a text
            # into a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet("contacts")
    dates = book.add_format({"num_format": DATE_FORMAT})
    stamps = book.add_format({"num_format": DATETIME_FORMAT})
    sheet.write_row(0, 0, header)
    write_string, write_number = sheet.write_string, sheet.write_number
    write_datetime, write_boolean = sheet.write_datetime, sheet.write_boolean
    stamp_class, date_class = datetime.datetime, datetime.date
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            kind = value.__class__
            if value is None:
                continue
            if kind is str:
                write_string(r, c, value)
            elif kind is bool:
                write_boolean(r, c, value)
            elif kind is int or kind is float:
                write_number(r, c, value)
            elif kind is stamp_class:
                write_datetime(r, c, value, stamps)
            elif kind is date_class:
                write_datetime(r, c, value, dates)
            else:
                write_string(r, c, str(value))
    book.close()


def write_pyexcelerate(path: str, header: list[str], rows: Iterable[tuple]) -> None:
    from pyexcelerate import Workbook

    book = Workbook()
    # PyExcelerate takes the whole sheet at once (a list of rows).
    book.new_sheet("contacts", data=[header, *map(list, rows)])
    book.save(path)


def write_rustpy(path: str, header: list[str], rows: Iterable[tuple]) -> None:
    from rustpy_xlsxwriter import write_worksheet

    records = (dict(zip(header, row, strict=True)) for row in rows)
    write_worksheet(records, path, sheet_name="contacts", datetime_format=DATETIME_FORMAT)


def write_fastxlsxio(path: str, header: list[str], rows: Iterable[tuple]) -> None:
    import fastxlsxio as x

    book = x.XIOWWorkbook(path, x.XIOWOptions(constant_memory=True, cache_typehints_write_optimization=False))
    book.add_format({"num_format": DATE_FORMAT}, x.ColTypeHint.Date)
    book.add_format({"num_format": DATETIME_FORMAT}, x.ColTypeHint.DateTime)
    sheet = book.add_worksheet("contacts")
    sheet.write_row(0, 0, header)
    rows, start = iter(rows), 1
    while chunk := list(itertools.islice(rows, 5000)):  # write_rows takes a sequence
        sheet.write_rows(start, 0, chunk)
        start += len(chunk)
    book.save()


def write_jetxl(path: str, header: list[str], rows: Iterable[tuple]) -> None:
    import jetxl
    import polars as pl

    # jetxl takes a whole Arrow table: every row in memory at once.
    frame = pl.DataFrame(list(rows), schema=header, orient="row", infer_schema_length=None)
    jetxl.write_sheet_arrow(frame.to_arrow(), path, sheet_name="contacts")


def write_hamsu(path: str, header: list[str], rows: Iterable[tuple]) -> None:
    from hamsu.core import xlsx

    xlsx.write_workbook(path, [xlsx.Sheet("contacts", header, xlsx.row_chunks(rows))], zone=datetime.UTC)


WRITERS: dict[str, tuple[str, Callable]] = {
    "hamsu.core.xlsx (column-wise, zipfile)": ("hamsu", write_hamsu),
    "openpyxl (write-only; the export until now)": ("openpyxl", write_openpyxl),
    "openpyxl + lxml": ("lxml", write_openpyxl),
    "XlsxWriter (constant_memory)": ("xlsxwriter", write_xlsxwriter),
    "PyExcelerate": ("pyexcelerate", write_pyexcelerate),
    "rustpy-xlsxwriter (Rust, generator of dicts)": ("rustpy_xlsxwriter", write_rustpy),
    "fastxlsxio (Rust, constant_memory)": ("fastxlsxio", write_fastxlsxio),
    "jetxl (Rust, whole Arrow table)": ("jetxl", write_jetxl),
}


# ------------------------------------------------------------------ measuring


def read_back(path: str) -> list[tuple]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def child(name: str, rows: int, path: str) -> dict:
    os.environ["OPENPYXL_LXML"] = "True" if name == "openpyxl + lxml" else "False"
    module, write = WRITERS[name]
    _set_up(module)
    if module == "jetxl":
        importlib.import_module("polars")
    result = {"writer": name, "rows": rows}
    result["rss_before_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    wall, cpu = time.perf_counter(), time.process_time()
    write(path, HEADER, contact_rows(rows))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result.update(
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        rows_per_cpu_s=round(rows / cpu) if cpu else None,
        rows_per_wall_s=round(rows / wall) if wall else None,
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        file_mb=round(Path(path).stat().st_size / 1e6, 1),
    )
    return result


def _set_up(module: str) -> None:
    """Imports and set-up before the clock starts."""
    importlib.import_module(module)
    if module == "hamsu":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
        import django

        django.setup()
        importlib.import_module("hamsu.core.xlsx")


def check(name: str, workdir: Path) -> dict:
    """Write SAMPLE with ``name`` and with openpyxl; compare what openpyxl reads back."""
    os.environ["OPENPYXL_LXML"] = "True" if name == "openpyxl + lxml" else "False"
    module, write = WRITERS[name]
    _set_up(module)
    header = [f"c{i}" for i in range(len(SAMPLE[0]))]
    reference, candidate = workdir / "reference.xlsx", workdir / "candidate.xlsx"
    write_openpyxl(str(reference), header, SAMPLE)
    try:
        write(str(candidate), header, SAMPLE)
    except Exception as error:  # noqa: BLE001 - report any writer's failure as a finding
        return {"writer": name, "sample": f"failed: {type(error).__name__}: {error}"}
    expected, got = read_back(str(reference)), read_back(str(candidate))
    differences = [
        f"row {r} col {c}: {e!r} != {g!r}"
        for r, (erow, grow) in enumerate(zip(expected, got, strict=False))
        for c, (e, g) in enumerate(zip(erow, grow, strict=False))
        if e != g or type(e) is not type(g)
    ]
    if len(expected) != len(got):
        differences.append(f"{len(got)} rows instead of {len(expected)}")
    write_openpyxl(str(reference), HEADER, contact_rows(2000))
    write(str(candidate), HEADER, contact_rows(2000))
    expected, got = read_back(str(reference)), read_back(str(candidate))
    wrong = sum(e != g for e, g in zip(expected, got, strict=False))
    if wrong or len(expected) != len(got):
        differences.append(f"{wrong} of 2,000 contacts rows read back differently, e.g. {got[1]!r}")
    return {"writer": name, "sample": differences or "identical"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", default="", help="a comma-separated part of writer names")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        command, name, value = args.child
        if command == "check":
            print(json.dumps(check(name, Path(value))))
        else:
            rows, path = value.split(":", 1)
            print(json.dumps(child(name, int(rows), path)))
        return 0
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load average {load}; {os.cpu_count()} CPUs")
    print(f"sample columns: {_typed_columns(SAMPLE[:1])}")
    workdir = Path(tempfile.mkdtemp(prefix="hamsu-xlsx-writers-"))
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    for name, (module, _write) in WRITERS.items():
        if wanted and not any(w.lower() in name.lower() for w in wanted):
            continue
        if importlib.util.find_spec(module) is None:
            print(f"{name}: not installed")
            continue

        def run(*values, name=name):
            out = subprocess.run(
                [sys.executable, __file__, "--child", *map(str, values)],
                capture_output=True,
                text=True,
            )
            if out.returncode:
                return {"writer": name, "failed": out.stderr.strip().splitlines()[-1:]}
            return json.loads(out.stdout.strip().splitlines()[-1])

        print(json.dumps(run("check", name, workdir)))
        for rows in (args.rows // 10, args.rows):
            print(json.dumps(run("write", name, f"{rows}:{workdir / 'out.xlsx'}")))
            (workdir / "out.xlsx").unlink(missing_ok=True)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}; load average {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
