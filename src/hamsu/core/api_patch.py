"""The base of every PATCH body: null clears a field only where the model allows empty.

In a PATCH a field left out keeps its value. ``null`` is different: it asks to clear the
field, which only a column declared ``null=True`` can hold. Schemas used to declare every
field ``X | None = None`` to make it optional, so ``{"industry": null}`` passed validation
and failed in the database (IntegrityError) or in a service (``None.lower()``): a 500
(issue 15, defect 1). Deriving the rule from the model keeps the two from drifting: a
``null`` for a column that cannot be empty is a 422 naming the field, and the OpenAPI
document marks as nullable only the fields that are.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator
from pydantic_core import PydanticCustomError, ValidationError

NULL = {"type": "null"}


class Patch(Schema):
    """Subclasses set ``for_model`` (and ``clearable`` for fields that are not columns)."""

    for_model: ClassVar[type[models.Model] | None] = None
    clearable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def nullable_fields(cls) -> frozenset[str]:
        names = set(cls.clearable)
        if cls.for_model is not None:
            for field in cls.for_model._meta.concrete_fields:
                if field.null:
                    names.update({field.name, field.attname})
        return frozenset(names)

    @model_validator(mode="before")
    @classmethod
    def _refuse_null_where_the_model_does(cls, data: Any) -> Any:
        # ninja hands the body over wrapped in its DjangoGetter.
        raw = data._obj if isinstance(data, DjangoGetter) else data
        if not isinstance(raw, dict):
            return data
        nullable = cls.nullable_fields()
        refused = [
            name
            for name, value in raw.items()
            if value is None and name in cls.model_fields and name not in nullable
        ]
        if refused:
            error = PydanticCustomError(
                "null_not_allowed", _("This field cannot be empty; leave it out to keep its value.")
            )
            raise ValidationError.from_exception_data(
                cls.__name__, [{"type": error, "loc": (name,), "input": None} for name in refused]
            )
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        nullable = cls.nullable_fields()
        for name, prop in target.get("properties", {}).items():
            options = prop.get("anyOf")
            if name in nullable or not options or NULL not in options:
                continue
            rest = [option for option in options if option != NULL]
            del prop["anyOf"]
            if len(rest) == 1:
                prop.update(rest[0])
            else:
                prop["anyOf"] = rest
        return schema
