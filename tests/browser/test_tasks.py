"""A rep plans a deal's next step, finds it on the tasks page, does it and plans the next
one — at a laptop's width and a phone's, in English and in Persian (issue 16, item 2)."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from hamsu.crm.models import Activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 800), "phone": (390, 844)}


@pytest.fixture
def static_files(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    call_command("collectstatic", interactive=False, verbosity=0)


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{live_server.url}/")


def overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_plan_do_and_plan_again(page, live_server, static_files, rep, make_opportunity, width):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    deal = make_opportunity(rep, name="Browser deal")
    log_in(page, live_server, rep.user)
    page.goto(f"{live_server.url}/crm/opportunities/{deal.pk}/")
    assert page.get_by_test_id("no-next-step").is_visible()
    today = timezone.localdate().isoformat()
    page.fill("#id_task-subject", "Call the buyer")
    page.fill("#id_task-due_date", today)
    page.fill("#id_task-due_time", "23:59")
    page.get_by_role("button", name="Plan next step").click()
    page.get_by_test_id("next-step").get_by_text("Call the buyer").wait_for()
    assert not overflows(page)
    page.goto(f"{live_server.url}/crm/tasks/")
    assert page.locator('[data-figure="tasks.due_today"]').inner_text() == "1"
    assert not overflows(page)
    task = Activity.objects.get(opportunity=deal)
    row = page.locator(f'[data-task="{task.pk}"]')
    row.locator(f"#done-next-{task.pk}").fill("Send the contract")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    row.locator(f"#done-date-{task.pk}").fill(tomorrow)
    row.get_by_role("button", name="Done").click()
    page.locator('[data-figure="tasks.upcoming"]').filter(has_text="1").wait_for()
    assert Activity.objects.filter(
        opportunity=deal, done_at__isnull=True, subject="Send the contract"
    ).exists()


def test_the_tasks_page_in_persian(page, live_server, static_files, rep, make_opportunity):
    deal = make_opportunity(rep, name="Persian deal")
    Activity.objects.create(
        kind="call",
        subject="تماس با خریدار",
        owner=rep,
        team=rep.team,
        account=deal.account,
        opportunity=deal,
        due_at=timezone.now() - datetime.timedelta(days=2),
    )
    log_in(page, live_server, rep.user)
    page.goto(f"{live_server.url}/crm/tasks/")
    page.get_by_test_id("language-switch").get_by_role("button").click()
    page.wait_for_function("document.documentElement.dir === 'rtl'")
    assert page.locator('[data-figure="tasks.overdue"]').inner_text() == "۱"
