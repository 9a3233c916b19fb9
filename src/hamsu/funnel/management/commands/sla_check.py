"""`hamsu sla_check`: escalate handoffs past their deadline, exactly once each.

Run it every minute from cron or a systemd timer, or with --loop as a small daemon.
Several copies may run at once: each breach is claimed by one atomic UPDATE.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from hamsu.funnel.services.handoff import sla_check


class Command(BaseCommand):
    help = "Escalate SLA breaches of open handoffs (each exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep checking")
        parser.add_argument("--interval", type=float, default=15.0, help="seconds between checks with --loop")

    def handle(self, *args, loop=False, interval=15.0, verbosity=1, **options):
        try:
            self._run(loop=loop, interval=interval, verbosity=verbosity)
        except KeyboardInterrupt:
            return  # Ctrl+C stops the loop (hamsu serve stops with it) without a traceback

    def _run(self, *, loop, interval, verbosity):
        while True:
            escalated = sla_check()
            # A loop says something only when there was something to escalate (not
            # "escalated 0" every few seconds); -v 0 silences it (hamsu serve --quiet).
            if verbosity > 0 and (escalated or not loop):
                self.stdout.write(f"escalated {escalated} breach(es)")
            if not loop:
                return
            time.sleep(interval)
