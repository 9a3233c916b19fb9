"""My day on the home page (issue 16, item 1): a rep sees first the leads waiting on their
SLA clock and the tasks due, not company-wide totals."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.crm.models import Activity

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
