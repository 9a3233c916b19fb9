"""A scheduled job killed mid-run (issue 17): it no longer says "running" until its next
run; it shows as interrupted, and the clock runs it again without waiting for its next
occurrence. The kill is real: a child process runs the job and is SIGKILLed inside it."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest

from hamsu.core import clock, leases
from hamsu.core.models import ClockJob
from tests.crash import kill_when_stalled, shared_database

pytestmark = pytest.mark.django_db(transaction=True)
UTC = datetime.UTC
JOB = "alignment_remind"  # a daily job: without a takeover it would wait a whole day
# Its run today, started at noon, stopped inside the job's command.
STARTED = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
KILLED_RUN = f"""
import datetime
from hamsu.core import clock
clock.call_command = stall
job = next(j for j in clock.jobs() if j.name == "{JOB}")
clock.run_due(datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC), only=[job])
"""


def job() -> clock.Job:
    return next(j for j in clock.jobs() if j.name == JOB)


@pytest.fixture
def killed(tmp_path):
    """The job ran yesterday; today's run was killed half way."""
    ClockJob.objects.create(
        name=JOB, last_started_at=STARTED - datetime.timedelta(days=1), status="ok", runs=1
    )
    with shared_database(tmp_path) as url:
        kill_when_stalled(KILLED_RUN, database_url=url, tmp_path=tmp_path)


@pytest.fixture
def calls():
    seen: list[tuple] = []
    with mock.patch("hamsu.core.clock.call_command", side_effect=lambda *a, **k: seen.append(a)):
        yield seen


def test_the_killed_run_was_recorded_as_running(killed):
    assert ClockJob.objects.get(name=JOB).status == "running"


def test_the_settings_page_shows_a_killed_job_as_interrupted(killed):
    state = next(s for s in clock.job_states(STARTED) if s["job"].name == JOB)
    assert state["row"].status == "interrupted"


def test_the_clock_runs_a_killed_job_again(killed, calls):
    clock.run_due(STARTED + clock.RETRY_AFTER, only=[job()])
    assert calls == [(JOB,)]


def test_the_run_that_takes_over_is_recorded(killed, calls):
    clock.run_due(STARTED + clock.RETRY_AFTER, only=[job()])
    row = ClockJob.objects.get(name=JOB)
    assert (row.status, row.runs) == ("ok", 2)


def test_a_killed_job_is_not_run_again_at_every_tick(killed, calls):
    clock.run_due(STARTED + datetime.timedelta(seconds=15), only=[job()])
    assert calls == []


def test_the_command_lists_a_killed_job_as_interrupted(killed):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("clock", "--list", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith(JOB))
    assert "interrupted" in line


def test_a_job_running_in_a_live_process_still_shows_as_running():
    ClockJob.objects.create(name=JOB, last_started_at=STARTED, status="running")
    with leases.hold(clock.lease_name(JOB)):
        clock.clock_jobs_mark_interrupted()
    assert ClockJob.objects.get(name=JOB).status == "running"


def test_a_second_clock_does_not_start_a_job_another_is_running(calls):
    ClockJob.objects.create(name=JOB, last_started_at=STARTED - datetime.timedelta(days=1), status="ok")
    with leases.hold(clock.lease_name(JOB)):
        clock.run_due(STARTED, only=[job()])
    assert calls == []
