"""Login in two steps when two-factor login is on, and the page where each person sets it
up (hamsu.core.two_factor has the rules)."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from hamsu.core import two_factor

# The password step leaves the user's id here (not logged in) for this many seconds.
PENDING_SESSION_KEY = "hamsu_two_factor_pending"
PENDING_SECONDS = 300


class PasswordThenCodeLoginView(LoginView):
    """Django's login; a user with an authenticator is asked for a code before the
    session is logged in."""

    template_name = "core/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.is_enrolled(user):
            response = super().form_valid(form)
            self.request.session[two_factor.ENROLLED_SESSION_KEY] = False
            return response
        self.request.session[PENDING_SESSION_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "until": time.time() + PENDING_SECONDS,
        }
        return redirect("login_code")


def _pending_user(request):
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or pending["until"] < time.time():
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def login_code(request):
    """Step two: the code from the authenticator app, or a recovery code. Also where a
    logged-in session of a user who has an authenticator but gave no code is sent."""
    if request.user.is_authenticated:
        user, pending = request.user, None
    else:
        user, pending = _pending_user(request)
        if user is None:
            messages.info(request, _("Log in again: the time to enter the code ran out."))
            return redirect("login")
    error = ""
    if request.method == "POST":
        device = two_factor.verified_device(user, request.POST.get("code", ""))
        if device is None:
            error = _(
                "That code is not right. Type the six digits your app shows now, or one of your recovery codes."
            )
        else:
            if pending is not None:
                auth_login(request, user, backend=pending["backend"])
                request.session.pop(PENDING_SESSION_KEY, None)
            otp_login(request, device)
            request.session[two_factor.ENROLLED_SESSION_KEY] = True
            if device.__class__.__name__ == "StaticDevice":
                left = two_factor.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)s are left. Make new ones under Two-factor login.")
                    % {"left": left},
                )
            target = (pending or {}).get("next") or request.GET.get("next") or "/"
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target)
    return render(request, "core/login_code.html", {"error": error}, status=200 if not error else 422)


@login_required
def two_factor_settings(request):
    """Turn two-factor login on (scan, confirm with a code, keep the recovery codes) or off."""
    user = request.user
    enrolled = two_factor.is_enrolled(user)
    context = {
        "enrolled": enrolled,
        "required": two_factor.is_required_of(user),
        "codes_left": two_factor.recovery_codes_left(user) if enrolled else 0,
        "error": "",
    }
    if request.method == "POST" and request.POST.get("step") == "confirm":
        codes = two_factor.totp_confirm(user=user, code=request.POST.get("code", ""))
        if codes is None:
            context["error"] = _("That code is not right. Type the six digits your app shows now.")
        else:
            device = user.totpdevice_set.get(confirmed=True)
            otp_login(request, device)
            request.session[two_factor.ENROLLED_SESSION_KEY] = True
            return render(request, "core/two_factor_codes.html", {"codes": codes, "first_time": True})
    if not enrolled:
        device = two_factor.pending_totp(user) if request.method == "POST" else None
        device = device or two_factor.totp_begin(user=user)
        context.update(qr=two_factor.qr_svg_data_uri(device), secret=two_factor.secret_text(device))
    status = 422 if context["error"] else 200
    return render(request, "core/two_factor.html", context, status=status)


@login_required
@require_POST
def recovery_codes_new(request):
    if not two_factor.is_enrolled(request.user):
        return redirect("two_factor")
    codes = two_factor.recovery_codes_renew(user=request.user)
    return render(request, "core/two_factor_codes.html", {"codes": codes, "first_time": False})


@login_required
@require_POST
def two_factor_off(request):
    if two_factor.is_required_of(request.user):
        messages.error(request, _("Your role must use two-factor login, so it cannot be turned off."))
        return redirect("two_factor")
    two_factor.two_factor_remove(actor=request.user, user=request.user)
    request.session[two_factor.ENROLLED_SESSION_KEY] = False
    messages.success(request, _("Two-factor login is off."))
    return redirect("two_factor")


class TwoFactorMiddleware:
    """A session without the code its user owes (an authenticator they have, or one their
    role requires) reaches only the pages that settle it."""

    OPEN = ("/login/", "/logout/", "/i18n/", "/static/", "/account/two-factor/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN)
            and not user.is_verified()
        ):
            enrolled = request.session.get(two_factor.ENROLLED_SESSION_KEY)
            if enrolled is None:  # a session that did not log in here (the admin's login, older ones)
                enrolled = request.session[two_factor.ENROLLED_SESSION_KEY] = two_factor.is_enrolled(user)
            if enrolled:
                return redirect("login_code")
            if two_factor.is_required_of(user):
                messages.warning(request, _("Your role must use two-factor login: set it up to go on."))
                return redirect("two_factor")
        return self.get_response(request)
