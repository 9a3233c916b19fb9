"""Login throttling (django-axes): an account, and an address, that fail too often are
locked out for a while; the user is told so on the login page, the lockout is written to
the audit trail, and an administrator can lift it (``/settings/lockouts/``).

Two bounds: HAMSU_LOGIN_ACCOUNT_FAILURES wrong passwords for one account (from any address)
and HAMSU_LOGIN_ADDRESS_FAILURES from one address (for any account; higher, since an office
shares one address) within HAMSU_LOGIN_LOCKOUT_MINUTES. While locked out, even the right
password is refused. Axes compares one failure count with one limit, so the handler
reports each bound's count in the account bound's units (see ``get_failures``).
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from hamsu.core.models import AuditEntry


class ThrottledLoginBackend(AxesStandaloneBackend):
    """Axes's check before the password is tried. Code that authenticates without a
    request (the shell, ``client.login`` in tests) has no address to throttle: it goes
    straight to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def account_limit() -> int:
    return settings.HAMSU_LOGIN_ACCOUNT_FAILURES


def address_limit() -> int:
    return settings.HAMSU_LOGIN_ADDRESS_FAILURES


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes's database handler with one bound per account and another per address, and
    the moment of a lockout written to Hamsu's audit trail."""

    def get_failures(self, request, credentials=None) -> int:
        # The querysets come in the order of AXES_LOCKOUT_PARAMETERS: username, address.
        by_account, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Locked when by_account >= A or by_address >= B; in A's units: by_address * A / B.
        return max(by_account, math.floor(by_address * account_limit() / address_limit()))

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None and not already_locked and getattr(request, "axes_locked_out", False):
            record_lockout(request, credentials)


def record_lockout(request, credentials) -> None:
    username = get_client_username(request, credentials) or ""
    AuditEntry.objects.create(
        actor=None,
        action=AuditEntry.Action.LOCKOUT,
        object_type="login",
        object_id=username[:64],
        object_repr=username[:200],
        changes={
            "ip_address": request.axes_ip_address,
            "failures": getattr(request, "axes_failures_since_start", None),
            "minutes": lockout_minutes(),
        },
        via="api" if request.path.startswith("/api/") else "ui",
    )


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying plainly why and for how long (429, Retry-After)."""
    response = render(
        request,
        "core/login.html",
        {
            "form": AuthenticationForm(request),
            "locked_out": True,
            "lockout_minutes": lockout_minutes(),
            "next": request.POST.get("next", request.GET.get("next", "")),
        },
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


# ---------------------------------------------------------------- the administrator's page


def current_lockouts() -> dict[str, list[dict]]:
    """The accounts and addresses locked out now, with their failures and last attempt."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    accounts = (
        recent.exclude(username__isnull=True)
        .exclude(username="")
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .order_by("username")
    )
    addresses = (
        recent.exclude(ip_address__isnull=True)
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .order_by("ip_address")
    )
    return {
        "accounts": [row for row in accounts if row["failures"] >= account_limit()],
        "addresses": [row for row in addresses if row["failures"] >= address_limit()],
    }


def lockout_lift(*, actor, username: str = "", ip_address: str = "", via: str = "ui") -> int:
    """Forget the failures of an account or of an address; written to the audit trail."""
    if username:
        removed = reset(username=username)
        subject = username
    else:
        removed = reset(ip=ip_address)
        subject = ip_address
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=AuditEntry.Action.UNLOCK,
        object_type="login",
        object_id=subject[:64],
        object_repr=subject[:200],
        changes={"username": username, "ip_address": ip_address, "attempts_removed": removed},
        via=via,
    )
    return removed


def client_address(request) -> str:
    """The client's address as axes reads it (REMOTE_ADDR, or the proxy's header behind
    HAMSU_BEHIND_PROXY) — the API's token throttle uses the same."""
    return get_client_ip_address(request) or ""
