"""`hamsu capture_drain`: process bulk capture batches still queued (e.g. after a crash)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hamsu.funnel.services.capture import capture_drain


class Command(BaseCommand):
    help = "Process queued bulk lead-capture batches."

    def handle(self, *args, **options):
        self.stdout.write(f"processed {capture_drain()} batch(es)")
