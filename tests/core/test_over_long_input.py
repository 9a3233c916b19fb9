"""Over-long input (issue 16, item 9): a field error, never silent truncation — in forms
(no HTML maxlength for a browser to cut at; the server's check answers on the field), in
the services behind the pages, and in API bodies, whose limits are the models' own."""

from __future__ import annotations

import sys
import typing

import annotated_types
import pytest
from django.db import models

from hamsu.core.api_patch import Patch
from hamsu.crm.forms import OpportunityForm
from hamsu.crm.models import Opportunity
from hamsu.funnel.forms import ReturnForm

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000


def test_a_form_field_leaves_the_cutting_to_the_server():
    assert " maxlength=" not in str(OpportunityForm()["name"])


def test_a_form_field_keeps_its_limit_for_scripts():
    assert 'data-maxlength="200"' in str(OpportunityForm()["name"])


def test_a_plain_form_field_is_bound_the_same_way():
    assert " maxlength=" not in str(ReturnForm()["note"])


def test_an_over_long_deal_name_is_a_field_error_on_the_page(client, rep, make_account, catalogue):
    account = make_account(rep)
    client.force_login(rep.user)
    response = client.post(
        "/crm/opportunities/new/",
        {
            "name": LONG,
            "account": account.pk,
            "owner": rep.pk,
            "amount": "1000",
            "currency": "USD",
            "expected_close": "2027-01-31",
            "stage": "prospecting",
            "source": "sales",
            "quantity": "1",
        },
    )
    assert "Ensure this value has at most 200 characters (it has 10000)." in response.content.decode()


def test_an_over_long_deal_name_creates_no_deal(client, rep, make_account, catalogue):
    account = make_account(rep)
    client.force_login(rep.user)
    client.post("/crm/opportunities/new/", {"name": LONG, "account": account.pk, "owner": rep.pk})
    assert not Opportunity.objects.exists()


def _max_length(annotation) -> int | None:
    for item in typing.get_args(annotation) or ():
        found = _max_length(item)
        if found is not None:
            return found
    for meta in getattr(annotation, "__metadata__", ()):
        for item in [meta, *getattr(meta, "metadata", ())]:  # a pydantic Field holds its own
            if isinstance(item, annotated_types.MaxLen):
                return item.max_length
    return None


def _is_text(annotation) -> bool:
    return annotation is str or any(_is_text(a) for a in typing.get_args(annotation))


def _pattern_bounded(annotation) -> bool:
    text = repr(annotation)
    return "pattern=" in text and "{2}" in text


def _bodies_with_their_model():
    """Every PATCH body (a Patch, with its model) and its module's create body (``XIn``
    beside ``XPatch``)."""
    import hamsu.api.urls  # noqa: F401  (imports every app's API)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for patch in subclasses(Patch):
        if patch.for_model is None:
            continue
        yield patch, patch.for_model
        sibling = getattr(sys.modules[patch.__module__], patch.__name__.replace("Patch", "In"), None)
        if sibling is not None:
            yield sibling, patch.for_model


def test_api_bodies_take_their_text_limits_from_the_model():
    drift = []
    for body, model in _bodies_with_their_model():
        columns = {f.name: f for f in model._meta.concrete_fields if isinstance(f, models.CharField)}
        for name, field in body.model_fields.items():
            column = columns.get(name)
            if column is None or column.choices or not _is_text(field.annotation):
                continue
            limit = _max_length(field.annotation)
            if limit is None:
                limit = next(
                    (m.max_length for m in field.metadata if isinstance(m, annotated_types.MaxLen)), None
                )
            if limit is None and _pattern_bounded((field.annotation, field.metadata)):
                continue  # e.g. a country code: ^[A-Za-z]{2}$ allows no more than the column
            if limit != column.max_length:
                drift.append((body.__name__, name, limit, column.max_length))
    assert drift == []
