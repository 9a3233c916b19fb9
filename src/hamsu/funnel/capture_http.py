"""HTTP concerns of the public capture endpoint: the CORS allow-list and the rate limit.

The rate limit counts per form per minute in Django's cache. With the default local
memory cache each web process counts on its own (so N processes allow up to N× the
limit); set a shared cache (Redis, Memcached, database) in production for one count.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from hamsu.funnel.models import CaptureForm


def allowed_origin(form: CaptureForm, origin: str) -> bool:
    return bool(origin) and origin.rstrip("/") in form.allowed_origins


def cors_headers(origin: str, *, preflight: bool = False) -> dict[str, str]:
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    if preflight:
        headers |= {
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
            "Access-Control-Max-Age": "600",
        }
    else:
        headers["Access-Control-Expose-Headers"] = "Idempotent-Replayed, Retry-After"
    return headers


def over_rate_limit(form: CaptureForm) -> bool:
    window = int(time.time() // 60)
    key = f"hamsu:capture:{form.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > form.rate_limit_per_minute
