"""No lost updates on working-together records (issue 18): minutes, action items, key-account
plans and their items are written only in the version the page showed; a change made
meanwhile to another field is kept, a change to the same field refuses the save."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from hamsu.collaboration import services
from hamsu.collaboration.models import AccountPlan, ActionItem, Meeting, PlanItem
from hamsu.core.models import AuditEntry

pytestmark = pytest.mark.django_db

DUE = datetime.date(2027, 1, 15)


@pytest.fixture
def meeting(head_of_sales):
    return services.meeting_create(
        actor=head_of_sales.user, title="Pipeline review", starts_at=timezone.now(), attendees=[head_of_sales]
    )


@pytest.fixture
def plan(head_of_sales, make_account):
    return services.account_plan_create(
        actor=head_of_sales.user,
        account=make_account(head_of_sales, "Acme"),
        sales_owner=head_of_sales,
        objectives="Grow",
    )


@pytest.fixture
def lead_client(client, head_of_sales):
    client.force_login(head_of_sales.user)
    return client


def test_minutes_someone_changed_since_the_page_was_shown_are_not_overwritten(lead_client, meeting, rep):
    shown = meeting.version
    services.meeting_record(meeting=meeting, actor=None, minutes="Theirs")
    lead_client.post(
        reverse("collaboration:meeting_minutes", args=[meeting.pk]),
        {"version": shown, "minutes": "Mine", "status": meeting.status},
    )
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Theirs"


def test_minutes_keep_a_status_someone_else_set_meanwhile(lead_client, meeting):
    shown, status_shown = meeting.version, meeting.status
    services.meeting_record(meeting=meeting, actor=None, status="held")
    lead_client.post(
        reverse("collaboration:meeting_minutes", args=[meeting.pk]),
        {"version": shown, "minutes": "Mine", "status": status_shown},
    )
    saved = Meeting.objects.get(pk=meeting.pk)
    assert (saved.minutes, saved.status) == ("Mine", "held")


def test_an_action_items_status_set_on_a_stale_page_is_refused(lead_client, meeting, head_of_sales):
    item = services.action_item_create(
        meeting=meeting, actor=None, title="Call Acme", owner=head_of_sales, due_on=DUE
    )
    shown = item.version
    services.action_item_update(item=item, actor=None, status="done")
    lead_client.post(
        reverse("collaboration:action_status", args=[item.pk]), {"version": shown, "status": "dropped"}
    )
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def _plan_form(plan: AccountPlan, **changes) -> dict:
    data = {
        "version": plan.version,
        "sales_owner": plan.sales_owner_id,
        "marketing_owner": plan.marketing_owner_id or "",
        "objectives": plan.objectives,
        "status": plan.status,
    }
    data.update(changes)
    return data


def test_a_stale_plan_form_that_changed_the_same_field_writes_nothing(lead_client, plan):
    opened = _plan_form(plan)
    services.account_plan_update(plan=plan, actor=None, objectives="Theirs")
    lead_client.post(reverse("collaboration:plan_edit", args=[plan.pk]), {**opened, "objectives": "Mine"})
    assert AccountPlan.objects.get(pk=plan.pk).objectives == "Theirs"


def test_a_stale_plan_form_shows_yours_and_theirs(lead_client, plan):
    opened = _plan_form(plan)
    services.account_plan_update(plan=plan, actor=None, objectives="Theirs")
    response = lead_client.post(
        reverse("collaboration:plan_edit", args=[plan.pk]), {**opened, "objectives": "Mine"}
    )
    assert 'data-testid="keep-theirs-objectives"' in response.content.decode()


def test_a_stale_plan_form_keeps_a_change_to_a_field_it_did_not_touch(lead_client, plan):
    opened = _plan_form(plan)
    services.account_plan_update(plan=plan, actor=None, status="closed")
    lead_client.post(reverse("collaboration:plan_edit", args=[plan.pk]), {**opened, "objectives": "Mine"})
    saved = AccountPlan.objects.get(pk=plan.pk)
    assert (saved.objectives, saved.status) == ("Mine", "closed")


def test_a_refused_plan_save_is_in_the_audit_trail(lead_client, plan):
    opened = _plan_form(plan)
    services.account_plan_update(plan=plan, actor=None, objectives="Theirs")
    lead_client.post(reverse("collaboration:plan_edit", args=[plan.pk]), {**opened, "objectives": "Mine"})
    assert AuditEntry.objects.filter(
        object_type="collaboration.accountplan", object_id=str(plan.pk), action="conflict"
    ).exists()


def test_a_plan_items_status_set_on_a_stale_page_is_refused(lead_client, plan):
    item = services.plan_item_add(plan=plan, actor=None, title="Exec sponsor")
    shown = item.version
    services.plan_item_update(item=item, actor=None, status="done")
    lead_client.post(
        reverse("collaboration:plan_item_status", args=[item.pk]), {"version": shown, "status": "dropped"}
    )
    assert PlanItem.objects.get(pk=item.pk).status == "done"
