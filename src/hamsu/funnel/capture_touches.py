"""Where a captured touch is recorded besides the lead: the layers above plug in here.

Lead capture sits below the campaigns app, which keeps each capture as a campaign
touchpoint for attribution; the funnel must not import it. An app above registers a
``TouchRecorder`` from its ``AppConfig.ready()`` (as apps register record links):

* ``check`` runs at intake, without a query, so a submission the recorder would refuse
  is answered with field errors before it is accepted (an accepted capture never fails
  later);
* ``record`` runs in the worker, inside the transaction that turns a chunk of captures
  into leads, with every touch of the chunk that came in the same way (``via``); it
  answers with the field errors of a touch it refused, and the chunk fails with them.

Without a recorder (the campaigns app not installed) a capture makes its lead only.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class CapturedTouch:
    kind: str  # the capture's touch kind (form_fill, demo_request, webinar, …)
    occurred_at: datetime.datetime | None  # None at intake when the submission gave no time
    utm: dict | None = None
    landing_url: str = ""
    external_id: str = ""
    contact_id: int | None = None
    account_id: int | None = None


@dataclass(frozen=True)
class TouchRecorder:
    key: str  # unique, "<app>.<what>"
    check: Callable[[CapturedTouch], dict[str, list[str]]]  # field errors, {} when fine
    record: Callable[..., dict[str, list[str]]]  # (touches, *, via) -> a refused touch's errors


_RECORDERS: dict[str, TouchRecorder] = {}


def register(*recorders: TouchRecorder) -> None:
    """Add recorders; registering a key again replaces it (ready() may run twice in tests)."""
    for recorder in recorders:
        _RECORDERS[recorder.key] = recorder


def _in_order() -> list[TouchRecorder]:
    return [_RECORDERS[key] for key in sorted(_RECORDERS)]


def touch_errors(touch: CapturedTouch) -> dict[str, list[str]]:
    """The first recorder's field errors for one touch ({} when every recorder takes it)."""
    for recorder in _in_order():
        errors = recorder.check(touch)
        if errors:
            return errors
    return {}


def record_touches(touches: Sequence[CapturedTouch], *, via: str) -> dict[str, list[str]]:
    """Hand the touches to every recorder; the first refusal's field errors ({} when none)."""
    for recorder in _in_order():
        errors = recorder.record(list(touches), via=via)
        if errors:
            return errors
    return {}
