"""Joint events and rotations (sellers and marketers working in each other's team)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hamsu.collaboration.models import AssignmentKind, EventKind, JointAssignment, JointEvent
from hamsu.collaboration.services.common import MARKETING, actor_person, clean_text, record
from hamsu.core.notify import notify
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.directory.models import Function


@transaction.atomic
def joint_event_create(
    *,
    actor,
    title: str,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    participants: Iterable,
    location: str = "",
    description: str = "",
    organiser=None,
    via: str = "",
) -> JointEvent:
    organiser = actor_person(actor, organiser)
    people = list({p.pk: p for p in [organiser, *participants]}.values())
    errors: dict[str, list[str]] = {}
    if kind not in EventKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [_("Give a start and an end.")]
    elif ends_at < starts_at:
        errors["ends_at"] = [_("The end cannot be before the start.")]
    else:
        check_date_range("starts_at", starts_at, errors)
        check_date_range("ends_at", ends_at, errors)
    functions = {p.function for p in people}
    # Planned together means both sides take part; a one-sided event is not a joint one.
    if not (functions & MARKETING and functions & {Function.SALES, Function.REVENUE_LEADERSHIP}):
        errors["participants"] = [_("Invite people from both sales and marketing.")]
    raise_if(errors)
    event = JointEvent(
        title=clean_text(title),
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=clean_text(location),
        description=clean_text(description),
        organiser=organiser,
    )
    full_clean(event)
    event.save()
    event.participants.set(people)
    record(actor, "create", event, via=via)
    notify(
        recipients=[p for p in people if p != organiser],
        kind="event",
        title=_("You are invited: %(title)s") % {"title": event.title},
        url=reverse("collaboration:events"),
    )
    return event


@transaction.atomic
def joint_assignment_create(
    *,
    actor,
    person,
    kind: str,
    description: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    host_team=None,
    via: str = "",
) -> JointAssignment:
    errors: dict[str, list[str]] = {}
    if kind not in AssignmentKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if kind == AssignmentKind.ROTATION:
        if host_team is None:
            errors["host_team"] = [_("A rotation needs a host team.")]
        else:
            mine = "marketing" if person.function in MARKETING else person.function
            theirs = "marketing" if host_team.function in MARKETING else host_team.function
            if mine == theirs:
                errors["host_team"] = [_("A rotation moves someone to the other side (sales ↔ marketing).")]
    check_date_range("starts_on", starts_on, errors)
    check_date_range("ends_on", ends_on, errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The end cannot be before the start.")]
    if not clean_text(description):
        errors["description"] = [_("This field is required.")]
    raise_if(errors)
    row = JointAssignment(
        person=person,
        kind=kind,
        description=clean_text(description),
        starts_on=starts_on,
        ends_on=ends_on,
        host_team=host_team,
    )
    full_clean(row)
    row.save()
    record(actor, "create", row, via=via)
    return row
