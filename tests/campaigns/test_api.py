"""The API twins: campaigns, spend, touchpoint batches, attribution, closed loop."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.cache import cache

from hamsu.api import services as tokens
from hamsu.campaigns import services
from hamsu.campaigns.models import Campaign, CostLine, Touchpoint
from hamsu.core.models import AuditEntry
from hamsu.crm import services as crm
from hamsu.crm.models import Opportunity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def bearer(person):
    _token, raw = tokens.token_create(user=person.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, body, auth):
    return client.post(url, json.dumps(body), content_type="application/json", **auth)


def test_a_marketer_creates_and_changes_a_campaign(client, marketer, catalogue):
    auth = bearer(marketer)
    response = post(
        client,
        "/api/v1/campaigns/",
        {
            "name": "Expo 2026",
            "channel": "events",
            "type": "event",
            "utm_campaign": "Expo-26",
            "segment_id": catalogue["segment"].pk,
            "budget": "25000.00",
            "currency": "EUR",
        },
        auth,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["utm_campaign"] == "expo-26"
    assert float(body["spend_base"]) == 0
    patched = client.patch(
        f"/api/v1/campaigns/{body['id']}",
        json.dumps({"status": "active"}),
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 200
    assert patched.json()["status"] == "active"
    assert AuditEntry.objects.filter(object_type="campaigns.campaign").count() == 2


def test_campaign_errors_are_field_level(client, marketer):
    auth = bearer(marketer)
    post(client, "/api/v1/campaigns/", {"name": "A", "channel": "email", "utm_campaign": "dup"}, auth)
    response = post(
        client,
        "/api/v1/campaigns/",
        {
            "name": "B",
            "channel": "email",
            "utm_campaign": "DUP",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
        auth,
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"utm_campaign", "end_date"}
    assert Campaign.objects.count() == 1


def test_a_sales_rep_may_not_create_campaigns_or_book_spend(client, rep, marketer):
    campaign = services.campaign_create(actor=marketer.user, name="X", channel="email")
    auth = bearer(rep)
    assert post(client, "/api/v1/campaigns/", {"name": "Y", "channel": "email"}, auth).status_code == 403
    body = {"period_start": "2026-01-01", "period_end": "2026-01-31", "amount": "10"}
    assert post(client, f"/api/v1/campaigns/{campaign.pk}/costs", body, auth).status_code == 403
    assert client.get("/api/v1/campaigns/", **auth).status_code == 200


def test_spend_is_converted_to_the_base_currency_and_refused_when_wrong(client, marketer, catalogue):
    campaign = services.campaign_create(actor=marketer.user, name="X", channel="email", currency="EUR")
    auth = bearer(marketer)
    response = post(
        client,
        f"/api/v1/campaigns/{campaign.pk}/costs",
        {"period_start": "2026-01-01", "period_end": "2026-01-31", "amount": "100.00"},
        auth,
    )
    assert response.status_code == 201
    assert response.json()["currency"] == "EUR"
    assert response.json()["amount_base"] == "110.00"
    bad = post(
        client,
        f"/api/v1/campaigns/{campaign.pk}/costs",
        {"period_start": "2026-02-01", "period_end": "2026-01-01", "amount": "5", "currency": "XYZ"},
        auth,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"period_end", "currency"}
    assert CostLine.objects.count() == 1
    assert client.get(f"/api/v1/campaigns/{campaign.pk}/costs", **auth).json()[0]["amount"] == "100.00"


def test_the_batch_endpoint_is_idempotent_and_reports_rows(client, marketer, rep, make_account):
    account = make_account(rep)
    contact = crm.contact_create(actor=None, last_name="K", account=account, owner=rep)
    auth = bearer(marketer)
    body = {
        "touchpoints": [
            {
                "kind": "form_fill",
                "occurred_at": "2026-04-02T10:15:00+03:30",
                "contact_id": contact.pk,
                "landing_url": "https://x.example/?utm_source=google&utm_medium=cpc",
                "external_id": "t-1",
            },
            {"kind": "form_fill", "occurred_at": "yesterday", "external_id": "t-2"},
            {"kind": "page_view", "occurred_at": "2026-04-03T10:15:00Z", "account_id": "abc"},
        ]
    }
    first = post(client, "/api/v1/campaigns/touchpoints/batch", body, auth)
    assert first.status_code == 200, first.content
    result = first.json()
    assert [c["row"] for c in result["created"]] == [0]
    assert {(e["row"], e["field"]) for e in result["errors"]} == {(1, "occurred_at"), (2, "account_id")}
    again = post(client, "/api/v1/campaigns/touchpoints/batch", body, auth).json()
    assert again["created"] == []
    assert again["duplicates"][0]["external_id"] == "t-1"
    assert Touchpoint.objects.count() == 1
    touch = Touchpoint.objects.get()
    assert touch.channel == "paid_search"
    assert touch.account_id == account.pk


def test_the_batch_endpoint_refuses_more_than_ten_thousand(client, marketer):
    rows = [{"kind": "page_view", "occurred_at": "2026-04-03T10:15:00Z"}] * 10_001
    response = post(client, "/api/v1/campaigns/touchpoints/batch", {"touchpoints": rows}, bearer(marketer))
    assert response.status_code == 422
    assert Touchpoint.objects.count() == 0


def test_touchpoints_follow_account_visibility(client, rep, other_rep, marketer, make_account, settings):
    from hamsu.core.company import company_settings
    from hamsu.core.models import Visibility

    row = company_settings()
    row.visibility = Visibility.OWN
    row.save()
    mine, theirs = make_account(rep), make_account(other_rep)
    when = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    services.touchpoint_record(actor=None, kind="page_view", occurred_at=when, account=mine)
    services.touchpoint_record(actor=None, kind="page_view", occurred_at=when, account=theirs)
    listed = client.get("/api/v1/campaigns/touchpoints", **bearer(rep)).json()
    assert [t["account_id"] for t in listed] == [mine.pk]


def test_attribution_and_closed_loop_endpoints(client, marketer, rep, make_account, make_opportunity):
    campaign = services.campaign_create(actor=marketer.user, name="Search", channel="paid_search")
    services.cost_line_create(
        actor=marketer.user,
        campaign=campaign,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        amount="200",
    )
    account = make_account(rep)
    deal = make_opportunity(rep, account=account, amount="1000", stage="won")
    Opportunity.objects.filter(pk=deal.pk).update(
        created_at=datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC),
        closed_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC),
    )
    services.touchpoint_record(
        actor=None,
        kind="ad_click",
        occurred_at=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC),
        account=account,
        campaign=campaign,
    )
    auth = bearer(marketer)
    response = client.get("/api/v1/campaigns/attribution?model=linear&level=campaign&measure=revenue", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["credit"] == [
        {"key": "Search", "label": "Search", "conversions": 1.0, "value": 1000.0}
    ]
    assert client.get("/api/v1/campaigns/attribution?model=nonsense", **auth).status_code == 422
    loop = client.get("/api/v1/campaigns/closed-loop?model=linear", **auth).json()
    assert loop["mqls"] is None
    assert loop["cost_per_won_deal"] == "200.00"
    assert loop["by_campaign"][0]["roas"] == pytest.approx(5.0)
    explained = client.get(f"/api/v1/campaigns/deals/{deal.pk}/explanation?model=linear", **bearer(rep))
    assert explained.status_code == 200
    assert explained.json()["touches"][0]["share"] == 1.0


def test_someone_elses_deal_cannot_be_explained(client, rep, other_rep, make_opportunity):
    from hamsu.core.company import company_settings
    from hamsu.core.models import Visibility

    row = company_settings()
    row.visibility = Visibility.OWN
    row.save()
    deal = make_opportunity(other_rep)
    assert client.get(f"/api/v1/campaigns/deals/{deal.pk}/explanation", **bearer(rep)).status_code == 404


def test_the_openapi_document_describes_the_campaign_endpoints(client, marketer):
    schema = client.get("/api/v1/openapi.json", **bearer(marketer)).json()
    paths = schema["paths"]
    for path in (
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{campaign_id}",
        "/api/v1/campaigns/{campaign_id}/costs",
        "/api/v1/campaigns/touchpoints/batch",
        "/api/v1/campaigns/attribution",
        "/api/v1/campaigns/closed-loop",
        "/api/v1/campaigns/deals/{opportunity_id}/explanation",
    ):
        assert path in paths, path


def test_a_campaign_with_spend_cannot_be_deleted_but_one_without_can(
    client, marketer, head_of_sales, make_person
):
    from hamsu.core import roles

    head = make_person("Maryam Head", role=roles.HEAD_OF_MARKETING)
    spent = services.campaign_create(actor=marketer.user, name="Spent", channel="email")
    services.cost_line_create(
        actor=marketer.user,
        campaign=spent,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 1, 31),
        amount="10",
    )
    empty = services.campaign_create(actor=marketer.user, name="Empty", channel="email")
    auth = bearer(head)
    assert client.delete(f"/api/v1/campaigns/{empty.pk}", **bearer(marketer)).status_code == 403
    refused = client.delete(f"/api/v1/campaigns/{spent.pk}", **auth)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "campaign"
    assert client.delete(f"/api/v1/campaigns/{empty.pk}", **auth).status_code == 204
    assert list(Campaign.objects.values_list("name", flat=True)) == ["Spent"]
    assert CostLine.objects.count() == 1
