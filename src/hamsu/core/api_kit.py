"""The building blocks every app's API router uses: the error schema, page limits, shared
field types, record look-up, the permission check, and the router of an API that is a
package of modules.

They live in core, below every app, so an app's router depends only on its own layer and
the ones below it; ``hamsu.api`` (the top layer) only assembles the routers, the auth and
the error handlers. One definition keeps the OpenAPI document to a single ``Problem``
schema and every 404 worded the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from hamsu.core.company import company_currency
from hamsu.core.errors import NotFound, PermissionDenied


class Problem(Schema):
    """RFC 9457 problem details plus field errors (see ``hamsu.api.errors``)."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict]


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
# A change or delete of a versioned record may meet a newer version: 412 (hamsu.core.api_versions).
WRITE_ERRORS = {**ERRORS, 412: Problem}
Limit = Annotated[int, Field(ge=1, le=200)]
# The database's integer range (a signed 64-bit integer on both engines): every id and
# integer the API reads is held to it, so 2**63 in a path, a query or a body is a 422 on
# its field instead of an OverflowError in the query (issue 15, defect 1).
MAX_INT = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Int = Annotated[int, Field(ge=-MAX_INT - 1, le=MAX_INT)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD, IRR")]

BASE_CURRENCY_DOC = (
    "ISO 4217 code of the company currency: every amount of this answer that is a total or a "
    "converted amount (amount_base, gross profit, spend, pipeline, revenue, forecasts, targets) "
    "is in it; an amount entered in its own currency has its own currency field "
    "(glossary: money.conversion)"
)


def base_currency_field() -> Any:
    """The company currency, beside the amounts converted to it (an answer never carries a
    bare amount whose currency the reader has to guess)."""
    return Field(default_factory=company_currency, description=BASE_CURRENCY_DOC)


def get_or_404(model, pk, label: str, *, field: str | None = None):
    """The ``model`` row with ``pk``, None when ``pk`` is None, or a 404 naming the field
    (``field``, else ``label``) in the reader's language, after the model's verbose name.

    The one look-up of the API (pages use Django's ``get_object_or_404``, whose Http404
    renders the 404 page)."""
    if pk is None:
        return None
    instance = model.objects.filter(pk=pk).first()
    if instance is None:
        raise not_found(model, pk, field or label)
    return instance


def not_found(model, pk, field: str) -> NotFound:
    """The 404 of a ``model`` row that is missing or that the reader may not see (the two
    are worded alike, so the answer says nothing about records one may not open)."""
    name = model._meta.verbose_name
    return NotFound(
        _("%(what)s not found") % {"what": capfirst(name)},
        errors={field: [_("No %(what)s with id %(id)s.") % {"what": name, "id": pk}]},
    )


def no_person(field: str = "user") -> NotFound:
    """The 404 of a login that has no directory person (an operation about "me")."""
    return NotFound(_("No directory person"), errors={field: [_("This login has no directory person.")]})


def require_perm(request, permission: str) -> None:
    """The API enforces the same role permissions as the UI."""
    if not request.user.has_perm(permission):
        raise PermissionDenied(_("Your role does not allow this."), errors={"permission": [permission]})


class StableIdRouter(Router):
    """A router for an app whose API is a package of modules rather than one ``api.py``.

    Django Ninja names an operation after the module of its handler
    (``hamsu_funnel_api_list_leads`` for ``hamsu.funnel.api.list_leads``). The ids are
    public (clients generate their code from the API document), so when an app's ``api.py``
    becomes a package its operations keep the ids they had:
    ``StableIdRouter(id_prefix="hamsu.funnel.api")`` names every operation that does not set
    ``operation_id`` itself ``<prefix>_<handler name>``, whichever module holds it.
    """

    def __init__(self, *args, id_prefix: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.id_prefix = id_prefix

    def add_api_operation(self, path, methods, view_func, *, operation_id=None, **kwargs) -> None:
        if operation_id is None:
            operation_id = f"{self.id_prefix}.{view_func.__name__}".replace(".", "_")
        super().add_api_operation(path, methods, view_func, operation_id=operation_id, **kwargs)
