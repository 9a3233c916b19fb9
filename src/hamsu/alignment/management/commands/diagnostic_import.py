"""hamsu diagnostic_import ROUND_ID FILE — import answers collected elsewhere into a round.

The CSV has the columns respondent,function,s1..s20. All or nothing: when any row is bad
nothing is written and every problem is printed with its line and column.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hamsu.alignment import services
from hamsu.alignment.models import Round
from hamsu.core.errors import DomainError


class Command(BaseCommand):
    help = "Import diagnostic responses (CSV: respondent,function,s1..s20) into a round."

    def add_arguments(self, parser):
        parser.add_argument("round_id", type=int)
        parser.add_argument("file", type=Path)

    def handle(self, *args, round_id: int, file: Path, **options):
        round_ = Round.objects.filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"No round with id {round_id}.")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            report = services.responses_import(round=round_, actor=None, text=text, via="cli")
        except DomainError as error:
            raise CommandError(error.summary()) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        if not report.ok:
            for e in report.errors:
                where = ", ".join(p for p in (f"line {e['line']}" if e["line"] else "", e["field"]) if p)
                self.stderr.write(f"{where}: {e['message']}" if where else e["message"])
            raise CommandError(f"Nothing imported: {len(report.errors)} problem(s).")
        self.stdout.write(f"Imported {report.created} responses into round {round_.pk} ({round_.name}).")
