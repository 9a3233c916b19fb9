"""Two-factor login (django-otp): a time-based code from an authenticator app (TOTP) and
ten single-use recovery codes, for everyone who turns it on and for every role the
administrator requires it of (Settings → Company settings → roles that must use it).

A user with a confirmed authenticator gives the password and then a code; only then is
the session logged in (hamsu.core.views_two_factor). A user whose role requires two-factor
login and who has none yet can open nothing but the page that sets it up. API tokens are a
separate credential (created by a logged-in user, revocable) and are not asked for a code.

Wrong codes are throttled by django-otp per device (each failure doubles the wait).
Whether the session's user has an authenticator is kept in the session at login, so the
check costs no query per request; which roles must use it is cached until the company
settings change.
"""

from __future__ import annotations

import segno
from django.core.cache import cache
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamsu.core import roles
from hamsu.core.models import AuditEntry, CompanySettings

RECOVERY_CODES = 10
ENROLLED_SESSION_KEY = "hamsu_two_factor_enrolled"
_ROLES_CACHE_KEY = "hamsu:two-factor-roles"


# ---------------------------------------------------------------- who must use it


def required_roles() -> set[str]:
    """The roles the administrator requires two-factor login of (cached)."""
    cached = cache.get(_ROLES_CACHE_KEY)
    if cached is None:
        # Read, never create: this runs at login, before a company may have saved settings.
        stored = CompanySettings.objects.order_by("pk").values_list("two_factor_roles", flat=True).first()
        cached = list(stored or [])
        cache.set(_ROLES_CACHE_KEY, cached, timeout=300)
    return set(cached)


def forget_required_roles() -> None:
    """Called when the company settings change, so the new rule applies at once."""
    cache.delete(_ROLES_CACHE_KEY)


def is_required_of(user) -> bool:
    wanted = required_roles()
    return bool(wanted) and bool(wanted & roles.roles_of(user))


def is_enrolled(user) -> bool:
    """A confirmed authenticator (recovery codes alone do not count)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def remember_enrollment(sender, request, user, **kwargs) -> None:
    """At login, keep in the session whether its user has an authenticator (see above), and
    look up which roles must use one while the login is paying for queries anyway, so the
    first page after it costs what every later page does."""
    if request is not None and hasattr(request, "session"):
        request.session.setdefault(ENROLLED_SESSION_KEY, is_enrolled(user))
    required_roles()


def verified_device(user, code: str):
    """The device that accepts this code (the authenticator, or one recovery code, which is
    then used up), else None. Spaces and dashes people type are ignored."""
    code = "".join(code.split()).replace("-", "")
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


# ---------------------------------------------------------------- setting it up


def totp_begin(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (replacing any earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def pending_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def qr_svg_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code (an SVG data URI the page shows as an image)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def totp_confirm(*, user, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. Returns the new recovery
    codes (shown once), or None when the code is wrong."""
    device = pending_totp(user)
    if device is None or not device.verify_token("".join(code.split())):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _audit(actor=user, user=user, event="two_factor_on")
    return _new_recovery_codes(user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    _audit(actor=user, user=user, event="recovery_codes_renewed")
    return _new_recovery_codes(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def two_factor_remove(*, actor, user) -> None:
    """Turn two-factor login off for a user: by themselves, or by an administrator for
    someone who lost their phone and their recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _audit(actor=actor, user=user, event="two_factor_off")


def _audit(*, actor, user, event: str) -> None:
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=AuditEntry.Action.UPDATE,
        object_type="core.user",
        object_id=str(user.pk),
        object_repr=user.get_username()[:200],
        changes={"two_factor": event},
        via="ui",
    )
