"""API authentication: a personal token (Bearer) or the browser session (with CSRF)."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from hamsu.api import throttle
from hamsu.api.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        throttle.check(request)  # an address that guessed too often is refused first
        user = user_for_token(token)
        if user is None:
            throttle.failed(request)
            return None
        request.user = user
        return user


API_AUTH = [TokenAuth(), django_auth]
