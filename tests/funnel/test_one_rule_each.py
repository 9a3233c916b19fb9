"""Rules the lead page, the API and the rule pages used to write each on their own now
live in one selector each: which leads a person may open, and the SLA figures' period."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.core.errors import ValidationFailed
from hamsu.core.models import CompanySettings, Visibility
from hamsu.funnel import selectors
from hamsu.funnel.models import LeadQueue
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_visibility(db):
    CompanySettings.objects.create(visibility=Visibility.OWN)


@pytest.fixture
def queued(make_lead, policy):
    """An MQL nobody could take: it waits in the handoff queue."""
    return lifecycle.lead_mark_mql(lead=make_lead(), actor=None, via="test")


def test_a_lead_waiting_in_a_queue_is_open_to_a_seller_who_does_not_own_it(own_visibility, rep, queued):
    assert queued.queue == LeadQueue.HANDOFF
    assert selectors.lead_detail(user=rep.user, pk=queued.pk) == queued


def test_another_sellers_lead_stays_closed(own_visibility, rep, other_rep, make_lead):
    theirs = make_lead(owner=other_rep)
    assert selectors.lead_detail(user=rep.user, pk=theirs.pk) is None


def test_the_lead_page_opens_a_queued_lead_for_a_seller_who_does_not_own_it(
    own_visibility, client, rep, queued
):
    client.force_login(rep.user)
    assert client.get(f"/funnel/leads/{queued.pk}/").status_code == 200


def test_the_sla_period_ends_after_today_and_starts_days_before():
    start, end = selectors.sla_period(days=7)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert (start.date(), end.date()) == (tomorrow - datetime.timedelta(days=7), tomorrow)


def test_the_sla_period_starts_at_midnight_in_the_current_time_zone():
    start, _end = selectors.sla_period()
    midnight = datetime.datetime.combine(
        start.date(), datetime.time(0), tzinfo=timezone.get_current_timezone()
    )
    assert start == midnight


def test_an_sla_period_that_ends_before_it_starts_is_refused_on_its_start():
    day = datetime.date(2026, 3, 1)
    with pytest.raises(ValidationFailed) as refused:
        selectors.sla_period(start=day, end=day)
    assert list(refused.value.errors) == ["start"]


@pytest.fixture
def accepted(mql, rep):
    return lifecycle.lead_accept(lead=mql, actor=rep.user)


def test_the_api_refuses_an_mql_for_an_accepted_lead_on_its_state(client, marketer, accepted):
    client.force_login(marketer.user)
    response = client.post(f"/api/v1/funnel/leads/{accepted.pk}/mql", {}, content_type="application/json")
    assert [error["field"] for error in response.json()["errors"]] == ["state"]


def test_the_api_refusal_of_an_mql_is_a_problem_not_a_500(client, marketer, accepted):
    client.force_login(marketer.user)
    response = client.post(f"/api/v1/funnel/leads/{accepted.pk}/mql", {}, content_type="application/json")
    assert response.status_code == 422
