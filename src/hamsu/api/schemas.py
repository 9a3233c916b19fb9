"""Pieces every app's API router shares: the error schema, page limits, record look-up.

Each app used to declare its own copy; one definition keeps the OpenAPI document to a
single ``Problem`` schema and every 404 worded the same way.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from hamsu.core.errors import NotFound


class Problem(Schema):
    """RFC 9457 problem details plus field errors (see ``hamsu.api.errors``)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict]


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
Limit = Annotated[int, Field(ge=1, le=200)]


def get_or_404(model, pk, label: str, *, field: str | None = None):
    """The ``model`` row with ``pk``, None when ``pk`` is None, or a 404 naming the field."""
    if pk is None:
        return None
    instance = model.objects.filter(pk=pk).first()
    if instance is None:
        raise NotFound(f"No {label} {pk}", errors={field or label: [f"No {label} with id {pk}."]})
    return instance
