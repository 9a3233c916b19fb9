"""Lead-capture submissions that failed: see why, retry them or dismiss them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hamsu.core.errors import DomainError
from hamsu.core.http import int_or_none
from hamsu.funnel import selectors_capture
from hamsu.funnel.services.capture_failures import capture_dismiss, capture_retry


@login_required
@permission_required("funnel.view_captureform", raise_exception=True)
def failures(request):
    return render(
        request,
        "funnel/capture_failures.html",
        {
            "activity": selectors_capture.form_activity(),
            "requests": selectors_capture.failed_requests(),
            "items": selectors_capture.failed_items(),
        },
    )


def _ids(request, name: str) -> list[int]:
    return [i for i in (int_or_none(v) for v in request.POST.getlist(name)) if i is not None]


@login_required
@permission_required("funnel.change_captureform", raise_exception=True)
@require_POST
def failures_act(request):
    action = capture_retry if request.POST.get("action") == "retry" else capture_dismiss
    try:
        n = action(
            actor=request.user, request_ids=_ids(request, "request"), item_ids=_ids(request, "item"), via="ui"
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if action is capture_retry:
            text = ngettext(
                "%(n)d submission sent back to the worker.", "%(n)d submissions sent back to the worker.", n
            )
        else:
            text = ngettext("%(n)d submission dismissed.", "%(n)d submissions dismissed.", n)
        messages.success(request, text % {"n": n})
    return redirect("funnel:capture_failures")
