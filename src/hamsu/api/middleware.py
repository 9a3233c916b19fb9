"""Refuse oversized API bodies early, in the API's own error shape and the reader's language."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _


class ApiPayloadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if length > limit:
                # This runs before LocaleMiddleware: pick the language as it would.
                with translation.override(translation.get_language_from_request(request)):
                    return self._too_large(length, limit)
        return self.get_response(request)

    @staticmethod
    def _too_large(length: int, limit: int) -> HttpResponse:
        body = {
            "type": "https://hamsu.dev/problems/413",
            "title": _("Payload too large"),
            "status": 413,
            "detail": _("The request body is %(length)s bytes; the limit is %(limit)s bytes.")
            % {"length": length, "limit": limit},
            "errors": [{"field": "body", "message": _("At most %(limit)s bytes.") % {"limit": limit}}],
        }
        return HttpResponse(json.dumps(body), status=413, content_type="application/problem+json")
