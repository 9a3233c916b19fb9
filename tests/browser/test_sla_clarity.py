"""A rep's SLA badge says how long is left, and returning a lead too early is refused
with the reason until the follow-ups are logged (issue 16, item 13) — in Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from hamsu.funnel.models import (
    BusinessCalendar,
    Handoff,
    Lead,
    LeadState,
    RoutingRule,
    RoutingRuleKind,
    SlaPolicy,
)
from hamsu.funnel.services import leads as lifecycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


@pytest.fixture
def mql(rep, teams):
    calendar = BusinessCalendar.objects.create(
        name="Mon–Fri", workdays=[0, 1, 2, 3, 4], day_start=datetime.time(9), day_end=datetime.time(17)
    )
    SlaPolicy.objects.create(name="Default", calendar=calendar, accept_within_hours=8, min_attempts=3)
    RoutingRule.objects.create(
        position=10, name="Enterprise round robin", kind=RoutingRuleKind.ROUND_ROBIN, team=teams["enterprise"]
    )
    lead = lifecycle.lead_create(actor=None, via="test", email="sara@gulf.example", last_name="Sara")
    return lifecycle.lead_mark_mql(lead=lead, actor=None, via="test", reason="test")


def test_a_rep_sees_the_time_left_and_returns_a_lead_after_the_follow_ups(
    page, live_server, static_files, rep, mql
):
    Handoff.objects.filter(lead=mql).update(due_at=timezone.now() + datetime.timedelta(hours=5, minutes=30))
    log_in(page, live_server, rep.user)
    page.goto(f"{live_server.url}/funnel/inbox/")
    assert page.get_by_test_id("sla-countdown").inner_text().replace("\xa0", " ").startswith("5 hours")

    page.select_option("select[name=reason]", "bad_fit")
    page.get_by_test_id("return").click()
    page.get_by_text("Log at least 3 follow-up attempts").wait_for()
    for attempt in range(3):
        page.get_by_role("button", name=f"Log follow-up ({attempt})").click()
        page.get_by_role("button", name=f"Log follow-up ({attempt + 1})").wait_for()
    page.select_option("select[name=reason]", "bad_fit")
    page.get_by_test_id("return").click()
    page.get_by_text("Lead returned to marketing.").wait_for()
    assert Lead.objects.get(pk=mql.pk).state == LeadState.DISQUALIFIED
