"""What the collaboration pages share: submitting a form to a service, flashing its errors, a
plain form page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from hamsu.core.errors import DomainError
from hamsu.core.forms import apply_domain_errors


def _submit(request, form, call, *, success: str, redirect_to):
    """Validate ``form``; call the service; show its field errors on the form if it refuses."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return None


def _flash_errors(request, error: DomainError) -> None:
    messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms) or error.message)


def _form_page(request, form, title: str, *, multipart: bool = False, intro: str = ""):
    return render(
        request,
        "collaboration/form.html",
        {"form": form, "title": title, "multipart": multipart, "intro": intro},
    )
