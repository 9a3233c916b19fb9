"""A marketer's day on the home page (issue 16, item 1): the MQLs sales returned and why,
sales' answers to marketing's leads with their clocks, and the week's campaigns with the
leads each has brought so far."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from hamsu.campaigns.models import Campaign, CampaignStatus, Touchpoint
from hamsu.crm.models import Contact
from hamsu.funnel.models import Handoff, HandoffStatus, Lead, LeadQueue, LeadState
from hamsu.web.day_market import week_of

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def home(client, person) -> str:
    client.force_login(person.user)
    return client.get("/").content.decode()


def section(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"')[1].split("</ul>")[0].split("</table>")[0]


def figure(html: str, key: str, **attrs) -> int:
    extra = "".join(f' data-{name}="{value}"' for name, value in attrs.items())
    found = re.search(rf'data-figure="{re.escape(key)}"{extra}>([^<]*)<', html)
    assert found, key
    return int(found.group(1).replace(",", ""))


def returned(name: str, *, reason: str, ago: datetime.timedelta, note: str = "") -> Lead:
    return Lead.objects.create(
        last_name=name,
        state=LeadState.NURTURE,
        queue=LeadQueue.RECYCLE,
        return_reason=reason,
        return_note=note,
        returned_at=timezone.now() - ago,
        recycle_count=1,
    )


def handoff(lead: Lead, *, status: str, due_in: datetime.timedelta, closed_ago=None, **extra) -> Handoff:
    now = timezone.now()
    return Handoff.objects.create(
        lead=lead,
        status=status,
        opened_at=now - 2 * DAY,
        due_at=now + due_in,
        closed_at=None if closed_ago is None else now - closed_ago,
        **extra,
    )


# ---------------------------------------------------------------- what the marketer's day holds


def test_a_marketer_sees_the_returned_leads_not_the_sellers_task_figures(client, marketer):
    assert 'data-figure="tasks.no_next_step"' not in home(client, marketer)


def test_a_lead_returned_yesterday_is_listed_with_its_reason(client, marketer):
    returned("Budget Later", reason="no_budget", ago=DAY)
    listed = section(home(client, marketer), "my-day-returned")
    assert "No budget" in listed


def test_the_return_note_is_shown_beside_the_lead(client, marketer):
    returned("Budget Later", reason="no_budget", ago=DAY, note="Next fiscal year")
    assert "Next fiscal year" in section(home(client, marketer), "my-day-returned")


def test_returns_are_counted_per_reason(client, marketer):
    returned("One", reason="bad_fit", ago=DAY)
    returned("Two", reason="bad_fit", ago=2 * DAY)
    returned("Three", reason="not_now", ago=DAY)
    assert figure(home(client, marketer), "leads.returned", reason="bad_fit") == 2


def test_a_return_older_than_seven_days_is_not_counted(client, marketer):
    returned("Old news", reason="bad_fit", ago=8 * DAY)
    assert figure(home(client, marketer), "leads.returned") == 0


def test_a_handoff_answered_before_its_deadline_counts_in_time(client, marketer, rep):
    lead = Lead.objects.create(last_name="Quick", state=LeadState.SAL, owner=rep, team=rep.team)
    handoff(lead, status=HandoffStatus.ACCEPTED, due_in=-DAY, closed_ago=2 * DAY, owner=rep, team=rep.team)
    assert figure(home(client, marketer), "sla.recent_in_time") == 1


def test_a_handoff_answered_after_its_deadline_counts_late(client, marketer, rep):
    lead = Lead.objects.create(last_name="Slow", state=LeadState.SAL, owner=rep, team=rep.team)
    handoff(lead, status=HandoffStatus.ACCEPTED, due_in=-2 * DAY, closed_ago=DAY, owner=rep, team=rep.team)
    assert figure(home(client, marketer), "sla.recent_late") == 1


def test_a_handoff_waiting_for_sales_shows_its_clock(client, marketer, rep):
    lead = Lead.objects.create(last_name="Waiting Lead", state=LeadState.MQL, owner=rep, team=rep.team)
    handoff(lead, status=HandoffStatus.OPEN, due_in=-DAY, owner=rep, team=rep.team)
    clocks = section(home(client, marketer), "my-day-sla-clocks")
    assert 'data-overdue="true"' in clocks


def test_waiting_handoffs_are_counted_whenever_they_were_opened(client, marketer, rep):
    lead = Lead.objects.create(last_name="Long wait", state=LeadState.MQL, owner=rep, team=rep.team)
    waiting = handoff(lead, status=HandoffStatus.OPEN, due_in=-9 * DAY, owner=rep, team=rep.team)
    Handoff.objects.filter(pk=waiting.pk).update(opened_at=timezone.now() - 10 * DAY)
    assert figure(home(client, marketer), "sla.waiting_now") == 1


# ---------------------------------------------------------------- the week's campaigns


def campaign(name: str, start: datetime.date, end: datetime.date | None, **extra) -> Campaign:
    return Campaign.objects.create(name=name, channel="email", start_date=start, end_date=end, **extra)


def this_week() -> tuple[datetime.date, datetime.date]:
    return week_of(timezone.localdate(), "gregorian")


def test_a_campaign_starting_this_week_is_listed(client, marketer):
    start, _end = this_week()
    made = campaign("Spring webinar", start, start + datetime.timedelta(days=30))
    assert f'data-campaign="{made.pk}"' in section(home(client, marketer), "my-day-campaigns")


def test_a_campaign_that_ended_last_week_is_not_listed(client, marketer):
    start, _end = this_week()
    made = campaign("Winter mailing", start - datetime.timedelta(days=30), start - DAY)
    assert f'data-campaign="{made.pk}"' not in section(home(client, marketer), "my-day-campaigns")


def test_a_cancelled_campaign_is_not_listed(client, marketer):
    start, _end = this_week()
    made = campaign("Called off", start, None, status=CampaignStatus.CANCELLED)
    assert f'data-campaign="{made.pk}"' not in section(home(client, marketer), "my-day-campaigns")


def test_a_campaign_counts_each_person_who_filled_in_its_forms_once(client, marketer, make_account):
    start, _end = this_week()
    made = campaign("Spring webinar", start - datetime.timedelta(days=10), None)
    account = make_account(marketer)
    ana = Contact.objects.create(account=account, last_name="Ana", owner=marketer)
    ben = Contact.objects.create(account=account, last_name="Ben", owner=marketer)
    at = timezone.now() - DAY
    for contact, kind in (
        (ana, "form_fill"),
        (ana, "content_download"),
        (ben, "form_fill"),
        (ben, "ad_click"),
    ):
        Touchpoint.objects.create(kind=kind, occurred_at=at, campaign=made, contact=contact, account=account)
    row = section(home(client, marketer), "my-day-campaigns").split(f'data-campaign="{made.pk}"')[1]
    assert figure(row, "campaigns.leads_so_far") == 2


def test_the_week_starts_on_saturday_for_a_jalali_company():
    wednesday = datetime.date(2026, 12, 9)
    assert week_of(wednesday, "jalali") == (datetime.date(2026, 12, 5), datetime.date(2026, 12, 11))


def test_the_week_starts_on_monday_for_a_gregorian_company():
    wednesday = datetime.date(2026, 12, 9)
    assert week_of(wednesday, "gregorian") == (datetime.date(2026, 12, 7), datetime.date(2026, 12, 13))


# ---------------------------------------------------------------- in Persian


def test_the_marketers_day_in_persian_shows_jalali_dates(client, marketer):
    returned("Budget Later", reason="no_budget", ago=DAY)
    client.force_login(marketer.user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert re.search("[۰-۹]{4}/[۰-۹]{2}/[۰-۹]{2}", section(html, "my-day-returned"))


def test_the_marketers_day_in_persian_names_the_return_reason_in_persian(client, marketer):
    returned("Budget Later", reason="no_budget", ago=DAY)
    client.force_login(marketer.user)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "No budget" not in section(html, "my-day-returned")
