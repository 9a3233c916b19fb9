"""Measured evidence beside the alignment diagnostic, contributed by the apps that hold it.

The diagnostic (the alignment app) asks what the records say about each of its statements
and how far each of the study's practices is in place. The records belong to other apps:
the CRM, the funnel and the directory below alignment, but also the scorecard and
collaboration beside it, which alignment may not import. So each app registers, from its
AppConfig.ready(), the readers of its own records: an *indicator* for a statement
(keyed by the diagnostic's statement key, ``s1`` … ``s20`` from
``hamsu.analytics.diagnostic``) and a *status* for a practice (keyed by the practice's
name, e.g. ``meetings``). A reader owns its queries, so a renamed model breaks its own
app's tests, not a page far away.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

HIGH, LOW, MIXED = "high", "low", "mixed"


@dataclass(frozen=True)
class Indicator:
    """What the records say about one statement.

    ``level`` "high" supports agreeing with the statement, "low" supports disagreeing,
    "mixed" neither; ``measured`` is False only when the records cannot speak to it.
    """

    statement: str
    label: str
    measured: bool
    value: str = ""
    level: str | None = None  # HIGH | LOW | MIXED | None
    source: str = ""
    ratio: float | None = None


@dataclass(frozen=True)
class Status:
    """How far one practice is in place: ``in_place`` True (working), False (missing or
    lapsed) or None (nothing to judge by)."""

    text: str
    in_place: bool | None


IndicatorReader = Callable[[datetime.datetime], Indicator]
StatusReader = Callable[[datetime.datetime], Status]

_INDICATORS: dict[str, IndicatorReader] = {}
_STATUSES: dict[str, StatusReader] = {}


def register_indicator(statement: str, reader: IndicatorReader) -> None:
    """Register the reader of one statement's evidence; registering again replaces it."""
    _INDICATORS[statement] = reader


def register_status(practice: str, reader: StatusReader) -> None:
    """Register the reader of one practice's status; registering again replaces it."""
    _STATUSES[practice] = reader


def indicator_readers() -> dict[str, IndicatorReader]:
    return dict(_INDICATORS)


def status_reader(practice: str) -> StatusReader | None:
    return _STATUSES.get(practice)
