"""HTTP side of the public capture endpoint: form look-up, CORS allow-list, rate limit and
the request handlers, kept lean because every web form posts here.

A capture request costs one database statement (the intake INSERT, see
``services.capture``). Everything else is answered from memory:

- Forms are cached per process for FORM_TTL seconds (and forgotten at once when this
  process saves a form), so a deactivated form or a changed allow-list takes effect in
  other processes within that time.
- The rate limit counts per form per minute in Django's cache. A busy form talks to the
  cache once per SYNC_EVERY hits (or 0.5 s), not once per request; small limits (up to
  200 a minute) are counted exactly. With the default local-memory cache each web
  process counts on its own (so N processes allow up to N× the limit); set a shared
  cache (Redis, Memcached, database) in production for one count.
- ``CaptureFastPathMiddleware`` answers the endpoint right after the security headers,
  before the CSP, session, CSRF, auth and messages middleware and the URL resolver: the
  endpoint uses none of them. The django-ninja route calls the same handlers, so the API
  schema and behaviour are unchanged.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from typing import Any

from django.core.cache import cache
from django.core.handlers.exception import response_for_exception
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from hamsu.core.errors import DomainError
from hamsu.core.payload_limit import too_large
from hamsu.funnel.models import CaptureForm
from hamsu.funnel.services.capture import capture_intake_store

FORM_TTL = 5.0
FORM_CACHE_SIZE = 1000
SYNC_EVERY = 100

_forms: dict[str, tuple[float, CaptureForm | None]] = {}


def active_form(key: str) -> CaptureForm | None:
    now = time.monotonic()
    hit = _forms.get(key)
    if hit is not None and now - hit[0] < FORM_TTL:
        return hit[1]
    form = CaptureForm.objects.filter(key=key, is_active=True).first()
    if len(_forms) >= FORM_CACHE_SIZE:  # unknown keys sent by bots must not grow it forever
        _forms.clear()
    _forms[key] = (now, form)
    return form


def forget_forms(**_kwargs) -> None:
    _forms.clear()


post_save.connect(forget_forms, sender=CaptureForm, dispatch_uid="capture_http.forget_forms.save")
post_delete.connect(forget_forms, sender=CaptureForm, dispatch_uid="capture_http.forget_forms.delete")


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


# ---------------------------------------------------------------- rate limit

_counts_lock = threading.Lock()
# (form id, minute) -> [count last read from the shared cache, hits not yet sent, when sent]
_counts: dict[tuple[int, int], list] = {}


def _shared_add(key: str, delta: int) -> int:
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key, delta)
    except ValueError:  # expired between add and incr
        cache.set(key, delta, timeout=120)
        return delta


def over_rate_limit(form: CaptureForm) -> bool:
    """Count this hit; True when the form is over its limit for the current minute.

    Hits are sent to the shared cache in groups of up to SYNC_EVERY (one group per 200
    allowed a minute, so the overshoot stays under 0.5 % of the limit per process).
    """
    window = int(time.time() // 60)
    limit = form.rate_limit_per_minute
    group = max(1, min(SYNC_EVERY, limit // 200))
    now = time.monotonic()
    with _counts_lock:
        state = _counts.get((form.pk, window))
        if state is None:
            for stale in [k for k in _counts if k[1] < window]:
                del _counts[stale]
            state = _counts[(form.pk, window)] = [0, 0, now]
        state[1] += 1
        if state[1] < group and now - state[2] < 0.5:
            return state[0] + state[1] > limit
        delta, state[1], state[2] = state[1], 0, now
    total = _shared_add(f"hamsu:capture:{form.pk}:{window}", delta)
    with _counts_lock:
        state[0] = max(state[0], total)
    return total > limit


# ---------------------------------------------------------------- handlers


def problem(status: int, title: str, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    body = {
        "type": f"https://hamsu.dev/problems/{status}",
        "title": title,
        "status": status,
        "detail": title,
        "errors": [{"field": f, "message": m} for f, ms in (errors or {}).items() for m in ms],
    }
    return JsonResponse(body, status=status, content_type="application/problem+json")


def request_payload(request) -> Any:
    """JSON, or the fields of an HTML form (form-encoded or multipart)."""
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        data: dict[str, Any] = request.POST.dict()
        if data.get("employees", "").isdigit():
            data["employees"] = int(data["employees"])
        return data
    try:
        return json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None


def preflight(request, form_key: str) -> HttpResponse:
    form = active_form(form_key)
    response = HttpResponse(status=204)
    origin = request.META.get("HTTP_ORIGIN", "")
    if form is not None and allowed_origin(form, origin):
        for name, value in cors_headers(origin, preflight=True).items():
            response[name] = value
    return response


def accepted(status: int, reply: dict) -> HttpResponse:
    # The reply is a small dict of an int and a str: json.dumps as is, without
    # JsonResponse's DjangoJSONEncoder (built per response, for types this never holds).
    return HttpResponse(json.dumps(reply), status=status, content_type="application/json")


def capture(request, form_key: str) -> HttpResponse:
    """Check the form, origin and rate, then store the submission (202) or say what is wrong."""
    # request.META rather than request.headers: the latter builds a dict of every header
    # on first use, for the two read here.
    origin = request.META.get("HTTP_ORIGIN", "")
    form = active_form(form_key)
    if form is None:
        response = problem(404, _("Unknown form"), {"form_key": [_("No active form has this key.")]})
    elif origin and not allowed_origin(form, origin):
        response = problem(
            403,
            _("Origin not allowed"),
            {"Origin": [_("%(origin)s is not on this form's allow-list.") % {"origin": origin}]},
        )
    elif over_rate_limit(form):
        response = problem(
            429,
            _("Too many submissions"),
            {"form_key": [_("At most %(n)s per minute.") % {"n": form.rate_limit_per_minute}]},
        )
        response["Retry-After"] = "60"
    else:
        try:
            status, reply, replayed = capture_intake_store(
                payload=request_payload(request),
                form=form,
                key=request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip(),
            )
        except DomainError as error:
            response = problem(error.status, error.message, error.errors)
        else:
            response = accepted(status, reply)
            if replayed:
                response["Idempotent-Replayed"] = "true"
    if form is not None and origin and allowed_origin(form, origin):
        for name, value in cors_headers(origin).items():
            response[name] = value
    return response


CAPTURE_PATH = re.compile(r"^/api/v1/funnel/capture/(?P<key>[^/]+)$")
# The capture replies are JSON for scripts, never a document: no source is needed, and
# nothing may frame them. django-csp would build the site's policy for each reply (a
# sixth of the request's Python time) that a browser applies to documents only; this
# one is stricter and costs nothing.
CAPTURE_CSP = "default-src 'none'; frame-ancestors 'none'"


def _in_language(language: str):
    """Activate ``language`` for the reply's texts unless it is the active one already
    (the default language, for most captures: activating costs more than the check)."""
    if language == translation.get_language():
        return contextlib.nullcontext()
    return translation.override(language)


class CaptureFastPathMiddleware:
    """Answer POST/OPTIONS on the public capture endpoint without the rest of the stack.

    Put it right after SecurityMiddleware (its headers, HSTS and the HTTPS redirect still
    apply), before CSPMiddleware (the replies get ``CAPTURE_CSP``) and the API's payload
    limit (checked here with the same ``too_large``). The language comes from the request
    as LocaleMiddleware would pick it, so field errors are translated as before. Measured
    per capture in ``bench/lead_capture.py profile-web``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "OPTIONS"):
            match = CAPTURE_PATH.match(request.path_info)
            if match is not None:
                return self.answer(request, match["key"])
        return self.get_response(request)

    def answer(self, request, form_key: str) -> HttpResponse:
        language = translation.get_language_from_request(request)
        try:
            response = too_large(request, language)
            if response is None:
                with _in_language(language):
                    if request.method == "OPTIONS":
                        response = preflight(request, form_key)
                    else:
                        response = capture(request, form_key)
        except Exception as error:  # noqa: BLE001 - as Django's handler would (503 when busy, 500)
            # Converted here, as the handler would one step out, so that the reply still
            # gets the headers below.
            response = response_for_exception(request, error)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Content-Security-Policy", CAPTURE_CSP)
        patch_vary_headers(response, ("Accept-Language",))
        return response
