"""Import people from an HR CSV feed; prints a row-level report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hamsu.core.errors import DomainError
from hamsu.directory import services


class Command(BaseCommand):
    help = "Create or update directory people from a CSV file (matched by e-mail)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save nothing.")

    def handle(self, *args, file, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"No file {file}.")
        try:
            rows = services.read_csv(file.read_bytes())
            report = services.people_import(rows=rows, actor=None, dry_run=dry_run, via="cli")
        except DomainError as error:
            raise CommandError(f"{error.message}: {error.errors}") from error
        for row in report.rows:
            if row.status == "error":
                problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in row.errors.items())
                self.stdout.write(f"row {row.row} ({row.email}): ERROR {problems}")
        summary = report.summary
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(
            f"{prefix}{summary['created']} created, {summary['updated']} updated, {summary['error']} with errors."
        )
        if summary["error"]:
            raise SystemExit(1)
