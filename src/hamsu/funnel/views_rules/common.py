"""What the rule pages share: the permission decorators, running a service from a form,
and finding the lead or deal a person typed."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from hamsu.core.errors import DomainError
from hamsu.core.form_versions import conflict_context, redrawn
from hamsu.core.forms import apply_domain_errors
from hamsu.core.versioning import StaleVersion
from hamsu.funnel.models import Lead
from hamsu.funnel.selectors import leads_open_to


def page_view(permission: str):
    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


def post_view(permission: str):
    def decorator(view):
        return login_required(require_POST(permission_required(permission, raise_exception=True)(view)))

    return decorator


def save_form(request, form, write, *, done: str) -> bool:
    """Run the service if the form is valid; its field errors land on the form.

    An edit form (``VersionedForm``) hands ``write`` only the fields to write
    (``form.changes()``); the version it loaded is ``form.cleaned_data["version"]``. A save
    refused because the rule changed meanwhile leaves the refusal on ``form.stale`` for
    :func:`after_conflict`."""
    if not form.is_valid():
        return False
    try:
        write(form.changes() if hasattr(form, "changes") else form.cleaned_data)
    except StaleVersion as stale:
        form.stale = stale
        return False
    except DomainError as error:
        apply_domain_errors(form, error)
        return False
    messages.success(request, done)
    return True


def after_conflict(form, record) -> tuple:
    """The form and page context to show after a save of ``record`` was refused as stale
    (see ``save_form``): the record as it is now (the form's ``initial_for``), with the
    user's edits on top and their yours/theirs choices; unchanged otherwise."""
    stale = getattr(form, "stale", None)
    if stale is None:
        return form, {}
    record.refresh_from_db()
    return redrawn(form, stale, initial=type(form).initial_for(record)), conflict_context(stale)


def shown_version(request) -> int | None:
    """The version of the record on the page a button was pressed on (None: not sent)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def act(request, call, done: str = "") -> None:
    try:
        call()
    except StaleVersion as stale:
        messages.error(request, stale.message)  # who changed it; the page shows it as it is now
    except DomainError as error:
        messages.error(request, error.summary())
    else:
        if done:
            messages.success(request, done)


def form_page(
    request, form, *, title: str, section: str, cancel: str, extra: dict | None = None, status: int = 200
):
    return render(
        request,
        "funnel/rules/form.html",
        {"form": form, "title": title, "section": section, "cancel": cancel, **(extra or {})},
        status=status,
    )


def active_flag(request) -> bool:
    return request.POST.get("active") == "1"


LEAD_NUMBER = re.compile(r"(?:\[#|#)?(\d+)\]?\s*$")


def pick_lead(user, text: str) -> Lead | None:
    text = (text or "").strip()
    leads = leads_open_to(user).select_related("account__owner", "segment")
    match = LEAD_NUMBER.search(text)
    if match:
        return leads.filter(pk=int(match[1])).first()
    if "@" in text:
        return leads.filter(email__iexact=text).order_by("-created_at").first()
    return None


def lead_options(user) -> list[tuple[int, str]]:
    rows = (
        leads_open_to(user)
        .order_by("-created_at")
        .values_list("pk", "first_name", "last_name", "email", "company")[:100]
    )
    return [(pk, f"{first} {last} · {email or company}".strip()) for pk, first, last, email, company in rows]
