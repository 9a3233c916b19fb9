"""Refuse an oversized API body before anything reads it: 413 in the API's error shape and
the reader's language. Shared by the API's middleware and the capture endpoint's fast
path (``hamsu.funnel.capture_http``), which answers before that middleware runs."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _


def too_large(request, language: str | None = None) -> HttpResponse | None:
    """The 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (by its Content-Length), else None.

    ``language``: the one the caller already picked from the request; picked here as
    LocaleMiddleware would otherwise (this runs before it)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length <= limit:
        return None
    with translation.override(language or translation.get_language_from_request(request)):
        body = {
            "type": "https://hamsu.dev/problems/413",
            "title": _("Payload too large"),
            "status": 413,
            "detail": _("The request body is %(length)s bytes; the limit is %(limit)s bytes.")
            % {"length": length, "limit": limit},
            "errors": [{"field": "body", "message": _("At most %(limit)s bytes.") % {"limit": limit}}],
        }
    return HttpResponse(json.dumps(body), status=413, content_type="application/problem+json")
