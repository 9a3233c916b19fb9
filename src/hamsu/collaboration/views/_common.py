"""What the collaboration pages share: submitting a form to a service, flashing its errors, a
plain form page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from hamsu.core.errors import DomainError
from hamsu.core.form_versions import conflict_context, redrawn
from hamsu.core.forms import apply_domain_errors
from hamsu.core.versioning import StaleVersion


def _submit(request, form, call, *, success: str, redirect_to):
    """Validate ``form``; call the service; show its field errors on the form if it refuses.

    An edit form (``VersionedForm``) hands ``call`` only the fields to write
    (``form.changes()``); a save refused because the record changed meanwhile leaves the
    refusal on ``form.stale`` (see ``_form_page``)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.changes() if hasattr(form, "changes") else form.cleaned_data)
        except StaleVersion as stale:
            form.stale = stale
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return None


def _flash_errors(request, error: DomainError) -> None:
    messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms) or error.message)


def _form_page(request, form, title: str, *, multipart: bool = False, intro: str = "", current=None):
    """``current()``: the record as it is now in the form's terms, for the page after a
    save refused as stale (the user's edits on top, yours/theirs per field)."""
    conflict = {}
    stale = getattr(form, "stale", None)
    if stale is not None and current is not None:
        form, conflict = redrawn(form, stale, initial=current()), conflict_context(stale)
    return render(
        request,
        "collaboration/form.html",
        {"form": form, "title": title, "multipart": multipart, "intro": intro, **conflict},
        status=409 if conflict else 200,
    )
