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
