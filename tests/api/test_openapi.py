"""The OpenAPI document matches what the API does (issue 15, defect 7)."""

from __future__ import annotations

import re
import typing

import pytest
from pydantic import BaseModel

from hamsu.api.urls import api

pytestmark = pytest.mark.django_db

METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def _models_in(annotation, seen: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, seen)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, seen)


def schemas_of_every_operation() -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for model in [*operation.models, *operation.response_models.values()]:
                    _models_in(model, seen)
    return seen


def test_no_two_schemas_share_a_name(document):
    # ninja files each schema under its class name: two apps' "DecisionIn" were one entry,
    # so an operation was documented with the other app's body.
    by_name: dict[str, set[str]] = {}
    for model in schemas_of_every_operation():
        if model.__module__.startswith("hamsu."):
            by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(places) for name, places in by_name.items() if len(places) > 1}
    assert shared == {}


def test_the_decision_on_a_definition_is_documented_with_its_own_body(document):
    body = document["paths"]["/api/v1/funnel/definitions/{definition_id}/decision"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"approve", "side"} <= set(document["components"]["schemas"][ref]["properties"])


def test_every_error_response_is_documented_as_problem_details(document):
    wrong = [
        f"{name} {status}: {sorted(response.get('content', {}))}"
        for name, operation in operations(document)
        for status, response in operation["responses"].items()
        if str(status).startswith("4") and list(response.get("content", {})) != ["application/problem+json"]
    ]
    assert wrong == []


@pytest.mark.parametrize("status", ["401", "403", "404", "422", "429"])
def test_every_operation_documents_the_errors_any_request_can_get(document, status):
    missing = [name for name, operation in operations(document) if status not in operation["responses"]]
    assert missing == []


def test_operations_with_a_body_document_the_size_limit(document):
    missing = [
        name
        for name, operation in operations(document)
        if "requestBody" in operation and "413" not in operation["responses"]
    ]
    assert missing == []


def test_times_of_day_are_documented_as_the_api_writes_them(document, client, django_user_model):
    from hamsu.api import services as tokens

    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    _token, raw = tokens.token_create(user=admin, name="t")
    created = client.post(
        "/api/v1/funnel/calendars",
        {"name": "Tehran office", "workdays": [5, 6, 0, 1, 2]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert created.status_code == 201
    documented = document["components"]["schemas"]["CalendarOut"]["properties"]["day_end"]
    assert re.fullmatch(documented["pattern"], created.json()["day_end"])


def _unbounded_integers(node, document, where: str, seen: set) -> list[str]:
    """Where an integer the API reads has no bound within the database's range."""
    if isinstance(node, list):
        return [
            hit for i, item in enumerate(node) for hit in _unbounded_integers(item, document, where, seen)
        ]
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return []
        seen.add(name)
        return _unbounded_integers(document["components"]["schemas"][name], document, f"{where}>{name}", seen)
    hits = []
    if node.get("type") == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        if low is None or high is None or low < -(2**63) or high > 2**63 - 1:
            hits.append(where)
    for key, value in node.items():
        if isinstance(value, dict | list):
            hits += _unbounded_integers(value, document, f"{where}.{key}", seen)
    return hits


def test_every_integer_the_api_reads_is_held_to_the_database_range(document):
    # 2**63 in a path, a query or a body was an OverflowError in the query: a 500.
    unbounded = []
    for name, operation in operations(document):
        for parameter in operation.get("parameters", []):
            unbounded += _unbounded_integers(
                parameter["schema"], document, f"{name} {parameter['name']}", set()
            )
        for media in operation.get("requestBody", {}).get("content", {}).values():
            unbounded += _unbounded_integers(media["schema"], document, f"{name} body", set())
    assert unbounded == []


@pytest.mark.parametrize("method", ["get", "delete", "patch"])
def test_a_path_no_operation_answers_is_a_problem_not_a_page(method):
    from django.test import Client

    response = getattr(Client(enforce_csrf_checks=True), method)("/api/v1/campaigns/u%0AT")
    assert response["Content-Type"] == "application/problem+json"


def test_calendar_feeds_are_documented_as_icalendar(document):
    feed = document["paths"]["/api/v1/together/calendar.ics"]["get"]["responses"]["200"]
    assert list(feed["content"]) == ["text/calendar"]
