"""Rules of engagement: when … then …, each firing logged and fired once per event."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamsu.core.errors import ValidationFailed
from hamsu.core.models import Notification
from hamsu.crm import services as crm
from hamsu.crm.models import Coverage, OpportunityParticipant, StageEvent
from hamsu.directory.models import Function, RoleTitle
from hamsu.funnel.models import EngagementFiring, FollowUpTask, LeadState
from hamsu.funnel.services import engagement
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(db):
    engagement.engagement_rules_install_defaults()


@pytest.fixture
def brand_manager(make_person):
    return make_person("Kaveh Brand", function=Function.UPSTREAM_MARKETING, title=RoleTitle.BRAND_MANAGER)


def test_a_big_deal_involves_the_brand_manager_once(rules, rep, brand_manager, make_opportunity):
    # The CRM runs the rules when the deal is created (crm.hooks); calling again fires nothing.
    deal = make_opportunity(rep, amount="2500000")
    firing = EngagementFiring.objects.get(object_type="opportunity", object_id=deal.pk)
    assert firing.rule.name == "Deals of 2,000,000 or more involve a brand manager"
    assert [o["action"] for o in firing.outcome] == ["add_participant", "create_task", "notify_owner"]
    assert OpportunityParticipant.objects.filter(
        opportunity=deal, person=brand_manager, role="brand_manager"
    ).exists()
    assert FollowUpTask.objects.filter(assignee=rep, object_id=deal.pk).count() == 1
    assert Notification.objects.filter(recipient=rep).exists()
    assert engagement.evaluate_rules_for_opportunity(deal, event="created") == []
    assert engagement.evaluate_rules_for_opportunity(deal, event="stage_changed") == []
    assert FollowUpTask.objects.count() == 1


def test_the_brand_manager_covering_the_deals_segment_is_the_one_involved(
    rules, rep, brand_manager, make_person, make_opportunity, catalogue
):
    covering = make_person(
        "Sara Segment", function=Function.UPSTREAM_MARKETING, title=RoleTitle.BRAND_MANAGER
    )
    Coverage.objects.create(person=covering, segment=catalogue["segment"])
    deal = make_opportunity(rep, amount="2500000")
    involved = OpportunityParticipant.objects.filter(opportunity=deal, role="brand_manager")
    assert list(involved.values_list("person", flat=True)) == [covering.pk]


def test_a_small_deal_fires_nothing(rules, rep, brand_manager, make_opportunity):
    assert (
        engagement.evaluate_rules_for_opportunity(make_opportunity(rep, amount="1999999.99"), event="created")
        == []
    )


def test_solution_development_suggests_collateral(rules, rep, make_opportunity):
    deal = crm.opportunity_move_stage(
        opportunity=make_opportunity(rep), to_stage="solution_development", actor=None
    )
    engagement.evaluate_rules_for_opportunity(deal, event="stage_changed")
    notice = Notification.objects.get(kind="collateral")
    assert "Solution collateral library" in notice.body


def test_a_lost_lead_is_recycled_into_nurture(rules, mql, rep, make_account):
    from hamsu.funnel.models import Lead

    lead = lifecycle.lead_qualify(lead=lifecycle.lead_accept(lead=mql, actor=rep.user), actor=rep.user)
    Lead.objects.filter(pk=lead.pk).update(account=make_account(rep))
    lead = lifecycle.lead_convert(lead=Lead.objects.get(pk=lead.pk), actor=rep.user, amount=Decimal("10"))
    deal = crm.opportunity_move_stage(
        opportunity=lead.opportunity, to_stage="lost", reason="price", actor=None
    )
    engagement.evaluate_rules_for_opportunity(deal, event="stage_changed")
    lead.refresh_from_db()
    assert lead.state == LeadState.NURTURE
    assert lead.queue == "recycle"
    path = list(
        StageEvent.objects.filter(object_type="lead", object_id=lead.pk)
        .order_by("pk")
        .values_list("to_stage", flat=True)
    )
    assert path[-2:] == ["lost", "nurture"]
    engagement.evaluate_rules_for_lead(lead, event="stage_changed")
    assert EngagementFiring.objects.filter(object_type="lead", object_id=lead.pk).count() == 1


def test_the_catch_up_command_reads_new_stage_events_once(rules, rep, brand_manager, make_opportunity):
    deal = make_opportunity(rep, amount="3000000")
    call_command("engagement_rules")
    call_command("engagement_rules")
    assert EngagementFiring.objects.filter(object_id=deal.pk, object_type="opportunity").count() == 1


def test_without_active_rules_the_catch_up_skips_to_the_end_of_the_log(rep, make_opportunity):
    from hamsu.crm.models import StageEvent
    from hamsu.funnel.models import EngagementBookmark

    make_opportunity(rep, amount="3000000")
    make_opportunity(rep, amount="5000")
    with CaptureQueriesContext(connection) as queries:
        assert engagement.engagement_catch_up() == StageEvent.objects.count() == 2
    # The bookmark, a look at the rules and the end of the log: no deal or lead is read.
    assert not [
        q for q in queries.captured_queries if "crm_opportunity" in q["sql"] or "funnel_lead" in q["sql"]
    ]
    assert (
        EngagementBookmark.objects.get(name="stage_events").last_event_id
        == StageEvent.objects.latest("pk").pk
    )
    assert engagement.engagement_catch_up() == 0
    assert not EngagementFiring.objects.exists()


def test_rules_are_validated():
    with pytest.raises(ValidationFailed) as error:
        engagement.engagement_rule_create(
            actor=None,
            name="",
            subject="deal",
            event="sometimes",
            conditions={"field": "x", "op": "eq", "value": 1},
            actions=[{"type": "launch_rocket"}],
        )
    assert set(error.value.errors) == {"name", "subject", "event", "conditions", "actions"}


def test_api_twin(client, head_of_sales):
    client.force_login(head_of_sales.user)
    response = client.post(
        "/api/v1/funnel/engagement-rules",
        data={
            "name": "Decision: share case studies",
            "subject": "opportunity",
            "event": "stage_changed",
            "conditions": {"field": "stage", "op": "eq", "value": "decision"},
            "actions": [{"type": "notify_owner", "message": "Send the case studies"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert client.get("/api/v1/funnel/engagement-rules").json()[0]["name"] == "Decision: share case studies"


def test_notices_and_tasks_have_pages_and_api_twins(
    client, rules, rep, other_rep, brand_manager, make_opportunity
):
    make_opportunity(rep, amount="2500000")
    client.force_login(rep.user)
    assert b"Plan the deal with the brand manager" in client.get("/funnel/inbox/").content
    assert b"brand manager joins" in client.get("/funnel/notifications/", follow=True).content
    notices = client.get("/api/v1/funnel/notifications").json()
    assert notices
    assert notices[0]["read_at"] is None
    assert client.post("/api/v1/funnel/notifications/read", data={}, content_type="application/json").json()[
        "marked"
    ] == len(notices)
    task = client.get("/api/v1/funnel/tasks").json()[0]
    client.force_login(other_rep.user)
    assert client.post(f"/api/v1/funnel/tasks/{task['id']}/done").status_code == 403
    client.force_login(rep.user)
    assert client.post(f"/api/v1/funnel/tasks/{task['id']}/done").json()["done_at"]
    assert client.get("/api/v1/funnel/tasks").json() == []
