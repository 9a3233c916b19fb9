"""Run the scheduled jobs (see hamsu.core.clock); ``hamsu serve`` starts this beside the worker."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand, CommandError

from hamsu.core import clock, leases
from hamsu.core.models import ClockJob


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs when they are due: aggregate refresh, forecast snapshots, digests, reminders."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=15.0, help="Seconds between looks.")
        parser.add_argument("--once", action="store_true", help="Run what is due now, then stop.")
        parser.add_argument("--list", action="store_true", help="List the jobs and how they last ran.")
        parser.add_argument("--run", metavar="JOB", help="Run one job now, whatever its schedule.")

    def handle(self, *args, interval, once, list: bool, run, **options):  # noqa: A002
        if list:
            clock.clock_jobs_mark_interrupted()
            rows = {row.name: row for row in ClockJob.objects.all()}
            for job in clock.jobs():
                row = rows.get(job.name)
                last = (
                    row.last_started_at.isoformat(timespec="seconds") if row and row.last_started_at else "-"
                )
                status = row.status if row else ClockJob.Status.NEVER
                self.stdout.write(f"{job.name:28} {job.schedule.describe():32} {status:11} {last}")
            return
        if run:
            job = next((j for j in clock.jobs() if j.name == run), None)
            if job is None:
                raise CommandError(f"No job {run!r}; see hamsu clock --list.")
            try:
                row = clock.run_job(job)
            except leases.LeaseHeld:
                raise CommandError(
                    f"{run} is running now in another process; see hamsu clock --list."
                ) from None
            self.stdout.write(f"{job.name}: {row.status}\n{row.output}")
            return
        if once:
            for row in clock.run_due():
                self.stdout.write(f"{row.name}: {row.status}")
            return
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_a: stopping.append(True))
        if options["verbosity"] > 0:
            self.stdout.write(f"clock: {len(clock.jobs())} jobs, looking every {interval:g} s")
        clock.run_forever(interval=interval, should_stop=lambda: bool(stopping))
