"""My day on the home page (issue 16, item 1): a rep sees first the leads waiting on their
SLA clock and the tasks due, not company-wide totals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.crm.models import Activity
from hamsu.funnel.models import Lead, LeadState

pytestmark = pytest.mark.django_db


def test_a_lead_waiting_for_the_rep_is_on_their_home_page(client, rep, mql):
    client.force_login(rep.user)
    html = client.get("/").content.decode()
    section = html.split('data-testid="my-day-leads"')[1].split("</ul>")[0]
    assert f'href="/funnel/leads/{mql.pk}/"' in section


def test_the_lead_shows_its_sla_clock(client, rep, mql):
    client.force_login(rep.user)
    html = client.get("/").content.decode()
    section = html.split('data-testid="my-day-leads"')[1].split("</ul>")[0]
    assert 'data-testid="sla-countdown"' in section


def test_an_overdue_task_is_first_on_the_home_page(client, rep, make_opportunity):
    deal = make_opportunity(rep)
    for days, subject in ((1, "Later"), (-2, "Late already")):
        Activity.objects.create(
            kind="call",
            subject=subject,
            owner=rep,
            team=rep.team,
            account=deal.account,
            opportunity=deal,
            due_at=timezone.now() + datetime.timedelta(days=days),
        )
    client.force_login(rep.user)
    html = client.get("/").content.decode()
    section = html.split('data-testid="my-day-tasks"')[1].split("</ul>")[0]
    assert "Late already" in section
    assert "Later" not in section  # due tomorrow: on the tasks page, not in "to do now"


def test_a_login_without_a_directory_person_has_no_my_day(client, django_user_model):
    user = django_user_model.objects.create_user(username="admin-only", password="pw", is_superuser=True)
    client.force_login(user)
    assert 'data-testid="my-day"' not in client.get("/").content.decode()


def _waiting_count(html: str) -> int:
    return int(html.split('data-figure="leads.waiting">')[1].split("<")[0].replace(",", ""))


def test_every_lead_waiting_is_counted_however_many_the_rep_holds(client, rep):
    # More leads than the old fetch of 50 open leads (filtered in Python afterwards) held.
    Lead.objects.bulk_create(
        [Lead(last_name=f"Waiting {n}", state=LeadState.MQL, owner=rep, team=rep.team) for n in range(60)]
        + [Lead(last_name=f"Accepted {n}", state=LeadState.SAL, owner=rep, team=rep.team) for n in range(5)]
    )
    client.force_login(rep.user)
    assert _waiting_count(client.get("/").content.decode()) == 60


def test_the_list_of_waiting_leads_holds_only_mqls(client, rep):
    Lead.objects.bulk_create(
        [Lead(last_name=f"Accepted {n}", state=LeadState.SAL, owner=rep, team=rep.team) for n in range(3)]
        + [Lead(last_name="Still waiting", state=LeadState.MQL, owner=rep, team=rep.team)]
    )
    client.force_login(rep.user)
    section = client.get("/").content.decode().split('data-testid="my-day-leads"')[1].split("</ul>")[0]
    assert "Accepted" not in section


def test_more_waiting_leads_than_shown_link_to_all_of_them(client, rep):
    Lead.objects.bulk_create(
        [Lead(last_name=f"Waiting {n}", state=LeadState.MQL, owner=rep, team=rep.team) for n in range(9)]
    )
    client.force_login(rep.user)
    assert 'data-testid="my-day-leads-more"' in client.get("/").content.decode()
