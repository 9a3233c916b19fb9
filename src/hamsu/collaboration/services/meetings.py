"""Joint meetings and their series, agendas, minutes, decisions and action items."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.collaboration.agenda import build_agenda
from hamsu.collaboration.models import (
    CADENCE_MONTHS,
    OPEN_ACTION_STATUSES,
    ActionItem,
    ActionStatus,
    Cadence,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)
from hamsu.collaboration.services.common import actor_person, clean_text, is_leader, record
from hamsu.core import audit, versioning
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.core.notify import notify
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.directory.models import Function
from hamsu.directory.visibility import person_of


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` later, clamped to the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _check_meeting_fields(starts_at, duration_minutes, errors) -> None:
    if starts_at is None:
        errors["starts_at"] = [_("This field is required.")]
    elif timezone.is_naive(starts_at):
        errors["starts_at"] = [_("Give a time zone with the time.")]
    else:
        check_date_range("starts_at", starts_at, errors)
    if not 15 <= int(duration_minutes or 0) <= 480:
        errors["duration_minutes"] = [_("A meeting lasts between 15 and 480 minutes.")]


@transaction.atomic
def meeting_series_create(
    *,
    actor,
    title: str,
    cadence: str,
    first_at: datetime.datetime,
    organiser=None,
    team=None,
    members: Iterable = (),
    duration_minutes: int = 60,
    location: str = "",
    occurrences: int = 4,
    via: str = "",
) -> MeetingSeries:
    organiser = actor_person(actor, organiser)
    errors: dict[str, list[str]] = {}
    if not clean_text(title):
        errors["title"] = [_("This field is required.")]
    if cadence not in Cadence.values:
        errors["cadence"] = [_("Choose monthly, every two months or quarterly.")]
    if team is not None and team.function != Function.SALES:
        errors["team"] = [_("Choose a sales team or leave it empty.")]
    _check_meeting_fields(first_at, duration_minutes, errors)
    if not 1 <= occurrences <= 24:
        errors["occurrences"] = [_("Schedule between 1 and 24 meetings at a time.")]
    raise_if(errors)
    series = MeetingSeries(
        title=clean_text(title),
        cadence=cadence,
        first_at=first_at,
        organiser=organiser,
        team=team,
        duration_minutes=duration_minutes,
        location=clean_text(location),
    )
    full_clean(series)
    series.save()
    people = {p.pk: p for p in [organiser, *members]}
    series.members.set(people.values())
    record(actor, "create", series, via=via)
    meeting_series_schedule(series=series, occurrences=occurrences, actor=actor, via=via)
    return series


@transaction.atomic
def meeting_series_schedule(
    *, series: MeetingSeries, actor, occurrences: int = 4, via: str = ""
) -> list[Meeting]:
    """Create the next ``occurrences`` meetings of a series after its last one."""
    last = series.meetings.order_by("-starts_at").first()
    step = CADENCE_MONTHS[Cadence(series.cadence)]
    members = list(series.members.all())
    created = []
    for n in range(occurrences):
        if last is None:
            starts_at = add_months(series.first_at, step * n)
        else:
            starts_at = add_months(last.starts_at, step * (n + 1))
        meeting = Meeting.objects.create(
            series=series,
            title=series.title,
            starts_at=starts_at,
            duration_minutes=series.duration_minutes,
            location=series.location,
        )
        meeting.attendees.set(members)
        created.append(meeting)
    for meeting in created:
        record(
            actor, "create", meeting, {"series": series.pk, "starts_at": meeting.starts_at.isoformat()}, via
        )
    if created:
        notify(
            recipients=members,
            kind="meeting",
            title=_("%(title)s: %(n)d meetings scheduled") % {"title": series.title, "n": len(created)},
            url=reverse("collaboration:meeting", args=[created[0].pk]),
            email=False,
        )
    return created


@transaction.atomic
def meeting_create(
    *,
    actor,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int = 60,
    location: str = "",
    attendees: Iterable = (),
    series: MeetingSeries | None = None,
    via: str = "",
) -> Meeting:
    errors: dict[str, list[str]] = {}
    if not clean_text(title):
        errors["title"] = [_("This field is required.")]
    _check_meeting_fields(starts_at, duration_minutes, errors)
    raise_if(errors)
    meeting = Meeting(
        series=series,
        title=clean_text(title),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=clean_text(location),
    )
    full_clean(meeting)
    meeting.save()
    people = list({p.pk: p for p in attendees}.values())
    me = person_of(actor)
    if me and me.pk not in {p.pk for p in people}:
        people.append(me)
    meeting.attendees.set(people)
    record(actor, "create", meeting, via=via)
    notify(
        recipients=[p for p in people if p != me],
        kind="meeting",
        title=_("Invitation: %(title)s") % {"title": meeting.title},
        url=reverse("collaboration:meeting", args=[meeting.pk]),
    )
    return meeting


def require_meeting_editor(meeting: Meeting, actor) -> None:
    """Attendees, the organiser and leaders may write a meeting's minutes and items."""
    if is_leader(actor):
        return
    me = person_of(actor)
    allowed = me is not None and (
        meeting.attendees.filter(pk=me.pk).exists()
        or (meeting.series is not None and meeting.series.organiser_id == me.pk)
    )
    if not allowed:
        raise PermissionDenied(
            _("Only the meeting's attendees can change it."),
            errors={"meeting": [_("You are not an attendee of this meeting.")]},
        )


@transaction.atomic
def meeting_generate_agenda(
    *, meeting: Meeting, actor, now: datetime.datetime | None = None, via: str = ""
) -> Meeting:
    """Snapshot the agenda from live data and carry open action items into this meeting."""
    require_meeting_editor(meeting, actor)
    now = now or timezone.now()
    meeting.agenda = build_agenda(meeting=meeting, now=now)
    meeting.agenda_generated_at = now
    meeting.save(update_fields=["agenda", "agenda_generated_at"])
    carried_ids = [row["id"] for row in meeting.agenda.get("open_actions", {}).get("items", [])]
    # An item counts as carried once per meeting it moves into, however often the agenda is rebuilt.
    ActionItem.objects.filter(pk__in=carried_ids).exclude(last_meeting=meeting).exclude(
        meeting=meeting
    ).update(last_meeting=meeting, carried_count=F("carried_count") + 1)
    record(actor, "update", meeting, {"agenda_generated_at": now.isoformat()}, via)
    return meeting


@versioning.atomic_write
def meeting_record(
    *,
    meeting: Meeting,
    actor,
    minutes: str | None = None,
    status: str | None = None,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
) -> Meeting:
    """``expected_version``/``strict``: see ``hamsu.core.versioning`` (a page merges minutes
    and status someone else changed that it did not; the API's If-Match refuses)."""
    require_meeting_editor(meeting, actor)
    sent = {k: v for k, v in {"minutes": minutes, "status": status}.items() if v is not None}
    meeting, sent = versioning.begin(meeting, expected=expected_version, data=sent, strict=strict)
    minutes, status = sent.get("minutes"), sent.get("status")
    before = audit.snapshot(meeting, ["minutes", "status", "version"])
    versioning.bump(meeting)
    if status is not None:
        if status not in MeetingStatus.values:
            raise ValidationFailed(
                _("Please correct the errors below."), errors={"status": [_("Unknown status.")]}
            )
        meeting.status = status
    if minutes is not None:
        meeting.minutes = minutes.strip()
    full_clean(meeting)
    meeting.save(update_fields=["minutes", "status", "version"])
    record(
        actor,
        "update",
        meeting,
        audit.diff(before, audit.snapshot(meeting, ["minutes", "status", "version"])),
        via,
    )
    return meeting


@transaction.atomic
def decision_add(*, meeting: Meeting, actor, text: str, via: str = "") -> Decision:
    require_meeting_editor(meeting, actor)
    if not clean_text(text):
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"text": [_("This field is required.")]}
        )
    decision = Decision(meeting=meeting, text=clean_text(text))
    full_clean(decision)
    decision.save()
    record(actor, "create", decision, via=via)
    return decision


@transaction.atomic
def action_item_create(
    *, meeting: Meeting, actor, title: str, owner, due_on: datetime.date | None, via: str = ""
) -> ActionItem:
    require_meeting_editor(meeting, actor)
    errors: dict[str, list[str]] = {}
    if not clean_text(title):
        errors["title"] = [_("This field is required.")]
    if owner is None:
        errors["owner"] = [_("Every action item needs an owner.")]
    elif not owner.is_active:
        errors["owner"] = [_("This person is no longer active.")]
    if due_on is None:
        errors["due_on"] = [_("Every action item needs a due date.")]
    check_date_range("due_on", due_on, errors)
    raise_if(errors)
    assert due_on is not None  # a missing due date is an error raised above
    item = ActionItem(
        meeting=meeting, title=clean_text(title), owner=owner, due_on=due_on, last_meeting=meeting
    )
    full_clean(item)
    item.save()
    record(actor, "create", item, via=via)
    notify(
        recipients=[owner],
        kind="action_item",
        title=_("New action item for you: %(title)s") % {"title": item.title},
        body=_("Due %(date)s, from %(meeting)s.") % {"date": due_on.isoformat(), "meeting": meeting.title},
        url=reverse("collaboration:meeting", args=[meeting.pk]),
    )
    return item


@versioning.atomic_write
def action_item_update(
    *,
    item: ActionItem,
    actor,
    status: str | None = None,
    due_on: datetime.date | None = None,
    owner=None,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
) -> ActionItem:
    """``expected_version``/``strict``: see ``hamsu.core.versioning``."""
    me = person_of(actor)
    if not (is_leader(actor) or (me and me.pk == item.owner_id)):
        require_meeting_editor(item.meeting, actor)
    sent = {k: v for k, v in {"status": status, "due_on": due_on, "owner": owner}.items() if v is not None}
    item, sent = versioning.begin(item, expected=expected_version, data=sent, strict=strict)
    status, due_on, owner = sent.get("status"), sent.get("due_on"), sent.get("owner")
    before = audit.snapshot(item, ["status", "due_on", "owner", "version"])
    versioning.bump(item)
    errors: dict[str, list[str]] = {}
    if status is not None:
        if status not in ActionStatus.values:
            errors["status"] = [_("Unknown status.")]
        else:
            item.status = status
            item.done_at = timezone.now() if status == ActionStatus.DONE else None
    if due_on is not None:
        check_date_range("due_on", due_on, errors)
        item.due_on = due_on
    if owner is not None:
        item.owner = owner
    raise_if(errors)
    full_clean(item)
    item.save()
    changes = audit.diff(before, audit.snapshot(item, ["status", "due_on", "owner", "version"]))
    if changes:
        record(actor, "update", item, changes, via)
    if owner is not None and "owner" in changes:
        notify(
            recipients=[owner],
            kind="action_item",
            title=_("Action item handed to you: %(title)s") % {"title": item.title},
            url=reverse("collaboration:meeting", args=[item.meeting_id]),
        )
    return item


@transaction.atomic
def action_items_remind(*, now: datetime.datetime | None = None, days_ahead: int = 2) -> int:
    """Remind owners of open items due within ``days_ahead`` days or overdue, once a day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        ActionItem.objects.select_for_update()
        .filter(status__in=OPEN_ACTION_STATUSES, due_on__lte=today + datetime.timedelta(days=days_ahead))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - datetime.timedelta(hours=20)))
        .select_related("owner", "meeting")
    )
    items = list(due)
    for item in items:
        overdue = item.due_on < today
        title = (_("Overdue: %(title)s") if overdue else _("Due soon: %(title)s")) % {"title": item.title}
        notify(
            recipients=[item.owner],
            kind="action_reminder",
            title=title,
            body=_("Due %(date)s, from %(meeting)s.")
            % {"date": item.due_on.isoformat(), "meeting": item.meeting.title},
            url=reverse("collaboration:meeting", args=[item.meeting_id]),
        )
    ActionItem.objects.filter(pk__in=[i.pk for i in items]).update(reminded_at=now)
    return len(items)
