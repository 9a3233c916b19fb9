"""SLA clarity (issue 16, item 13): the badge says "overdue" plainly once the deadline has
passed and the real time left before it, and a lead goes back to marketing only after the
SLA policy's minimum follow-up attempts — the same rule on the page and in the API."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import Handoff, Lead, LeadState
from hamsu.funnel.services import leads as lifecycle
from hamsu.funnel.sla_clock import sla_clock

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def text(clock) -> str:
    return clock.text.replace("\xa0", " ")  # Django joins a number and its unit unbreakably


def test_a_deadline_ahead_shows_the_time_left():
    assert text(sla_clock(NOW + datetime.timedelta(hours=2, minutes=10), NOW)) == "2 hours, 10 minutes left"


def test_a_deadline_ahead_is_not_overdue():
    assert sla_clock(NOW + datetime.timedelta(hours=2), NOW).overdue is False


def test_under_a_minute_left_is_said_so():
    assert text(sla_clock(NOW + datetime.timedelta(seconds=20), NOW)) == "Less than a minute left"


def test_the_deadline_itself_is_overdue():
    assert text(sla_clock(NOW, NOW)) == "Overdue"


def test_a_passed_deadline_says_by_how_much():
    assert text(sla_clock(NOW - datetime.timedelta(hours=3), NOW)) == "Overdue by 3 hours"


def test_a_passed_deadline_is_overdue():
    assert sla_clock(NOW - datetime.timedelta(seconds=30), NOW).overdue is True


def _due_in(lead, delta):
    Handoff.objects.filter(lead=lead).update(due_at=timezone.now() + delta)


def _badge(client, user):
    client.force_login(user)
    page = client.get("/funnel/inbox/").content.decode()
    start = page.index('data-testid="sla-countdown"')
    return page[page.index(">", start) + 1 : page.index("</span>", start)].replace("\xa0", " ")


def test_the_inbox_badge_shows_the_real_time_left(client, rep, mql):
    _due_in(mql, datetime.timedelta(hours=5, minutes=30))
    assert _badge(client, rep.user).startswith("5 hours")


def test_the_inbox_badge_of_a_passed_deadline_reads_overdue(client, rep, mql):
    _due_in(mql, -datetime.timedelta(days=2, hours=1))
    assert _badge(client, rep.user) == "Overdue by 2 days, 1 hour"


def test_the_badge_is_persian_in_persian(client, rep, mql):
    _due_in(mql, -datetime.timedelta(days=2, hours=1))
    client.cookies["django_language"] = "fa"
    assert _badge(client, rep.user) == "۲ روز، ۱ ساعت از موعد گذشته"


# ---------------------------------------------------------------- the attempts rule


def test_a_lead_is_not_returned_before_the_minimum_attempts(rep, mql, policy):
    with pytest.raises(ValidationFailed) as error:
        lifecycle.lead_return(lead=mql, actor=rep.user, reason="bad_fit")
    assert error.value.errors["follow_up_attempts"] == [
        "Log at least 3 follow-up attempts before returning this lead (the SLA policy “Default”); "
        "0 logged so far."
    ]


def test_a_refused_return_leaves_the_lead_with_sales(rep, mql, policy):
    with pytest.raises(ValidationFailed):
        lifecycle.lead_return(lead=mql, actor=rep.user, reason="bad_fit")
    assert Lead.objects.get(pk=mql.pk).state == LeadState.MQL


def test_after_the_minimum_attempts_the_lead_goes_back(rep, mql, policy):
    for _ in range(policy.min_attempts):
        lifecycle.lead_log_follow_up(lead=mql, actor=rep.user)
    lead = lifecycle.lead_return(lead=mql, actor=rep.user, reason="bad_fit")
    assert lead.state == LeadState.DISQUALIFIED


def test_a_policy_without_a_minimum_lets_a_lead_go_back_at_once(rep, mql, policy):
    policy.min_attempts = 0
    policy.save()
    assert lifecycle.lead_return(lead=mql, actor=rep.user, reason="not_now").state == LeadState.NURTURE


def test_the_api_refuses_an_early_return_on_the_attempts_field(client, rep, mql, policy):
    client.force_login(rep.user)
    response = client.post(
        f"/api/v1/funnel/leads/{mql.pk}/return", {"reason": "bad_fit"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["follow_up_attempts"]


def test_the_page_refuses_an_early_return_and_says_why(client, rep, mql, policy):
    client.force_login(rep.user)
    response = client.post(f"/funnel/leads/{mql.pk}/return/", {"reason": "bad_fit"}, follow=True)
    assert "Log at least 3 follow-up attempts" in response.content.decode()


def test_the_page_leaves_an_early_returned_lead_with_sales(client, rep, mql, policy):
    client.force_login(rep.user)
    client.post(f"/funnel/leads/{mql.pk}/return/", {"reason": "bad_fit"})
    assert Lead.objects.get(pk=mql.pk).state == LeadState.MQL


def test_the_sla_page_explains_the_attempts_rule(client, head_of_sales):
    client.force_login(head_of_sales.user)
    page = client.get("/funnel/sla/").content.decode()
    assert "only after its SLA policy's minimum follow-up attempts" in page.replace("&#x27;", "'")
