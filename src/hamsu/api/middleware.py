"""Refuse oversized API bodies early, in the API's own error shape and the reader's language."""

from hamsu.core.payload_limit import too_large


class ApiPayloadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            response = too_large(request)
            if response is not None:
                return response
        return self.get_response(request)
