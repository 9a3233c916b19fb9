"""The pages: the funnel, the inbox with SLA countdowns, accept/return, the handoff queue,
the recycle pool, the lead page with score reasons, definitions and their approval."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamsu.funnel.models import Lead, LeadDefinition, LeadState
from hamsu.funnel.services import leads as lifecycle

pytestmark = pytest.mark.django_db


def test_funnel_page_shows_all_three_funnels(client, rep, mql):
    client.force_login(rep.user)
    page = client.get("/funnel/")
    assert page.status_code == 200
    text = page.content.decode()
    for name in (
        "Buying funnel",
        "Lead lifecycle",
        "Sales funnel",
        "Solution collateral",
        "Marketing-qualified lead",
    ):
        assert name in text


def test_inbox_shows_countdown_and_accept_works(client, rep, mql):
    client.force_login(rep.user)
    page = client.get("/funnel/inbox/")
    assert b'data-testid="sla-countdown"' in page.content
    assert str(mql).encode() in page.content
    response = client.post(f"/funnel/leads/{mql.pk}/accept/", {"next": "/funnel/inbox/"})
    assert response.status_code == 302
    assert Lead.objects.get(pk=mql.pk).state == LeadState.SAL


def test_return_without_reason_is_refused_in_the_ui(client, rep, mql, follow_up):
    follow_up(mql, rep.user)
    client.force_login(rep.user)
    client.post(f"/funnel/leads/{mql.pk}/return/", {"reason": ""})
    assert Lead.objects.get(pk=mql.pk).state == LeadState.MQL
    client.post(f"/funnel/leads/{mql.pk}/return/", {"reason": "duplicate", "note": "same as #1"})
    assert Lead.objects.get(pk=mql.pk).state == LeadState.DISQUALIFIED


def test_someone_else_cannot_accept_through_the_ui(client, other_rep, mql):
    client.force_login(other_rep.user)
    client.post(f"/funnel/leads/{mql.pk}/accept/")
    assert Lead.objects.get(pk=mql.pk).state == LeadState.MQL


def test_queue_and_recycle_pages_by_role(client, manager, marketer, rep, mql, make_lead, policy, follow_up):
    waiting = lifecycle.lead_mark_mql(lead=make_lead(), actor=None)
    follow_up(mql, rep.user)
    lifecycle.lead_return(lead=mql, actor=rep.user, reason="not_now")
    client.force_login(manager.user)
    page = client.get("/funnel/queue/")
    assert page.status_code == 200
    assert str(waiting).encode() in page.content
    client.post(f"/funnel/leads/{waiting.pk}/assign/", {"person": rep.pk})
    assert Lead.objects.get(pk=waiting.pk).owner == rep
    client.force_login(marketer.user)
    assert b"/assign/" not in client.get("/funnel/queue/").content  # marketing watches, managers assign
    page = client.get("/funnel/recycle/")
    assert page.status_code == 200
    assert b"Not now" in page.content
    client.post(f"/funnel/leads/{mql.pk}/mql/", {"reason": "Asked for a demo again"})
    assert Lead.objects.get(pk=mql.pk).state == LeadState.MQL


def test_lead_page_shows_score_reasons_and_routing(client, rep, mql):
    client.force_login(rep.user)
    page = client.get(f"/funnel/leads/{mql.pk}/")
    assert page.status_code == 200
    assert b'data-testid="score-reasons"' in page.content
    assert b"round robin" in page.content


def test_lead_list_queries_do_not_grow_with_rows(client, rep, make_lead):
    client.force_login(rep.user)
    for _ in range(3):
        make_lead()
    client.get("/funnel/leads/")  # warm up: session and permission caches
    with CaptureQueriesContext(connection) as few:
        client.get("/funnel/leads/")
    for _ in range(10):
        make_lead()
    with CaptureQueriesContext(connection) as many:
        client.get("/funnel/leads/")
    assert len(many) == len(few)


def test_definitions_page_propose_and_approve(client, head_of_sales, head_of_marketing, rep):
    client.force_login(head_of_sales.user)
    response = client.post("/funnel/definitions/", {"kind": "mql", "rules": "{not json", "summary": ""})
    assert response.status_code == 200
    assert b"not valid JSON" in response.content
    client.post(
        "/funnel/definitions/",
        {"kind": "mql", "rules": '{"field": "score", "op": "gte", "value": 40}', "summary": ""},
    )
    definition = LeadDefinition.objects.get()
    client.post(f"/funnel/definitions/{definition.pk}/decide/", {"approve": "1", "comment": "ok"})
    client.force_login(head_of_marketing.user)
    client.post(f"/funnel/definitions/{definition.pk}/decide/", {"approve": "1"})
    assert LeadDefinition.objects.get().status == "approved"
    client.force_login(rep.user)
    page = client.get("/funnel/definitions/")
    assert b"score \xe2\x89\xa5 40" in page.content
    assert client.post("/funnel/definitions/", {"kind": "mql", "rules": "{}"}).status_code == 404


def test_pages_work_in_persian_right_to_left(client, rep, mql):
    from django.conf import settings

    client.force_login(rep.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    page = client.get("/funnel/inbox/")
    text = page.content.decode()
    assert 'dir="rtl"' in text
    assert "سرنخ‌های من" in text
    assert "قیف مشترک" in client.get("/funnel/").content.decode()


def test_an_sql_becomes_an_opportunity_from_the_lead_page(client, rep, mql, make_account):
    lead = lifecycle.lead_qualify(lead=lifecycle.lead_accept(lead=mql, actor=rep.user), actor=rep.user)
    client.force_login(rep.user)
    assert b"Create opportunity" in client.get(f"/funnel/leads/{lead.pk}/").content
    client.post(f"/funnel/leads/{lead.pk}/convert/", {"amount": "۱۲۰۰", "currency": "USD"})
    assert Lead.objects.get(pk=lead.pk).state == LeadState.SQL  # no account yet: refused, nothing written
    Lead.objects.filter(pk=lead.pk).update(account=make_account(rep))
    client.post(f"/funnel/leads/{lead.pk}/convert/", {"amount": "۱۲۰۰", "currency": "USD"})
    lead.refresh_from_db()
    assert lead.state == LeadState.OPPORTUNITY
    assert lead.opportunity.amount == 1200


def test_the_funnel_is_edited_by_publishing_a_new_version(client, head_of_marketing, rep):
    import json

    from hamsu.funnel.models import FunnelVersion

    client.force_login(head_of_marketing.user)
    page = client.get("/funnel/edit/")
    stages = json.loads(page.context["form"].initial["stages"])
    stages[0]["name"] = "Market awareness"
    response = client.post("/funnel/edit/", {"stages": json.dumps([{"funnel": "nope"}]), "note": "bad"})
    assert response.status_code == 200
    assert not FunnelVersion.objects.exists()
    client.post("/funnel/edit/", {"stages": json.dumps(stages), "note": "rename"})
    assert FunnelVersion.objects.get().number == 1
    assert b"Market awareness" in client.get("/funnel/").content
    client.force_login(rep.user)
    assert client.get("/funnel/edit/").status_code == 403


def test_settings_page_and_capture_form_creation(client, head_of_marketing, rep):
    from hamsu.funnel.models import CaptureForm

    client.force_login(head_of_marketing.user)
    client.post(
        "/funnel/settings/",
        {
            "name": "Webinar sign-up",
            "allowed_origins": "https://www.arya.example\nhttps://events.arya.example",
            "rate_limit_per_minute": 100,
        },
    )
    form = CaptureForm.objects.get()
    assert form.allowed_origins == ["https://www.arya.example", "https://events.arya.example"]
    assert form.key.encode() in client.get("/funnel/settings/").content
    client.force_login(rep.user)
    assert form.key.encode() not in client.get("/funnel/settings/").content


def test_queue_and_recycle_pool_queries_do_not_grow_with_rows(
    client, manager, marketer, make_lead, policy, follow_up
):
    def fill(n):
        for _ in range(n):
            lead = lifecycle.lead_mark_mql(lead=make_lead(company="Acme"), actor=None)
            lifecycle.lead_assign(lead=lead, person=manager, actor=manager.user)
            lead = follow_up(lead, manager.user)
            lifecycle.lead_return(lead=lead, actor=manager.user, reason="not_now")
            lifecycle.lead_mark_mql(lead=make_lead(), actor=None)

    counts = []
    for n in (2, 6):
        fill(n)
        for user, url in ((manager, "/funnel/queue/"), (marketer, "/funnel/recycle/")):
            client.force_login(user.user)
            client.get(url)  # warm up
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append((url, len(queries)))
    assert counts[:2] == counts[2:]
