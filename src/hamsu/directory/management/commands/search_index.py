"""Build or refresh the word index of the "who to contact" search."""

from django.core.management.base import BaseCommand

from hamsu.directory import search_index


class Command(BaseCommand):
    help = "Refresh the people/account search index with recent changes, or --rebuild it."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, rebuild, **options):
        if rebuild:
            self.stdout.write(f"Indexed {search_index.rebuild():,} words.")
            return
        refreshed = search_index.refresh_changed()
        if refreshed is None:
            self.stdout.write("No index yet: built it from scratch.")
        else:
            counts = ", ".join(f"{count:,} {kind}" for kind, count in refreshed.items())
            self.stdout.write(f"Refreshed records changed since the last run: {counts}.")
