"""The handoff SLA: deadlines on the team's calendar, breaches escalated exactly once to
the manager and the marketing liaison, in-app and by e-mail; both sides' adherence."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from hamsu.core.models import Notification
from hamsu.funnel import selectors
from hamsu.funnel.models import Handoff
from hamsu.funnel.services import handoff as handoffs
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db


def test_deadline_follows_the_policy_calendar(mql, policy):
    handoff = Handoff.objects.get(lead=mql)
    spec = handoffs.calendar_spec(policy.calendar)
    assert spec.business_seconds_between(handoff.opened_at, handoff.due_at) == pytest.approx(8 * 3600, abs=1)


def test_a_breach_is_escalated_exactly_once(mql, manager, liaison, django_capture_on_commit_callbacks):
    handoff = Handoff.objects.get(lead=mql)
    later = handoff.due_at + datetime.timedelta(minutes=1)
    assert handoffs.sla_check(now=handoff.due_at - datetime.timedelta(minutes=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert handoffs.sla_check(now=later) == 1
    assert handoffs.sla_check(now=later + datetime.timedelta(hours=5)) == 0
    recipients = set(Notification.objects.filter(kind="sla_breach").values_list("recipient_id", flat=True))
    assert recipients == {manager.pk, liaison.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, liaison.email])


def test_the_command_claims_breaches(mql, manager):
    Handoff.objects.filter(lead=mql).update(due_at=timezone.now() - datetime.timedelta(minutes=5))
    call_command("sla_check")
    call_command("sla_check")
    assert Notification.objects.filter(kind="sla_breach").count() == 1
    assert Handoff.objects.get(lead=mql).escalated_at is not None


def test_an_accepted_handoff_is_never_escalated(mql, rep, manager):
    lifecycle.lead_accept(lead=mql, actor=rep.user)
    Handoff.objects.filter(lead=mql).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert handoffs.sla_check() == 0


def test_both_sides_adherence(mql, make_lead, rep, policy, follow_up):
    lifecycle.lead_accept(lead=mql, actor=rep.user)
    lifecycle.lead_log_follow_up(lead=mql, actor=rep.user)
    other = follow_up(lifecycle.lead_mark_mql(lead=make_lead(), actor=None), rep.user)
    lifecycle.lead_return(lead=other, actor=rep.user, reason="bad_fit")
    now = timezone.now()
    (row,) = selectors.sla_adherence(
        start=now - datetime.timedelta(days=1), end=now + datetime.timedelta(days=1)
    )
    assert row.mqls == 2
    assert row.accepted == 1
    assert row.returned == 1
    assert row.acceptance_rate == 50
    assert row.acceptance_target == 70
    assert row.on_time == 2
    assert row.on_time_rate == 100
    assert row.follow_up_on_time_rate == 100
    assert row.min_attempts == 3
    assert row.attempts_before_disqualify == 3  # the minimum, which a return now needs


def test_sla_api_and_page(client, mql, head_of_sales):
    client.force_login(head_of_sales.user)
    body = client.get("/api/v1/funnel/sla").json()
    assert body[0]["mqls"] == 1
    page = client.get("/funnel/sla/")
    assert page.status_code == 200
    assert b"Marketing" in page.content
