"""Marketing hands any lead to sales (issue 16, item 4): a marketer qualifies an inquiry
by hand with a reason that sales reads on the lead and in the handoff; the head of
marketing sees the handoff queue; a disqualified lead in the recycle pool is reopened or
archived. The pages and the API call the same services."""

from __future__ import annotations

import pytest

from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import Handoff, Lead, LeadQueue, LeadState
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db

WHY = "Asked for a demo at the Tehran fair"


@pytest.fixture
def inquiry(make_lead):
    return make_lead(company="Arya Steel", evaluate=False)


@pytest.fixture
def disqualified(make_lead, marketer):
    lead = make_lead(company="Spam Inc", evaluate=False)
    return lifecycle.lead_disqualify(lead=lead, actor=marketer.user, reason="A student project")


def test_a_marketer_hands_an_inquiry_to_sales_with_a_reason(inquiry, marketer, round_robin, policy):
    lead = lifecycle.lead_mark_mql(lead=inquiry, actor=marketer.user, reason=WHY)
    assert lead.state == LeadState.MQL


def test_the_reason_is_kept_on_the_handoff(inquiry, marketer, round_robin, policy):
    lifecycle.lead_mark_mql(lead=inquiry, actor=marketer.user, reason=WHY)
    assert Handoff.objects.get(lead=inquiry).reason == WHY


def test_by_hand_a_lead_needs_a_reason(inquiry, marketer, round_robin, policy):
    with pytest.raises(ValidationFailed) as error:
        lifecycle.lead_mark_mql(lead=inquiry, actor=marketer.user, reason="  ")
    assert error.value.errors["reason"] == ["Say why this lead is ready for sales."]


def test_an_inquiry_page_offers_marketing_its_actions(client, inquiry, marketer):
    client.force_login(marketer.user)
    page = client.get(f"/funnel/leads/{inquiry.pk}/").content.decode()
    assert 'data-testid="hand-to-sales"' in page


def test_an_inquiry_page_offers_a_rep_no_marketing_action(client, inquiry, rep):
    client.force_login(rep.user)
    page = client.get(f"/funnel/leads/{inquiry.pk}/").content.decode()
    assert 'data-testid="hand-to-sales"' not in page


def test_the_page_hands_the_inquiry_over(client, inquiry, marketer, round_robin, policy):
    client.force_login(marketer.user)
    client.post(f"/funnel/leads/{inquiry.pk}/mql/", {"reason": WHY, "version": inquiry.version})
    assert Lead.objects.get(pk=inquiry.pk).state == LeadState.MQL


def test_the_page_without_a_reason_says_why_not(client, inquiry, marketer, round_robin, policy):
    client.force_login(marketer.user)
    response = client.post(f"/funnel/leads/{inquiry.pk}/mql/", {"reason": ""}, follow=True)
    assert "Say why this lead is ready for sales." in response.content.decode()


def test_the_api_without_a_reason_is_a_field_error(client, inquiry, marketer, round_robin, policy):
    client.force_login(marketer.user)
    response = client.post(
        f"/api/v1/funnel/leads/{inquiry.pk}/mql", {"reason": ""}, content_type="application/json"
    )
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]


def test_sales_reads_the_reason_in_its_inbox(client, inquiry, marketer, rep, round_robin, policy):
    lifecycle.lead_mark_mql(lead=inquiry, actor=marketer.user, reason=WHY)
    client.force_login(rep.user)
    assert WHY in client.get("/funnel/inbox/").content.decode()


def test_sales_reads_the_reason_on_the_lead(client, inquiry, marketer, rep, round_robin, policy):
    lifecycle.lead_mark_mql(lead=inquiry, actor=marketer.user, reason=WHY)
    client.force_login(rep.user)
    assert WHY in client.get(f"/funnel/leads/{inquiry.pk}/").content.decode()


def test_the_api_inbox_carries_the_reason(client, inquiry, marketer, rep, round_robin, policy):
    lifecycle.lead_mark_mql(lead=inquiry, actor=marketer.user, reason=WHY)
    client.force_login(rep.user)
    assert [row["handoff_reason"] for row in client.get("/api/v1/funnel/inbox").json()] == [WHY]


# ---------------------------------------------------------------- the queue


def test_the_head_of_marketing_sees_the_handoff_queue(client, head_of_marketing, mql):
    client.force_login(head_of_marketing.user)
    assert client.get("/funnel/queue/").status_code == 200


def test_the_head_of_marketing_sees_the_queue_through_the_api(client, head_of_marketing, mql):
    client.force_login(head_of_marketing.user)
    assert [row["id"] for row in client.get("/api/v1/funnel/handoff-queue").json()] == [mql.pk]


def test_the_head_of_marketing_does_not_assign_from_the_queue(client, head_of_marketing, mql):
    client.force_login(head_of_marketing.user)
    assert "/assign/" not in client.get("/funnel/queue/").content.decode()


def test_a_rep_still_may_not_open_the_queue(client, rep):
    client.force_login(rep.user)
    assert client.get("/funnel/queue/").status_code == 403


# ---------------------------------------------------------------- the recycle pool


def test_a_disqualified_lead_in_the_pool_has_actions(client, disqualified, marketer):
    client.force_login(marketer.user)
    page = client.get("/funnel/recycle/").content.decode()
    assert 'data-testid="archive"' in page


def test_archiving_takes_the_lead_out_of_the_pool(client, disqualified, marketer):
    client.force_login(marketer.user)
    client.post(f"/funnel/leads/{disqualified.pk}/archive/", {"version": disqualified.version})
    assert Lead.objects.get(pk=disqualified.pk).queue == LeadQueue.ARCHIVE


def test_an_archived_lead_stays_disqualified(client, disqualified, marketer):
    client.force_login(marketer.user)
    client.post(f"/funnel/leads/{disqualified.pk}/archive/", {"version": disqualified.version})
    assert Lead.objects.get(pk=disqualified.pk).state == LeadState.DISQUALIFIED


def test_reopening_puts_the_lead_back_in_nurture(client, disqualified, marketer):
    client.force_login(marketer.user)
    client.post(f"/funnel/leads/{disqualified.pk}/reopen/", {"version": disqualified.version})
    assert Lead.objects.get(pk=disqualified.pk).state == LeadState.NURTURE


def test_the_api_archives_the_same_way(client, disqualified, marketer):
    client.force_login(marketer.user)
    response = client.post(
        f"/api/v1/funnel/leads/{disqualified.pk}/archive", {}, content_type="application/json"
    )
    assert response.json()["queue"] == "archive"


def test_only_a_disqualified_lead_is_archived(inquiry, marketer):
    with pytest.raises(ValidationFailed) as error:
        lifecycle.lead_archive(lead=inquiry, actor=marketer.user)
    assert list(error.value.errors) == ["state"]
