"""Bad input is a clear 4xx, never a 500, and a hidden record is a plain 404 (issue 15)."""

from __future__ import annotations

import base64
import json

import pytest

from hamsu.api import services as tokens
from hamsu.core.models import CompanySettings, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def auth(rep):
    _token, raw = tokens.token_create(user=rep.user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def cursor_of(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


# ---------------------------------------------------------------- crafted cursors (defect 1)

CRAFTED = [["x", 1], [1, "x"], [None, 1], ["2026-01-01T00:00:00", 2**64], [[], 1], [{"k": "d", "t": 5}, 1]]


@pytest.mark.parametrize("path", ["/api/v1/opportunities", "/api/v1/funnel/leads"])
@pytest.mark.parametrize("value", CRAFTED, ids=[json.dumps(v) for v in CRAFTED])
def test_a_crafted_cursor_is_a_field_error(client, auth, path, value):
    response = client.get(path, {"cursor": cursor_of(value)}, **auth)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["cursor"]


# ---------------------------------------------------------------- no existence oracle (defect 6)


@pytest.fixture
def own_records(db):
    CompanySettings.objects.update_or_create(defaults={"visibility": Visibility.OWN})


def hidden_and_missing(make_opportunity, other_rep):
    deal = make_opportunity(other_rep)
    return {
        "account": (f"/api/v1/accounts/{deal.account_id}", "/api/v1/accounts/999999"),
        "opportunity": (f"/api/v1/opportunities/{deal.pk}", "/api/v1/opportunities/999999"),
    }


@pytest.mark.parametrize("kind", ["account", "opportunity"])
@pytest.mark.parametrize("method", ["get", "patch"])
def test_a_record_you_may_not_see_answers_as_if_it_did_not_exist(
    client, auth, own_records, make_opportunity, other_rep, kind, method
):
    hidden, missing = hidden_and_missing(make_opportunity, other_rep)[kind]
    if method == "get":
        answers = [client.get(url, **auth).status_code for url in (hidden, missing)]
    else:
        body = json.dumps({"name": "Renamed"})
        answers = [
            client.patch(url, body, content_type="application/json", **auth).status_code
            for url in (hidden, missing)
        ]
    assert answers == [404, 404]


def test_linking_to_a_record_you_may_not_see_is_a_404_too(
    client, auth, own_records, make_opportunity, other_rep, rep
):
    theirs = make_opportunity(other_rep)
    response = client.post(
        "/api/v1/contacts",
        json.dumps({"first_name": "A", "last_name": "B", "account_id": theirs.account_id}),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- null in a PATCH (defect 1)


@pytest.fixture
def admin_auth(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    _token, raw = tokens.token_create(user=admin, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def patch(client, url, body, auth):
    return client.patch(url, json.dumps(body), content_type="application/json", **auth)


@pytest.mark.parametrize("field", ["industry", "name", "domain"])
def test_null_for_an_account_text_is_a_field_error(client, admin_auth, make_account, rep, field):
    account = make_account(rep)
    response = patch(client, f"/api/v1/accounts/{account.pk}", {field: None}, admin_auth)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_null_for_a_contact_email_is_a_field_error(client, admin_auth, make_account, rep):
    from hamsu.crm import services as crm

    contact = crm.contact_create(actor=None, first_name="A", last_name="B", account=make_account(rep))
    response = patch(client, f"/api/v1/contacts/{contact.pk}", {"email": None}, admin_auth)
    assert [e["field"] for e in response.json()["errors"]] == ["email"]


def test_null_still_clears_a_field_the_model_lets_be_empty(client, admin_auth, make_account, rep, catalogue):
    account = make_account(rep)
    response = patch(client, f"/api/v1/accounts/{account.pk}", {"segment_id": None}, admin_auth)
    assert response.json()["segment_id"] is None


def test_every_patch_body_takes_its_nullability_from_its_model():
    from hamsu.api.urls import api
    from hamsu.core.api_patch import Patch

    bodies = [
        model
        for bound in api._get_bound_routers()
        for path_view in bound.path_operations.values()
        for operation in path_view.operations
        if "PATCH" in operation.methods
        for param_model in operation.models
        if param_model.__ninja_param_source__ == "body"
        for model in [field.annotation for field in param_model.model_fields.values()]
        # A body with required fields replaces the record; a partial one patches it.
        if not any(field.is_required() for field in model.model_fields.values())
    ]
    assert [model.__name__ for model in bodies if not issubclass(model, Patch)] == []


# ---------------------------------------------------------------- integers beyond the database (defect 1)

HUGE = 2**63


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/scorecard/metrics?team={HUGE}",
        f"/api/v1/campaigns/touchpoints?campaign={HUGE}",
        f"/api/v1/accounts/{HUGE}",
        f"/api/v1/opportunities/{HUGE}",
    ],
)
def test_an_integer_beyond_the_database_range_is_a_field_error(client, admin_auth, path):
    assert client.get(path, **admin_auth).status_code == 422


@pytest.mark.parametrize("path", ["/api/v1/funnel/notifications/read", "/api/v1/notifications/read"])
def test_an_id_list_beyond_the_database_range_is_a_field_error(client, admin_auth, path):
    response = client.post(path, json.dumps({"ids": [HUGE]}), content_type="application/json", **admin_auth)
    assert response.status_code == 422


# ---------------------------------------------------------------- unknown fields (defect 9)


def test_an_unknown_field_in_a_body_is_a_field_error(client, admin_auth, make_account, rep):
    account = make_account(rep)
    response = patch(client, f"/api/v1/accounts/{account.pk}", {"nmae": "Typo"}, admin_auth)
    assert [e["field"] for e in response.json()["errors"]] == ["nmae"]
