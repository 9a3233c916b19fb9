"""`hamsu capture_drain`: turn every pending capture into its lead — single captures in the
intake and bulk batches still queued (e.g. after a crash, or with no worker running)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from hamsu.funnel.services.capture_process import capture_drain


class Command(BaseCommand):
    help = "Process pending lead captures (single and bulk)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep draining")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between runs with --loop")

    def handle(self, *args, loop=False, interval=5.0, **options):
        while True:
            self.stdout.write(f"processed {capture_drain()} capture(s)")
            if not loop:
                return
            time.sleep(interval)
