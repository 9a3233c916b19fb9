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

    def handle(self, *args, loop=False, interval=15.0, **options):
        while True:
            escalated = sla_check()
            self.stdout.write(f"escalated {escalated} breach(es)")
            if not loop:
                return
            time.sleep(interval)
