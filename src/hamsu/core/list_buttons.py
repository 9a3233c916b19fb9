"""A button on a list that changes or removes one record (issue 18): it carries the version
the page showed, so a record someone changed meanwhile is kept and the page says who."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages

from hamsu.core.http import int_or_none
from hamsu.core.versioning import StaleVersion


def act_as_shown(request, write: Callable[..., object], *, done: str) -> bool:
    """Run ``write(expected_version=…)`` with the posted version; say ``done`` or why not."""
    try:
        write(expected_version=int_or_none(request.POST.get("version")))
    except StaleVersion as stale:
        messages.error(request, stale.message)  # changed since the list was shown: kept
        return False
    messages.success(request, done)
    return True
