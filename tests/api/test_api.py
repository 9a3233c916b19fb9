"""API v1: tokens, the same permissions as the UI, one error shape, cursor pagination."""

from __future__ import annotations

import json

import pytest

from hamsu.api import services as tokens
from hamsu.api.models import ApiToken
from hamsu.core.models import CompanySettings, Visibility
from hamsu.crm.models import Opportunity, StageEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(rep):
    _token, raw = tokens.token_create(user=rep.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, body, auth):
    return client.post(url, json.dumps(body), content_type="application/json", **auth)


def test_tokens_are_stored_hashed_and_can_be_revoked(client, rep, auth):
    raw = auth["HTTP_AUTHORIZATION"].split()[1]
    token = ApiToken.objects.get()
    assert raw not in (token.token_hash, token.prefix)
    assert token.token_hash != raw
    assert client.get("/api/v1/opportunities", **auth).status_code == 200
    tokens.token_revoke(user=rep.user, token_id=token.pk)
    response = client.get("/api/v1/opportunities", **auth)
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_create_list_and_move_an_opportunity(client, rep, auth, make_account):
    account = make_account(rep)
    created = post(
        client,
        "/api/v1/opportunities",
        {
            "name": "API deal",
            "account_id": account.pk,
            "owner_id": rep.pk,
            "amount": "1200.50",
            "currency": "USD",
            "expected_close": "2027-02-01",
        },
        auth,
    )
    assert created.status_code == 201, created.content
    opp_id = created.json()["id"]
    moved = post(
        client,
        f"/api/v1/opportunities/{opp_id}/stage",
        {"stage": "qualifying", "reason": "call went well"},
        auth,
    )
    assert moved.status_code == 200
    assert moved.json()["stage"] == "qualifying"
    events = client.get(f"/api/v1/opportunities/{opp_id}/stage-events", **auth).json()["items"]
    assert [(e["from_stage"], e["to_stage"]) for e in events] == [
        ("", "prospecting"),
        ("prospecting", "qualifying"),
    ]
    assert StageEvent.objects.filter(opportunity_id=opp_id, via="api").count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": "-3"}, "amount"),
        ({"currency": "dollars"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"expected_close": "not a date"}, "expected_close"),
        ({"expected_close": "1800-01-01"}, "expected_close"),
        ({"name": ""}, "name"),
        ({"account_id": 999999}, "account"),
    ],
)
def test_bad_input_gets_one_error_shape_with_the_field_and_writes_nothing(
    client, rep, auth, make_account, change, field
):
    account = make_account(rep)
    body = {
        "name": "x",
        "account_id": account.pk,
        "owner_id": rep.pk,
        "amount": "10",
        "currency": "USD",
        "expected_close": "2027-01-01",
        **change,
    }
    response = post(client, "/api/v1/opportunities", body, auth)
    assert response.status_code in (404, 422), response.content
    problem = response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert {"type", "title", "status", "detail", "errors"} <= set(problem)
    assert any(field in e["field"] for e in problem["errors"]), problem
    assert not Opportunity.objects.exists()


def test_missing_fields_are_listed_by_name(client, auth):
    response = post(client, "/api/v1/opportunities", {"name": "only a name"}, auth)
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"account_id", "owner_id", "amount", "currency", "expected_close"} <= fields


def test_oversized_payloads_are_refused_before_parsing(client, auth, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, "/api/v1/opportunities", {"name": "x" * 5000}, auth)
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_someone_elses_records_are_invisible_through_the_api(client, rep, other_rep, auth, make_opportunity):
    CompanySettings.objects.create(visibility=Visibility.OWN)
    theirs = make_opportunity(other_rep)
    assert client.get(f"/api/v1/opportunities/{theirs.pk}", **auth).status_code == 404
    assert (
        post(client, f"/api/v1/opportunities/{theirs.pk}/stage", {"stage": "qualifying"}, auth).status_code
        == 404
    )
    assert client.get("/api/v1/opportunities", **auth).json()["items"] == []


def test_role_permissions_apply_to_the_api(client, marketer, make_account, rep):
    _token, raw = tokens.token_create(user=marketer.user, name="m")
    body = {
        "name": "x",
        "account_id": make_account(rep).pk,
        "owner_id": rep.pk,
        "amount": "1",
        "currency": "USD",
        "expected_close": "2027-01-01",
    }
    response = post(client, "/api/v1/opportunities", body, {"HTTP_AUTHORIZATION": f"Bearer {raw}"})
    assert response.status_code == 403


def test_cursor_pagination_walks_every_record_once(client, rep, auth, make_opportunity):
    ids = {make_opportunity(rep).pk for _ in range(7)}
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/opportunities", params, **auth).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(ids)


def test_the_openapi_document_and_docs_are_served(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/opportunities" in spec["paths"]
    assert client.get("/api/v1/docs").status_code == 200
