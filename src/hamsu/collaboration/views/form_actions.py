"""The two shapes most collaboration pages take, each one view driven by a row of data.

- ``CreatePage``: a form page whose valid data a service turns into a record; the page
  says so and goes on (to the record, or back to its list). Input the form or the service
  refuses stays on the form, field by field.
- ``RecordAction``: a POST from a record's page (attach, rate, add an item, end, …): the
  record the URL names — or 404, as the user may see it — and the form's data go to a
  service; the outcome or the refusal is flashed and the user is back on the record's page.

A page that does more (its own template, a list beside the form, a version to check)
keeps a view of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.views.decorators.http import require_POST

from hamsu.collaboration.views._common import _flash_errors, _form_page, _submit
from hamsu.core.errors import DomainError

Text = str | Promise  # held at import time, so translated lazily


@dataclass(frozen=True)
class CreatePage:
    permission: str
    form: type[forms.Form]
    # The service, called with actor=, via="ui" and the form's cleaned data.
    service: Callable[..., Any]
    success: Text
    # Where to go next, given what the service returned.
    then: Callable[[Any], str]
    title: Text
    intro: Text = ""
    # The form's initial values, from the request (a link may pre-fill it).
    initial: Callable[[HttpRequest], dict] | None = None


def create_view(page: CreatePage) -> Callable[..., HttpResponse]:
    @login_required
    @permission_required(page.permission, raise_exception=True)
    def view(request):
        form = page.form(request.POST or None, initial=page.initial(request) if page.initial else None)
        done = _submit(
            request,
            form,
            lambda data: page.service(actor=request.user, via="ui", **data),
            success=page.success,
            redirect_to=page.then,
        )
        return done or _form_page(request, form, page.title, intro=page.intro)

    return view


@dataclass(frozen=True)
class RecordAction:
    permission: str
    # The record the URL's ``pk`` names, as the user may see it, else Http404.
    record: Callable[[HttpRequest, int], Any]
    # The service, called with the record as ``record_as``, actor=, via="ui" and the form's data.
    service: Callable[..., Any]
    record_as: str
    success: Text
    # The page to go back to, given the record.
    back: Callable[[Any], str]
    form: type[forms.Form] | None = None


def form_error_text(form: forms.Form) -> str:
    """A refused form's errors in one message, each after its field's label (the page the
    user returns to does not show this form's fields)."""
    parts = []
    for name, errors in form.errors.items():
        text = " ".join(errors)
        field = form.fields.get(name)
        parts.append(f"{field.label}: {text}" if field is not None and field.label else text)
    return "; ".join(parts)


def record_action_view(action: RecordAction) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    @permission_required(action.permission, raise_exception=True)
    def view(request, pk: int):
        record = action.record(request, pk)
        form = action.form(request.POST) if action.form is not None else None
        if form is not None and not form.is_valid():
            messages.error(request, form_error_text(form))
            return redirect(action.back(record))
        data = form.cleaned_data if form is not None else {}
        try:
            action.service(**{action.record_as: record}, actor=request.user, via="ui", **data)
        except DomainError as error:
            _flash_errors(request, error)
        else:
            messages.success(request, action.success)
        return redirect(action.back(record))

    return view
