"""Every figure the API returns carries its definition (issue 13: every number reconciles).

Walks the answer of every read operation: each number, and each untyped object that
could hide numbers, is either a figure naming a registered glossary term or a value its
record stores (``hamsu.core.api_figures``). Identifiers (``id``, ``…_id``, ``…_ids``)
and a record's ``version`` (a plan's ``edit_version``) are neither and are left alone.
"""

from __future__ import annotations

import decimal
import types
import typing

import pytest
from pydantic import BaseModel

from hamsu.api.urls import api
from hamsu.core import glossary
from hamsu.core.api_figures import GLOSSARY, GLOSSARY_FIELD, STORED

NUMBERS = (int, float, decimal.Decimal)


def _leaves(annotation) -> list:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return [leaf for arg in typing.get_args(annotation) for leaf in _leaves(arg)]
    if origin is typing.Annotated:
        return _leaves(typing.get_args(annotation)[0])
    if origin in (list, tuple, set) and typing.get_args(annotation):
        return _leaves(typing.get_args(annotation)[0])
    if origin is dict and typing.get_args(annotation):
        value = typing.get_args(annotation)[1]
        # A dict of schemas is walked, of text holds no number; any other is an object to declare.
        nested = _leaves(value)
        if nested == [str]:
            return [str]
        if any(isinstance(leaf, type) and issubclass(leaf, BaseModel) for leaf in nested):
            return nested
        return [dict]
    return [annotation]


def _is_identifier(name: str) -> bool:
    return name in ("id", "version", "edit_version") or name.endswith(("_id", "_ids"))


def _fields(model: type[BaseModel], seen: set):
    """(schema name, field name, FieldInfo, needs a declaration) for every field, recursively."""
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        leaves = _leaves(info.annotation)
        for leaf in leaves:
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                yield from _fields(leaf, seen)
        declarable = any(
            leaf in NUMBERS or leaf is dict or typing.get_origin(leaf) is dict for leaf in leaves
        )
        yield model.__name__, name, info, declarable and not _is_identifier(name)


def _read_answers():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if "GET" not in operation.methods:
                    continue
                model = (operation.response_models or {}).get(200)
                if model is not None:
                    yield f"GET {prefix}{path}", model


def _extra(info) -> dict:
    return info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}


def test_every_number_an_api_answer_holds_is_a_figure_with_a_term_or_a_stored_value():
    undeclared = set()
    for where, model in _read_answers():
        for schema, name, info, declarable in _fields(model, set()):
            extra = _extra(info)
            if declarable and not (GLOSSARY in extra or GLOSSARY_FIELD in extra or STORED in extra):
                undeclared.add(f"{where}: {schema}.{name}")
    assert sorted(undeclared) == []


def test_every_figure_names_a_registered_glossary_term():
    unknown = set()
    for _where, model in _read_answers():
        for schema, name, info, _declarable in _fields(model, set()):
            key = _extra(info).get(GLOSSARY)
            if key is not None and glossary.find(key) is None:
                unknown.add(f"{schema}.{name}: {key}")
    assert sorted(unknown) == []


def test_a_figure_keyed_by_its_row_has_that_field_beside_it():
    missing = set()
    for _where, model in _read_answers():
        for schema, name, info, _declarable in _fields(model, set()):
            sibling = _extra(info).get(GLOSSARY_FIELD)
            owner = next(m for m in _models(model) if m.__name__ == schema)
            if sibling is not None and sibling not in owner.model_fields:
                missing.add(f"{schema}.{name} → {sibling}")
    assert sorted(missing) == []


def _models(model, seen=None):
    seen = set() if seen is None else seen
    list(_fields(model, seen))
    return seen


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema()


def _properties(node):
    if isinstance(node, dict):
        for name, value in (node.get("properties") or {}).items():
            yield name, value
        for value in node.values():
            yield from _properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _properties(value)


def test_the_openapi_document_names_each_figures_term_in_its_description(document):
    wrong = set()
    for name, prop in _properties(document["components"]["schemas"]):
        key = prop.get(GLOSSARY)
        if key is not None and f"glossary: {key}" not in prop.get("description", ""):
            wrong.add(f"{name}: {key}")
    assert sorted(wrong) == []


def test_the_openapi_document_marks_the_headline_figures(document):
    schemas = document["components"]["schemas"]
    assert schemas["ClosedLoopOut"]["properties"]["roi"][GLOSSARY] == "closed_loop.roi"
    assert schemas["LearnedForecastOut"]["properties"]["median"][GLOSSARY] == "scorecard.forecast"
    assert schemas["StageOut"]["properties"]["conversion"][GLOSSARY] == "funnel.conversion"
    assert schemas["MetricValue"]["properties"]["value"][GLOSSARY_FIELD] == "glossary"


@pytest.mark.django_db
def test_each_metric_value_the_api_answers_names_a_registered_term():
    from hamsu.scorecard import metrics
    from hamsu.scorecard.glossary import metric_key

    unknown = [m.code for m in metrics.catalogue() if glossary.find(metric_key(m.code)) is None]
    assert unknown == []
