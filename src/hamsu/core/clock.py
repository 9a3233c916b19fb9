"""The clock: runs the product's scheduled jobs, so a company needs no cron of its own.

Each app registers its jobs from ``AppConfig.ready()`` (the scorecard's aggregate refresh
every minute, its weekly forecast snapshot, the monthly digests, the daily reminders…);
``hamsu clock`` wakes every few seconds and runs what is due, one job at a time, each
through its management command (the same code as running the command by hand). ``hamsu
serve`` starts it beside the task worker.

When a job last started is kept in ``ClockJob``, so a restart neither repeats nor skips
work, and a job is claimed with a conditional UPDATE on that time: two clocks (two
servers) never run the same occurrence twice. A calendar job (daily, weekly, monthly)
first runs at its next time after the clock first sees it — starting a server on the
20th does not send the monthly digest that day.

A job runs holding a lease (``hamsu.core.leases``, one per job): a job marked "running"
whose lease no live process holds was killed mid-run (SIGKILL, the out-of-memory killer,
a server restarted) and is shown as interrupted; the next tick, once ``RETRY_AFTER`` has
passed since that start, runs it again — a daily or monthly job does not wait for its
next occurrence to do the work it was stopped in. What a second run repeats is the job's
own concern (the reminders claim each item they send; a digest killed half way through
its mails may reach some readers twice rather than nobody that week).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management import call_command
from django.db import close_old_connections
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamsu.core import leases
from hamsu.core.models import ClockJob

logger = logging.getLogger(__name__)
OUTPUT_MAX = 4000
WEEK_START = -1  # ``At(weekday=WEEK_START)``: the first day of the company's week
# How long after an interrupted run started the clock runs the job again: not at every
# tick, so a job the machine kills each time (out of memory) does not run in a loop.
RETRY_AFTER = datetime.timedelta(seconds=60)


@dataclass(frozen=True)
class Every:
    """Every ``seconds``, counted from the last start."""

    seconds: int

    def describe(self) -> str:
        if self.seconds % 60 == 0:
            minutes = self.seconds // 60
            return ngettext("every minute", "every %(n)d minutes", minutes) % {"n": minutes}
        return ngettext("every second", "every %(n)d seconds", self.seconds) % {"n": self.seconds}


@dataclass(frozen=True)
class At:
    """A calendar time in the company's time zone: each day, each week on ``weekday``
    (Monday is 0; ``WEEK_START``: the first day of the company's working week), or each
    month on ``day``, at ``hour``:00."""

    period: str  # "day" | "week" | "month"
    hour: int = 0
    weekday: int = 0
    day: int = 1

    def _weekday(self) -> int:
        if self.weekday != WEEK_START:
            return self.weekday
        from hamsu.core.company import company_settings
        from hamsu.core.models import FiscalCalendar

        # An Iranian week starts on Saturday; a Jalali-calendar company works to it.
        return 5 if company_settings().fiscal_calendar == FiscalCalendar.JALALI else 0

    def latest(self, now: datetime.datetime) -> datetime.datetime:
        """The most recent scheduled moment at or before ``now``."""
        local = timezone.localtime(now)
        tz = local.tzinfo
        today = local.date()
        if self.period == "day":
            candidate = today
        elif self.period == "week":
            candidate = today - datetime.timedelta(days=(today.weekday() - self._weekday()) % 7)
        elif self.period == "month":
            candidate = today.replace(day=min(self.day, 28))
        else:
            raise ValueError(f"unknown period {self.period!r}")
        moment = datetime.datetime.combine(candidate, datetime.time(self.hour), tzinfo=tz)
        if moment <= local:
            return moment
        if self.period == "day":
            candidate -= datetime.timedelta(days=1)
        elif self.period == "week":
            candidate -= datetime.timedelta(days=7)
        else:
            candidate = (candidate.replace(day=1) - datetime.timedelta(days=1)).replace(day=min(self.day, 28))
        return datetime.datetime.combine(candidate, datetime.time(self.hour), tzinfo=tz)

    def next_after(self, now: datetime.datetime) -> datetime.datetime:
        """The first scheduled moment after ``now``."""
        last = timezone.localtime(self.latest(now))
        if self.period == "day":
            day = last.date() + datetime.timedelta(days=1)
        elif self.period == "week":
            day = last.date() + datetime.timedelta(days=7)
        else:
            following = (last.date().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
            day = following.replace(day=min(self.day, 28))
        return datetime.datetime.combine(day, datetime.time(self.hour), tzinfo=last.tzinfo)

    def describe(self) -> str:
        hour = f"{self.hour:02d}:00"
        if self.period == "day":
            return _("daily at %(hour)s") % {"hour": hour}
        if self.period == "week":
            return _("weekly on %(weekday)s at %(hour)s") % {
                "weekday": WEEKDAYS[self._weekday()],
                "hour": hour,
            }
        return _("monthly on day %(day)d at %(hour)s") % {"day": min(self.day, 28), "hour": hour}


@dataclass(frozen=True)
class Job:
    name: str
    command: tuple[str, ...]  # a management command and its arguments
    schedule: Every | At
    label: str = field(default="", compare=False)  # a lazy translation, for the settings page


_JOBS: dict[str, Job] = {}


def register(*jobs: Job) -> None:
    for job in jobs:
        _JOBS[job.name] = job


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda j: j.name)


def next_run(job: Job, row: ClockJob | None, now: datetime.datetime) -> datetime.datetime:
    """When the clock will next run ``job`` (``now`` if it is due)."""
    if row is not None and row.status == ClockJob.Status.INTERRUPTED and row.last_started_at is not None:
        return max(now, row.last_started_at + RETRY_AFTER)
    if isinstance(job.schedule, Every):
        if row is None or row.last_started_at is None:
            return now
        return max(now, row.last_started_at + datetime.timedelta(seconds=job.schedule.seconds))
    if row is not None and row.last_started_at is not None and row.last_started_at < job.schedule.latest(now):
        return now
    return job.schedule.next_after(now)


def lease_name(job_name: str) -> str:
    return f"clock-job-{job_name}"


def clock_jobs_mark_interrupted() -> int:
    """Mark interrupted every job recorded as running that no live process runs any more
    (its lease is free); returns how many.

    Such a run's process ended without recording an outcome, so its row said "running"
    until the next run. Called wherever the jobs are looked at (the settings page,
    ``hamsu clock --list``) and by the clock before it decides what is due."""
    marked = 0
    running = ClockJob.objects.filter(status=ClockJob.Status.RUNNING)
    for pk, name, started in running.values_list("pk", "name", "last_started_at"):
        if leases.is_held(lease_name(name)):
            continue
        # Only the run we looked at: a run started meanwhile has a new start time.
        marked += ClockJob.objects.filter(
            pk=pk, status=ClockJob.Status.RUNNING, last_started_at=started
        ).update(status=ClockJob.Status.INTERRUPTED)
    return marked


def job_states(now: datetime.datetime | None = None) -> list[dict]:
    """Every job with its schedule, how it last ran and when it runs next (settings page)."""
    now = now or timezone.now()
    clock_jobs_mark_interrupted()
    rows = {row.name: row for row in ClockJob.objects.all()}
    return [
        {
            "job": job,
            "schedule": job.schedule.describe(),
            "row": rows.get(job.name),
            "ran": _has_started(rows.get(job.name)),
            "next": next_run(job, rows.get(job.name), now),
        }
        for job in jobs()
    ]


def _has_started(row: ClockJob | None) -> bool:
    """Whether the job has run (or started to): a calendar job the clock has only seen
    has a start time but no run yet."""
    if row is None:
        return False
    return row.runs > 0 or row.status in (ClockJob.Status.RUNNING, ClockJob.Status.INTERRUPTED)


def _due(job: Job, row: ClockJob, now: datetime.datetime) -> bool:
    last = row.last_started_at
    if row.status == ClockJob.Status.INTERRUPTED and last is not None:
        return now - last >= RETRY_AFTER  # the stopped run's work is still to do
    if isinstance(job.schedule, Every):
        return last is None or (now - last).total_seconds() >= job.schedule.seconds
    return last is not None and last < job.schedule.latest(now)


def _claim(row: ClockJob, now: datetime.datetime, *, status: str = ClockJob.Status.RUNNING) -> bool:
    """Move the job's start time from what we read to ``now``; False if another clock did."""
    same = (
        Q(last_started_at__isnull=True)
        if row.last_started_at is None
        else Q(last_started_at=row.last_started_at)
    )
    return bool(ClockJob.objects.filter(same, pk=row.pk).update(last_started_at=now, status=status))


def run_job(job: Job) -> ClockJob:
    """Run ``job`` by hand now and record how it went (its output, or the error).

    It also counts as the job's latest start: a monthly digest sent by hand on the 1st is
    not sent again that morning. Raises ``leases.LeaseHeld`` while another live process
    runs the job.
    """
    with leases.hold(lease_name(job.name)):
        row = ClockJob.objects.get_or_create(name=job.name)[0]
        ClockJob.objects.filter(pk=row.pk).update(
            last_started_at=timezone.now(), status=ClockJob.Status.RUNNING
        )
        return _run(job, row)


def _run(job: Job, row: ClockJob) -> ClockJob:
    """Run the job whose row the caller has marked running, holding its lease."""
    out = io.StringIO()
    status = ClockJob.Status.OK
    try:
        call_command(*job.command, stdout=out, stderr=out)
    except Exception:  # noqa: BLE001 - a failing job is recorded and the clock goes on
        logger.exception("scheduled job %s failed", job.name)
        out.write(traceback.format_exc())
        status = ClockJob.Status.FAILED
    text = out.getvalue()
    ClockJob.objects.filter(pk=row.pk).update(
        status=status,
        last_finished_at=timezone.now(),
        output=text[-OUTPUT_MAX:],
        runs=F("runs") + 1,
    )
    row.refresh_from_db()
    return row


def run_due(now: datetime.datetime | None = None, *, only: list[Job] | None = None) -> list[ClockJob]:
    """Run every job that is due at ``now``; returns the rows of those that ran."""
    now = now or timezone.now()
    clock_jobs_mark_interrupted()
    ran = []
    for job in only if only is not None else jobs():
        row, created = ClockJob.objects.get_or_create(name=job.name)
        if created and isinstance(job.schedule, At):
            # Calendar jobs start counting from the first time the clock sees them.
            _claim(row, now, status=ClockJob.Status.NEVER)
            continue
        if not _due(job, row, now):
            continue
        with contextlib.ExitStack() as stack:
            # The lease is taken before the row says "running", so a row that says so
            # without a holder is a run that was killed, never one about to start.
            try:
                stack.enter_context(leases.hold(lease_name(job.name)))
            except leases.LeaseHeld:
                continue  # another clock is running it right now
            if _claim(row, now):
                ran.append(_run(job, row))
    return ran


def run_forever(*, interval: float = 15.0, should_stop: Callable[[], bool] = lambda: False) -> None:
    while not should_stop():
        close_old_connections()  # a long-lived process must not hold a dead connection
        try:
            run_due()
        except Exception:  # noqa: BLE001 - e.g. the database restarting: try again next tick
            logger.exception("clock tick failed")
        deadline = time.monotonic() + interval
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(min(1.0, interval))
