"""hamsu restore FILE [--replace] — restore a backup into an empty (migrated) instance."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hamsu.core.errors import DomainError
from hamsu.dataio.backup import restore_path


class Command(BaseCommand):
    help = "Restore a backup archive into this instance (which must be empty unless --replace)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--replace", action="store_true", help="replace the data this instance holds")

    def handle(self, *args, **options):
        try:
            counts = restore_path(options["file"], replace=options["replace"])
        except DomainError as error:
            details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in error.errors.items())
            raise CommandError(f"{error.message} {details}") from None
        self.stdout.write(f"restored {len(counts)} tables, {sum(counts.values())} rows")
