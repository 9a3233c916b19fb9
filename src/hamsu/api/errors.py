"""One JSON error shape for the whole API (RFC 9457 problem details + field errors).

{"type": "...", "title": "...", "status": 422, "detail": "...",
 "errors": [{"field": "amount", "message": "The amount cannot be negative."}]}
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hamsu.api.validation_messages import message_for
from hamsu.core.errors import DomainError


def problem(
    api: NinjaAPI, request, *, status: int, title: str, detail: str = "", errors: list[dict] | None = None
):
    body = {
        "type": f"https://hamsu.dev/problems/{status}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "errors": errors or [],
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


# The English texts django-ninja gives its own HttpErrors (no code of ours raises one).
NINJA_HTTP_ERRORS = {
    400: gettext_lazy("The request body could not be read."),
    403: gettext_lazy("The CSRF check failed."),
    429: gettext_lazy("Too many requests; wait a moment and try again."),
}


def _field_of(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data", "form")]
    return ".".join(parts) or "body"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc):
        errors = [{"field": _field_of(e.get("loc", [])), "message": message_for(e)} for e in exc.errors]
        return problem(api, request, status=422, title=_("Validation failed"), errors=errors)

    @api.exception_handler(DomainError)
    def on_domain(request, exc):
        errors = [
            {"field": field, "message": message}
            for field, messages in exc.errors.items()
            for message in messages
        ]
        response = problem(api, request, status=exc.status, title=exc.message, errors=errors)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return problem(
            api,
            request,
            status=401,
            title=_("Authentication required"),
            detail=_("Send 'Authorization: Bearer <token>'."),
        )

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return problem(api, request, status=404, title=_("Not found"))

    @api.exception_handler(HttpError)
    def on_http(request, exc):
        # ninja turns any error of the body parser into "Cannot parse request body" (400);
        # our parser's field errors (a NUL in a text, see api/parser.py) are worth keeping.
        if isinstance(exc.__cause__, DomainError):
            return on_domain(request, exc.__cause__)
        title = str(NINJA_HTTP_ERRORS.get(exc.status_code, exc))
        if exc.status_code == 400 and exc.__cause__ is not None:
            # ninja's "Cannot parse request body": a body that is not JSON (or not UTF-8).
            errors = [{"field": "body", "message": _("Send the body as JSON in UTF-8.")}]
            return problem(api, request, status=400, title=title, errors=errors)
        return problem(api, request, status=exc.status_code, title=title)


@csrf_exempt  # a token client sends no CSRF token; unknown paths must still get the problem
def unknown_path(request, path: str = ""):
    """Any /api/ path no operation answers: a 404 in the API's own error shape, not the
    HTML page (``/api/v1/campaigns/-3`` matches no route, as ids are positive)."""
    body = {
        "type": "https://hamsu.dev/problems/404",
        "title": _("Not found"),
        "status": 404,
        "detail": _("No API operation at %(path)s.") % {"path": request.path},
        "errors": [],
    }
    return HttpResponse(json.dumps(body), status=404, content_type="application/problem+json")
