"""The demo plans work (issue 16, item 2): after `hamsu demo` a seller's day has overdue
tasks, tasks due today and the week ahead, most open deals have a next step and a few are
flagged for having none, and the past holds tasks that were done, with their outcomes."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from hamsu.crm.models import Activity, Opportunity
from hamsu.crm.selectors_tasks import OPEN_TASK, deals_without_next_step
from hamsu.crm.stages import OPEN_STAGES
from hamsu.demo import generator


@pytest.fixture(scope="module")
def demo_company(django_db_setup, django_db_blocker):
    """The tiny demo company generated now (its tasks fall around the moment it is
    made), once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        generator.generate(scale="tiny", seed=7, progress=lambda *_: None)
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_company")]


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def reps_home(client) -> BeautifulSoup:
    client.force_login(user("rep"))
    return BeautifulSoup(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content, "html.parser")


def figure(page: BeautifulSoup, key: str) -> int:
    return int(page.select_one(f'[data-figure="{key}"]').get_text(strip=True).replace(",", ""))


def test_the_reps_home_shows_overdue_tasks(reps_home):
    assert figure(reps_home, "tasks.overdue") > 0


def test_the_reps_home_shows_tasks_due_today(reps_home):
    assert figure(reps_home, "tasks.due_today") > 0


def test_the_reps_home_shows_upcoming_tasks(reps_home):
    assert figure(reps_home, "tasks.upcoming") > 0


def test_most_open_deals_have_a_next_step():
    open_deals = Opportunity.objects.filter(stage__in=OPEN_STAGES).count()
    without = deals_without_next_step(user=user("cro")).count()
    assert without < open_deals / 3


def test_some_open_deals_are_flagged_for_having_no_next_step():
    assert deals_without_next_step(user=user("cro")).exists()


def test_no_open_task_is_due_before_it_was_planned():
    assert not [t for t in Activity.objects.filter(OPEN_TASK).values("due_at", "occurred_at")
                if t["due_at"] < t["occurred_at"]]  # fmt: skip


def test_done_tasks_of_the_past_are_there():
    assert Activity.objects.filter(due_at__isnull=False, done_at__lte=timezone.now()).exists()


def test_every_done_task_has_its_outcome():
    assert not Activity.objects.filter(done_at__isnull=False, outcome="").exists()


def test_the_clock_sends_no_reminders_for_the_demos_backlog():
    """Tasks already due were reminded when they came due: the first tick of the clock
    does not mail every seller a pile of reminders."""
    from hamsu.crm.services_tasks import REMIND_AHEAD, tasks_remind

    coming = Activity.objects.filter(
        OPEN_TASK, due_at__gt=timezone.now(), due_at__lte=timezone.now() + REMIND_AHEAD
    )
    assert tasks_remind() <= coming.count()
