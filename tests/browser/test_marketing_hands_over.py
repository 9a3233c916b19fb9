"""A marketer hands a new inquiry to sales with a reason, and the rep it is routed to
reads that reason in the inbox (issue 16, item 4) — in Chromium."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from hamsu.funnel.models import BusinessCalendar, Lead, LeadState, RoutingRule, RoutingRuleKind, SlaPolicy
from hamsu.funnel.services import leads as lifecycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHY = "Asked for a demo at the Tehran fair"


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
def inquiry(rep, teams):
    calendar = BusinessCalendar.objects.create(
        name="Mon–Fri", workdays=[0, 1, 2, 3, 4], day_start=datetime.time(9), day_end=datetime.time(17)
    )
    SlaPolicy.objects.create(name="Default", calendar=calendar, accept_within_hours=8)
    RoutingRule.objects.create(
        position=10, name="Enterprise round robin", kind=RoutingRuleKind.ROUND_ROBIN, team=teams["enterprise"]
    )
    return lifecycle.lead_create(actor=None, via="test", email="sara@arya.example", last_name="Sara")


def test_a_marketer_hands_an_inquiry_over_and_the_rep_reads_why(
    page, live_server, static_files, marketer, rep, inquiry
):
    log_in(page, live_server, marketer.user)
    page.goto(f"{live_server.url}/funnel/leads/{inquiry.pk}/")
    page.get_by_placeholder("Why it is ready for sales").fill(WHY)
    page.get_by_test_id("hand-to-sales").click()
    page.get_by_text("Lead handed to sales.").wait_for()
    assert Lead.objects.get(pk=inquiry.pk).state == LeadState.MQL

    page.context.clear_cookies()
    log_in(page, live_server, rep.user)
    page.goto(f"{live_server.url}/funnel/inbox/")
    assert WHY in page.get_by_test_id("handoff-reason").inner_text()
