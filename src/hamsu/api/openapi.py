"""The OpenAPI document says what the API does (issue 15, defect 7).

ninja builds the document from the routers; three things it cannot know are settled here,
once for every operation, so that no router can get them wrong:

- every error is sent as ``application/problem+json`` (``hamsu.api.errors``), so each
  4xx response is documented with that media type and the ``Problem`` schema;
- every operation can answer the errors the middleware and the error handlers produce
  whatever the route: 401 (no token), 403, 404, 409, 422, 429 (throttled), and 413 for
  operations that take a body (``ApiPayloadLimitMiddleware``);
- times of day (a calendar's working hours) are local wall-clock times such as
  ``09:00:00``; JSON Schema's ``time`` format demands a UTC offset, so they are documented
  by their pattern instead;
- the ``ETag`` each versioned record's reads and writes answer (issue 18): an operation
  that takes ``If-Match`` (``hamsu.core.api_versions``) marks its path as a versioned record.
"""

from __future__ import annotations

import typing
from typing import Any

from ninja import NinjaAPI

PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
ALWAYS = {
    "400": "Bad request",
    "401": "Authentication required",
    "403": "Your role does not allow this",
    "404": "Not found, or not visible to you",
    "409": "Conflicts with the record's current state",
    "422": "Validation failed: the errors name each field",
    "429": "Too many requests",
}
WITH_BODY = {"413": "The request body is too large"}
LOCAL_TIME = {
    "type": "string",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
    "description": "A local time of day, HH:MM or HH:MM:SS, without a UTC offset.",
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def _times_as_local(node: Any) -> Any:
    """Replace every ``{"type": "string", "format": "time"}`` by the local-time pattern."""
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            rest = {k: v for k, v in node.items() if k not in ("format", "type")}
            return {**LOCAL_TIME, **rest}
        return {key: _times_as_local(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_times_as_local(item) for item in node]
    return node


def _problem_response(description: str) -> dict:
    return {"description": description, "content": {PROBLEM: {"schema": PROBLEM_REF}}}


def _document_errors(operation: dict) -> None:
    # ninja keys statuses by int, JSON by str: one kind of key, so none is documented twice.
    responses = operation["responses"] = {str(k): v for k, v in operation.get("responses", {}).items()}
    for status, response in responses.items():
        if status.startswith("4"):
            content = response.get("content") or {}
            schema = content.get("application/json", {}).get("schema", PROBLEM_REF)
            response["content"] = {PROBLEM: {"schema": schema}}
    expected = {**ALWAYS, **(WITH_BODY if "requestBody" in operation else {})}
    for status, description in expected.items():
        if status not in responses:
            responses[status] = _problem_response(description)


def finish(document: dict) -> dict:
    document = _times_as_local(document)
    for path in document.get("paths", {}).values():
        for method, operation in path.items():
            if method in METHODS:
                _document_errors(operation)
    return document_versions(document)


ETAG_HEADER = {
    "ETag": {
        "description": 'The record\'s version, e.g. "3". Send it as If-Match with a change or delete: '
        "a record changed meanwhile answers 412 instead of being overwritten.",
        "schema": {"type": "string"},
    }
}
WRITES = ("patch", "put", "delete", "post")


def takes_if_match(operation: dict) -> bool:
    return any(
        p.get("in") == "header" and p.get("name", "").lower() == "if-match"
        for p in operation.get("parameters", [])
    )


def document_versions(schema: dict) -> dict:
    for operations in schema.get("paths", {}).values():
        if not any(takes_if_match(operations.get(verb, {})) for verb in WRITES):
            continue
        for verb, operation in operations.items():
            if verb == "get" or takes_if_match(operation):
                for status, response in operation.get("responses", {}).items():
                    if str(status) in ("200", "201") and not _is_a_list(response):
                        response.setdefault("headers", {}).update(ETAG_HEADER)
    return schema


def _is_a_list(response: dict) -> bool:
    """A list of records (``GET /scorecard/targets`` beside ``PUT``) has no one version."""
    content = response.get("content", {}).get("application/json", {})
    return content.get("schema", {}).get("type") == "array"


class HamsuAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return finish(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


def _forbid_extra(model, seen: set) -> None:
    from pydantic import BaseModel

    if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        for inner in (field.annotation, *typing.get_args(field.annotation)):
            _forbid_extra(inner, seen)
    model.model_config["extra"] = "forbid"
    model.model_rebuild(force=True)


def refuse_unknown_fields(api: NinjaAPI) -> None:
    """Every request body refuses fields it does not know (issue 15, defect 9).

    A misspelt field used to be dropped in silence, so an integrator's typo changed
    nothing and said nothing; now it is a 422 naming the field. Done here, over every
    operation's body once the routers are assembled, so no schema can forget it."""
    seen: set = set()
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                for params in operation.models:
                    if params.__ninja_param_source__ == "body":
                        for field in params.model_fields.values():
                            _forbid_extra(field.annotation, seen)
                        params.model_rebuild(force=True)
