"""`hamsu capture_prune`: delete processed lead-capture submissions past their keeping time."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hamsu.funnel.services.capture_retention import capture_prune


class Command(BaseCommand):
    help = "Delete processed capture submissions older than HAMSU_CAPTURE_KEEP_DAYS (failed ones are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Keep this many days instead.")

    def handle(self, *args, days, **options):
        counts = capture_prune(keep_days=days)
        self.stdout.write(f"deleted {counts['requests']:,} single and {counts['items']:,} bulk submissions")
