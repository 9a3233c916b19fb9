"""A manager's day on the home page (issue 16, item 1): how their teams' pipeline moved in
the last seven days (deals moved, won and lost, per team) and their teams' overdue
handoffs. A sales manager's teams are the ones they manage; the heads' are every team."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from hamsu.crm import services as crm
from hamsu.crm.models import StageEvent
from hamsu.funnel.models import Handoff, HandoffStatus, Lead, LeadState

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def home(client, person) -> str:
    client.force_login(person.user)
    return client.get("/").content.decode()


def team_row(html: str, team) -> str:
    table = html.split('data-testid="my-day-pipeline-changes"')[1].split("</table>")[0]
    marker = f'data-team="{team.pk}"'
    return table.split(marker)[1].split("</tr>")[0] if marker in table else ""


def figure(html: str, key: str) -> int:
    found = re.search(rf'data-figure="{re.escape(key)}">([^<]*)<', html)
    assert found, key
    return int(found.group(1).replace(",", ""))


def move(deal, *to_stages, ago=DAY):
    for stage in to_stages:
        crm.opportunity_move_stage(
            opportunity=deal, to_stage=stage, actor=None, reason="test", at=timezone.now() - ago
        )
        deal.refresh_from_db()


def test_a_deal_of_the_team_moved_yesterday_counts_as_moved(client, manager, rep, make_opportunity):
    move(make_opportunity(rep), "qualifying")
    assert figure(team_row(home(client, manager), rep.team), "pipeline.moved") == 1


def test_a_deal_moved_twice_counts_once(client, manager, rep, make_opportunity):
    move(make_opportunity(rep), "qualifying", "decision")
    assert figure(team_row(home(client, manager), rep.team), "pipeline.moved") == 1


def test_a_new_deal_is_not_a_move(client, manager, rep, make_opportunity):
    make_opportunity(rep)
    assert team_row(home(client, manager), rep.team) == ""


def test_a_move_eight_days_ago_is_not_counted(client, manager, rep, make_opportunity):
    move(make_opportunity(rep), "qualifying", ago=8 * DAY)
    assert team_row(home(client, manager), rep.team) == ""


def test_a_deal_won_yesterday_counts_as_won(client, manager, rep, make_opportunity):
    move(make_opportunity(rep), "won")
    assert figure(team_row(home(client, manager), rep.team), "pipeline.won_recently") == 1


def test_a_deal_lost_yesterday_counts_as_lost(client, manager, rep, make_opportunity):
    move(make_opportunity(rep), "lost")
    assert figure(team_row(home(client, manager), rep.team), "pipeline.lost_recently") == 1


def test_a_sales_manager_does_not_see_another_teams_changes(client, manager, other_rep, make_opportunity):
    move(make_opportunity(other_rep), "won")
    assert team_row(home(client, manager), other_rep.team) == ""


def test_the_head_of_sales_sees_every_teams_changes(client, head_of_sales, other_rep, make_opportunity):
    move(make_opportunity(other_rep), "won")
    assert figure(team_row(home(client, head_of_sales), other_rep.team), "pipeline.won_recently") == 1


def test_the_teams_add_up_to_the_total(client, head_of_sales, rep, other_rep, make_opportunity):
    move(make_opportunity(rep), "qualifying")
    move(make_opportunity(other_rep), "qualifying")
    html = home(client, head_of_sales)
    total = html.split('data-team="all"')[1].split("</tr>")[0]
    assert figure(total, "pipeline.moved") == 2


def test_the_stage_log_holds_the_moves_the_day_counts(manager, rep, make_opportunity):
    deal = make_opportunity(rep)
    move(deal, "qualifying")
    assert StageEvent.objects.filter(opportunity=deal, from_stage="prospecting").count() == 1


# ---------------------------------------------------------------- overdue handoffs


def overdue_handoff(owner, *, name="Late Lead") -> Handoff:
    lead = Lead.objects.create(last_name=name, state=LeadState.MQL, owner=owner, team=owner.team)
    now = timezone.now()
    return Handoff.objects.create(
        lead=lead,
        owner=owner,
        team=owner.team,
        status=HandoffStatus.OPEN,
        opened_at=now - 2 * DAY,
        due_at=now - DAY,
    )


def test_an_overdue_handoff_of_the_team_is_listed_with_its_clock(client, manager, rep):
    overdue_handoff(rep)
    listed = home(client, manager).split('data-testid="my-day-overdue-handoffs"')[1].split("</ul>")[0]
    assert 'data-overdue="true"' in listed


def test_overdue_handoffs_of_the_team_are_counted(client, manager, rep):
    overdue_handoff(rep)
    overdue_handoff(rep, name="Later Lead")
    assert figure(home(client, manager), "sla.overdue_now") == 2


def test_a_handoff_still_in_time_is_not_overdue(client, manager, rep):
    handoff = overdue_handoff(rep)
    Handoff.objects.filter(pk=handoff.pk).update(due_at=timezone.now() + DAY)
    assert figure(home(client, manager), "sla.overdue_now") == 0


def test_a_sales_manager_does_not_count_another_teams_overdue_handoffs(client, manager, other_rep):
    overdue_handoff(other_rep)
    assert figure(home(client, manager), "sla.overdue_now") == 0


def test_the_head_of_marketing_sees_every_overdue_handoff(client, head_of_marketing, other_rep):
    overdue_handoff(other_rep)
    assert figure(home(client, head_of_marketing), "sla.overdue_now") == 1


def test_the_head_of_marketing_also_has_the_marketers_day(client, head_of_marketing):
    assert 'data-testid="my-day-market"' in home(client, head_of_marketing)


def test_a_sales_manager_still_has_their_own_selling_day(client, manager):
    assert 'data-figure="tasks.no_next_step"' in home(client, manager)
