"""hamsu webhooks [--loop SECONDS] — emit events from the funnel's logs, send due deliveries.

Run it from cron or as a long-lived process with --loop; several copies are safe (the
scanner's bookmark row is locked while it reads, deliveries are at-least-once and carry
an event id receivers use to de-duplicate).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from hamsu.dataio.scanner import scan
from hamsu.dataio.webhooks import deliver_due


class Command(BaseCommand):
    help = "Scan stage events and SLA breaches into webhook events and send due deliveries."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):
        try:
            self._run(options)
        except KeyboardInterrupt:
            return  # Ctrl+C stops the loop (hamsu serve stops with it) without a traceback

    def _run(self, options):
        while True:
            emitted = scan()
            sent = deliver_due()
            if options["verbosity"] > 0 and (emitted or sent):
                self.stdout.write(f"emitted {emitted} event deliveries, attempted {sent}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
