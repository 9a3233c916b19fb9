"""hamsu backup FILE — the whole company's data in one zip (see hamsu.dataio.backup)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hamsu.dataio.backup import backup_write


class Command(BaseCommand):
    help = "Write a full backup archive (zip: manifest + one JSON Lines file per table)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        manifest = backup_write(options["file"])
        total = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"{options['file']}: {len(manifest['tables'])} tables, {total} rows")
