"""The clock runs each scheduled job when it is due, once, records how it went, and is what
keeps the dashboards current without any cron of the company's own."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command

from hamsu.core import clock
from hamsu.core.models import ClockJob

UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def calls():
    """Jobs whose command is recorded instead of run."""
    seen: list[tuple] = []
    with mock.patch("hamsu.core.clock.call_command", side_effect=lambda *a, **k: seen.append(a)):
        yield seen


@pytest.mark.django_db
def test_an_interval_job_runs_at_once_then_only_after_its_interval(calls):
    job = clock.Job("refresh", ("scorecard_refresh",), clock.Every(60))
    assert [r.name for r in clock.run_due(at(2026, 5, 1, 10, 0, 0), only=[job])] == ["refresh"]
    assert clock.run_due(at(2026, 5, 1, 10, 0, 59), only=[job]) == []
    clock.run_due(at(2026, 5, 1, 10, 1, 0), only=[job])
    assert calls == [("scorecard_refresh",), ("scorecard_refresh",)]
    row = ClockJob.objects.get(name="refresh")
    assert (row.runs, row.status, row.last_started_at) == (2, "ok", at(2026, 5, 1, 10, 1, 0))


@pytest.mark.django_db
def test_a_monthly_job_waits_for_its_next_time_then_runs_once(calls, settings):
    settings.TIME_ZONE = "Asia/Tehran"
    job = clock.Job("digest", ("scorecard_digest",), clock.At("month", hour=7, day=1))
    # First seen on the 20th: not sent that day.
    assert clock.run_due(at(2026, 5, 20, 9, 0), only=[job]) == []
    assert ClockJob.objects.get(name="digest").status == "never"
    # 1 June 07:00 in Tehran is 03:30 UTC.
    assert clock.run_due(at(2026, 6, 1, 3, 29), only=[job]) == []
    assert len(clock.run_due(at(2026, 6, 1, 3, 30), only=[job])) == 1
    assert clock.run_due(at(2026, 6, 1, 5, 0), only=[job]) == []
    assert clock.run_due(at(2026, 6, 20, 5, 0), only=[job]) == []
    assert len(clock.run_due(at(2026, 7, 1, 4, 0), only=[job])) == 1
    assert calls == [("scorecard_digest",), ("scorecard_digest",)]


def test_calendar_times_fall_on_the_right_day(settings):
    settings.TIME_ZONE = "UTC"
    sunday_five = clock.At("week", hour=5, weekday=6)
    # Wednesday 2026-05-06: the last Sunday 05:00 is 2026-05-03.
    assert sunday_five.latest(at(2026, 5, 6, 12, 0)) == at(2026, 5, 3, 5, 0)
    # Sunday before five: the Sunday before.
    assert sunday_five.latest(at(2026, 5, 3, 4, 0)) == at(2026, 4, 26, 5, 0)
    assert clock.At("day", hour=2).latest(at(2026, 1, 1, 1, 0)) == at(2025, 12, 31, 2, 0)
    assert clock.At("month", hour=7).latest(at(2026, 3, 1, 6, 0)) == at(2026, 2, 1, 7, 0)


@pytest.mark.django_db
def test_two_clocks_never_run_the_same_occurrence(calls):
    job = clock.Job("refresh", ("scorecard_refresh",), clock.Every(60))
    clock.run_due(at(2026, 5, 1, 10, 0), only=[job])
    stale = ClockJob.objects.get(name="refresh")
    clock.run_due(at(2026, 5, 1, 10, 1), only=[job])  # the first clock runs the next one …
    assert clock._claim(stale, at(2026, 5, 1, 10, 1)) is False  # … the second, having read before, cannot
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run():
    boom = clock.Job("boom", ("no_such_command",), clock.Every(60))
    fine = clock.Job("fine", ("check",), clock.Every(60))
    rows = {r.name: r for r in clock.run_due(at(2026, 5, 1, 10, 0), only=[boom, fine])}
    assert rows["boom"].status == "failed"
    assert "no_such_command" in rows["boom"].output
    assert rows["fine"].status == "ok"


@pytest.mark.django_db
def test_every_registered_job_names_a_real_command():
    from django.core.management import get_commands

    commands = get_commands()
    names = {job.name for job in clock.jobs()}
    assert {"scorecard_refresh", "forecast_snapshot", "scorecard_digest", "alignment_remind"} <= names
    for job in clock.jobs():
        assert job.command[0] in commands, job.name


@pytest.mark.django_db
def test_the_clock_keeps_the_dashboards_current(deal_for_clock):
    """A deal won through the CRM shows on the scorecard after the clock's next tick."""
    from hamsu.scorecard import selectors

    deal, period = deal_for_clock
    before = selectors.stage_totals(selectors.Filters(period=period))["won"]["reached_amount"]
    assert before == 0
    call_command("clock", "--once")
    after = selectors.stage_totals(selectors.Filters(period=period))["won"]["reached_amount"]
    assert after == deal.amount_base == Decimal("7000.00")
    assert ClockJob.objects.get(name="scorecard_refresh").status == "ok"


@pytest.fixture
def deal_for_clock(make_opportunity, rep):
    from django.utils import timezone

    from hamsu.crm import services as crm
    from hamsu.scorecard.selectors import current_period

    deal = make_opportunity(rep, amount="7000")
    deal = crm.opportunity_move_stage(opportunity=deal, to_stage="won", actor=None)
    return deal, current_period(today=timezone.localdate())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_settings_page_lists_the_jobs_and_how_they_last_ran(client, make_person, language, calls):
    from hamsu.core.roles import ADMINISTRATOR

    admin = make_person(role=ADMINISTRATOR)
    clock.run_due(only=[j for j in clock.jobs() if j.name == "scorecard_refresh"])
    client.force_login(admin.user)
    page = client.get("/settings/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert 'data-testid="scheduled-jobs"' in page
    assert "scorecard_refresh" in page
    if language == "fa":
        assert "هر دقیقه" in page and "موفق" in page  # "every minute", "succeeded"
        from django.utils import timezone, translation

        from hamsu.core import dates

        with translation.override("fa"):
            today = dates.format_date(timezone.now())
        assert today.startswith("۱۴") and today in page  # the last run on the Jalali calendar
    else:
        assert "every minute" in page
        assert "Succeeded" in page


def test_the_next_run_of_each_kind_of_schedule(settings):
    settings.TIME_ZONE = "UTC"
    now = at(2026, 1, 31, 12, 0)
    assert clock.At("day", hour=2).next_after(now) == at(2026, 2, 1, 2, 0)
    assert clock.At("week", hour=5, weekday=6).next_after(now) == at(2026, 2, 1, 5, 0)  # a Sunday
    assert clock.At("month", hour=7, day=1).next_after(now) == at(2026, 2, 1, 7, 0)
    assert clock.At("month", hour=7, day=1).next_after(at(2026, 12, 5)) == at(2027, 1, 1, 7, 0)
    minute = clock.Job("m", ("check",), clock.Every(60))
    row = ClockJob(name="m", last_started_at=at(2026, 1, 31, 11, 59, 30))
    assert clock.next_run(minute, row, now) == at(2026, 1, 31, 12, 0, 30)
    assert clock.next_run(minute, None, now) == now


@pytest.mark.django_db
def test_weekly_jobs_start_the_company_week_monday_or_saturday_for_a_jalali_company(settings):
    from hamsu.core.company import company_settings

    settings.TIME_ZONE = "UTC"
    digest = clock.At("week", hour=7, weekday=clock.WEEK_START)
    wednesday = at(2026, 5, 6, 12, 0)
    assert digest.latest(wednesday) == at(2026, 5, 4, 7, 0)  # Monday
    row = company_settings()
    row.fiscal_calendar = "jalali"
    row.save()
    assert digest.latest(wednesday) == at(2026, 5, 2, 7, 0)  # Saturday
    assert digest.next_after(wednesday) == at(2026, 5, 9, 7, 0)
    assert "Saturday" in digest.describe()


@pytest.mark.django_db
def test_a_job_run_by_hand_counts_as_its_latest_run(calls):
    digest = next(j for j in clock.jobs() if j.name == "scorecard_digest")
    call_command("clock", "--run", "scorecard_digest")
    row = ClockJob.objects.get(name="scorecard_digest")
    assert (row.runs, row.status) == (1, "ok")
    assert row.last_started_at is not None
    # This week's occurrence has been served: the next is a week on.
    assert clock.next_run(digest, row, row.last_started_at) > row.last_started_at
    assert clock.run_due(row.last_started_at, only=[digest]) == []
