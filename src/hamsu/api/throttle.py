"""API token guessing is rate-limited per address.

Tokens are long random strings, so guessing one is hopeless — unless nothing stops a
client from trying millions. Every request whose Bearer token is unknown, revoked or of
a deactivated user counts against its address in fixed windows of
HAMSU_API_TOKEN_WINDOW_SECONDS (in Django's cache, shared by the web processes when the
cache is); at HAMSU_API_TOKEN_FAILURES the address gets 429 with Retry-After for every
token request — a valid token included, or the answer would tell a guess that worked —
until the window ends.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from hamsu.core.errors import DomainError
from hamsu.core.login_throttle import client_address


class TooManyRequests(DomainError):
    status = 429

    def __init__(self, message: str, *, retry_after: int, errors: dict[str, list[str]] | None = None):
        super().__init__(message, errors=errors)
        self.retry_after = retry_after


def _window() -> tuple[int, int]:
    """(the current window's number, seconds until it ends)."""
    length = settings.HAMSU_API_TOKEN_WINDOW_SECONDS
    now = time.time()
    return int(now // length), max(1, int(length - now % length))


def _key(address: str, window: int) -> str:
    return f"hamsu:api-token-failures:{address}:{window}"


def check(request) -> None:
    """Refuse the request when its address is over the bound in this window."""
    window, remaining = _window()
    failures = cache.get(_key(client_address(request), window), 0)
    if failures >= settings.HAMSU_API_TOKEN_FAILURES:
        message = _(
            "Too many requests with an invalid token from this address; try again in %(seconds)s seconds."
        ) % {"seconds": remaining}
        raise TooManyRequests(message, retry_after=remaining, errors={"authorization": [message]})


def failed(request) -> None:
    window, remaining = _window()
    key = _key(client_address(request), window)
    cache.add(key, 0, timeout=remaining + 5)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=remaining + 5)
