"""Tasks and next steps (issue 16, item 2): plan, do, put off, be reminded, never lose the thread."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.api import services as tokens
from hamsu.core.errors import ValidationFailed
from hamsu.core.models import CompanySettings, Notification, Visibility
from hamsu.crm.models import Activity, ActivityKind
from hamsu.crm.selectors_tasks import deals_without_next_step, quiet_deals
from hamsu.crm.services import activity_create
from hamsu.crm.services_tasks import task_complete, task_snooze, tasks_remind

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def plan(owner, deal, *, due, subject="Call the buyer"):
    return activity_create(
        actor=None, owner=owner, kind=ActivityKind.CALL, subject=subject, due_at=due, opportunity=deal
    )


@pytest.fixture
def deal(rep, make_opportunity):
    return make_opportunity(rep)


@pytest.fixture
def logged_in(client, rep):
    client.force_login(rep.user)
    return client


# ---------------------------------------------------------------- planning a next step


def test_planning_a_next_step_from_the_deal_page_creates_an_open_task(logged_in, deal):
    logged_in.post(
        f"/crm/opportunities/{deal.pk}/next-step/",
        {
            "task-kind": "call",
            "task-subject": "Send the proposal",
            "task-due_date": "2027-01-05",
            "task-due_time": "10:30",
        },
    )
    task = Activity.objects.get(opportunity=deal)
    assert task.is_open_task


def test_the_next_step_is_due_at_the_time_given_in_the_company_time_zone(logged_in, deal):
    logged_in.post(
        f"/crm/opportunities/{deal.pk}/next-step/",
        {
            "task-kind": "call",
            "task-subject": "Send the proposal",
            "task-due_date": "2027-01-05",
            "task-due_time": "10:30",
        },
    )
    due = timezone.localtime(Activity.objects.get(opportunity=deal).due_at)
    assert (due.date(), due.hour, due.minute) == (datetime.date(2027, 1, 5), 10, 30)


def test_a_jalali_due_date_is_understood(logged_in, deal):
    logged_in.post(
        f"/crm/opportunities/{deal.pk}/next-step/",
        {"task-kind": "call", "task-subject": "تماس", "task-due_date": "۱۴۰۵/۱۰/۱۵", "task-due_time": ""},
    )
    assert timezone.localtime(Activity.objects.get(opportunity=deal).due_at).date() == datetime.date(
        2027, 1, 5
    )


def test_a_next_step_without_a_date_is_refused_and_nothing_is_written(logged_in, deal):
    logged_in.post(f"/crm/opportunities/{deal.pk}/next-step/", {"task-kind": "call", "task-subject": "Call"})
    assert not Activity.objects.filter(opportunity=deal).exists()


def test_the_deal_page_shows_its_next_step(logged_in, rep, deal):
    plan(rep, deal, due=NOW + datetime.timedelta(days=2), subject="Demo for the CFO")
    html = logged_in.get(f"/crm/opportunities/{deal.pk}/").content.decode()
    assert "Demo for the CFO" in html


def test_a_deal_with_nothing_planned_is_flagged_on_its_page(logged_in, deal):
    html = logged_in.get(f"/crm/opportunities/{deal.pk}/").content.decode()
    assert 'data-testid="no-next-step"' in html


def test_an_open_task_is_not_in_the_timeline_of_what_happened(logged_in, rep, deal):
    plan(rep, deal, due=NOW + datetime.timedelta(days=2), subject="Planned, not happened")
    html = logged_in.get(f"/crm/opportunities/{deal.pk}/").content.decode()
    timeline = html.split('data-testid="next-step"')[1].split("</section>", 1)[1]
    assert "Planned, not happened" not in timeline


# ---------------------------------------------------------------- done, with the next step


def test_done_records_when(rep, deal):
    task = plan(rep, deal, due=NOW)
    done, _ = task_complete(activity=task, actor=rep.user)
    assert done.done_at is not None


def test_done_with_a_next_step_plans_it_on_the_same_deal(rep, deal):
    task = plan(rep, deal, due=NOW)
    _, following = task_complete(
        activity=task,
        actor=rep.user,
        next_subject="Send contract",
        next_due_at=NOW + datetime.timedelta(days=3),
    )
    assert following.opportunity_id == deal.pk


def test_a_next_step_without_its_due_date_is_a_field_error(rep, deal):
    task = plan(rep, deal, due=NOW)
    with pytest.raises(ValidationFailed) as refused:
        task_complete(activity=task, actor=rep.user, next_subject="Send contract")
    assert "next_due_at" in refused.value.errors


def test_a_refused_done_leaves_the_task_open(rep, deal):
    task = plan(rep, deal, due=NOW)
    with pytest.raises(ValidationFailed):
        task_complete(activity=task, actor=rep.user, next_subject="Send contract")
    task.refresh_from_db()
    assert task.done_at is None


def test_a_task_cannot_be_done_twice(rep, deal):
    task = plan(rep, deal, due=NOW)
    task_complete(activity=task, actor=rep.user)
    task.refresh_from_db()
    with pytest.raises(ValidationFailed):
        task_complete(activity=task, actor=rep.user)


def test_done_from_the_tasks_page(logged_in, rep, deal):
    task = plan(rep, deal, due=NOW)
    logged_in.post(f"/crm/tasks/{task.pk}/done/", {"outcome": "connected", "version": task.version})
    task.refresh_from_db()
    assert task.done_at is not None


def test_done_on_an_older_version_is_refused(logged_in, rep, deal):
    task = plan(rep, deal, due=NOW)
    task_snooze(activity=task, actor=rep.user, until=NOW + datetime.timedelta(hours=2))
    logged_in.post(f"/crm/tasks/{task.pk}/done/", {"version": 1})
    task.refresh_from_db()
    assert task.done_at is None


# ---------------------------------------------------------------- put off


def test_putting_off_moves_the_due_time(rep, deal):
    task = plan(rep, deal, due=NOW)
    later = NOW + datetime.timedelta(days=1)
    assert task_snooze(activity=task, actor=rep.user, until=later).due_at == later


def test_putting_off_to_the_past_is_a_field_error(rep, deal):
    task = plan(rep, deal, due=NOW)
    with pytest.raises(ValidationFailed) as refused:
        task_snooze(activity=task, actor=rep.user, until=NOW - datetime.timedelta(hours=1))
    assert "until" in refused.value.errors


def test_putting_off_from_the_page_to_tomorrow(logged_in, rep, deal):
    task = plan(rep, deal, due=NOW)
    logged_in.post(f"/crm/tasks/{task.pk}/snooze/", {"until": "tomorrow", "version": task.version})
    task.refresh_from_db()
    assert timezone.localtime(task.due_at).date() == timezone.localdate() + datetime.timedelta(days=1)


# ---------------------------------------------------------------- reminders


def test_a_task_coming_due_reminds_its_owner(rep, deal):
    plan(rep, deal, due=timezone.now() + datetime.timedelta(minutes=5))
    tasks_remind()
    assert Notification.objects.filter(recipient=rep, kind="task_due").count() == 1


def test_a_reminder_goes_out_once(rep, deal):
    plan(rep, deal, due=timezone.now() + datetime.timedelta(minutes=5))
    tasks_remind()
    tasks_remind()
    assert Notification.objects.filter(recipient=rep, kind="task_due").count() == 1


def test_a_task_due_tomorrow_is_not_reminded_yet(rep, deal):
    plan(rep, deal, due=timezone.now() + datetime.timedelta(days=1))
    assert tasks_remind() == 0


def test_a_put_off_task_is_reminded_again_when_its_new_time_comes(rep, deal):
    task = plan(rep, deal, due=timezone.now() + datetime.timedelta(minutes=5))
    tasks_remind()
    task.refresh_from_db()
    task_snooze(activity=task, actor=rep.user, until=timezone.now() + datetime.timedelta(minutes=10))
    assert tasks_remind() == 1


# ---------------------------------------------------------------- deals that need attention


def test_a_deal_with_an_open_task_has_a_next_step(rep, deal):
    plan(rep, deal, due=NOW + datetime.timedelta(days=1))
    assert not deals_without_next_step(user=rep.user, owner=rep).filter(pk=deal.pk).exists()


def test_a_done_task_is_not_a_next_step(rep, deal):
    task = plan(rep, deal, due=NOW)
    task_complete(activity=task, actor=rep.user)
    assert deals_without_next_step(user=rep.user, owner=rep).filter(pk=deal.pk).exists()


def test_a_deal_untouched_for_three_weeks_has_gone_quiet(rep, deal):
    type(deal).objects.filter(pk=deal.pk).update(stage_changed_at=NOW - datetime.timedelta(days=21))
    assert quiet_deals(user=rep.user, owner=rep).filter(pk=deal.pk).exists()


def test_a_call_last_week_keeps_a_deal_from_going_quiet(rep, deal):
    type(deal).objects.filter(pk=deal.pk).update(stage_changed_at=NOW - datetime.timedelta(days=21))
    activity_create(
        actor=None,
        owner=rep,
        kind=ActivityKind.CALL,
        subject="Called",
        opportunity=deal,
        occurred_at=NOW - datetime.timedelta(days=7),
    )
    assert not quiet_deals(user=rep.user, owner=rep).filter(pk=deal.pk).exists()


def test_a_planned_call_does_not_keep_a_deal_from_going_quiet(rep, deal):
    type(deal).objects.filter(pk=deal.pk).update(stage_changed_at=NOW - datetime.timedelta(days=21))
    plan(rep, deal, due=NOW + datetime.timedelta(days=1))
    assert quiet_deals(user=rep.user, owner=rep).filter(pk=deal.pk).exists()


# ---------------------------------------------------------------- API and visibility


@pytest.fixture
def auth(rep):
    _token, raw = tokens.token_create(user=rep.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_plans_a_task(client, auth, deal):
    response = client.post(
        "/api/v1/activities",
        {"kind": "call", "subject": "Call", "opportunity_id": deal.pk, "due_at": "2027-01-05T09:00:00Z"},
        content_type="application/json",
        **auth,
    )
    assert response.json()["due_at"].startswith("2027-01-05")


def test_the_api_marks_done_with_a_next_step(client, auth, rep, deal):
    task = plan(rep, deal, due=NOW)
    response = client.post(
        f"/api/v1/activities/{task.pk}/done",
        {"next_subject": "Contract", "next_due_at": "2027-01-08T09:00:00Z"},
        content_type="application/json",
        **auth,
    )
    assert response.json()["next_step"]["subject"] == "Contract"


def test_the_api_refuses_done_on_an_older_version(client, auth, rep, deal):
    task = plan(rep, deal, due=NOW)
    task_snooze(activity=task, actor=rep.user, until=NOW + datetime.timedelta(hours=2))
    response = client.post(
        f"/api/v1/activities/{task.pk}/done", {}, content_type="application/json", HTTP_IF_MATCH='"1"', **auth
    )
    assert response.status_code == 412


def test_someone_elses_task_is_not_found_under_own_records(client, auth, other_rep, make_opportunity):
    CompanySettings.objects.update_or_create(defaults={"visibility": Visibility.OWN})
    task = plan(other_rep, make_opportunity(other_rep), due=NOW)
    response = client.post(f"/api/v1/activities/{task.pk}/done", {}, content_type="application/json", **auth)
    assert response.status_code == 404


def test_the_tasks_page_in_persian_is_right_to_left(logged_in, rep, deal):
    plan(rep, deal, due=NOW - datetime.timedelta(days=1))
    logged_in.cookies["django_language"] = "fa"
    html = logged_in.get("/crm/tasks/").content.decode()
    assert 'dir="rtl"' in html


def test_the_tasks_page_in_persian_names_overdue_in_persian(logged_in, rep, deal):
    plan(rep, deal, due=NOW - datetime.timedelta(days=1))
    logged_in.cookies["django_language"] = "fa"
    html = logged_in.get("/crm/tasks/").content.decode()
    assert "Overdue" not in html


# ---------------------------------------------------------------- refused forms name fields as the reader does


def _refusal(client, url, data) -> str:
    response = client.post(url, data, follow=True)
    return " ".join(str(m) for m in response.context["messages"])


def test_a_refused_activity_names_the_field_by_its_persian_label(logged_in, deal):
    logged_in.cookies["django_language"] = "fa"
    text = _refusal(
        logged_in, f"/crm/opportunities/{deal.pk}/activity/", {"kind": "call", "subject": "x" * 201}
    )
    assert text.startswith("موضوع: ")


def test_a_refused_activity_does_not_show_the_field_code(logged_in, deal):
    logged_in.cookies["django_language"] = "fa"
    text = _refusal(
        logged_in, f"/crm/opportunities/{deal.pk}/activity/", {"kind": "call", "subject": "x" * 201}
    )
    assert "subject" not in text
