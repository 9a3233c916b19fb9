"""What a person's calendar holds, as iCalendar entries: a meeting, and my feed (my
meetings, my open action items' due dates and the joint events I take part in). The
meeting pages and the API serve the same entries."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.collaboration import ical, selectors
from hamsu.collaboration.models import JointEvent, Meeting
from hamsu.directory.visibility import person_of


def meeting_calendar_item(request, meeting: Meeting) -> ical.CalendarItem:
    status = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}[meeting.status]
    return ical.CalendarItem(
        uid=f"meeting-{meeting.pk}@hamsu",
        summary=meeting.title,
        start=meeting.starts_at,
        end=meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes),
        location=meeting.location,
        url=request.build_absolute_uri(reverse("collaboration:meeting", args=[meeting.pk])),
        status=status,
    )


def calendar_items(request) -> list[ical.CalendarItem]:
    """My meetings, my open action items' due dates and joint events, as calendar entries."""
    me = person_of(request.user)
    since = timezone.now() - datetime.timedelta(days=90)
    items = [
        meeting_calendar_item(request, m)
        for m in selectors.meetings_for(request.user).filter(starts_at__gte=since)[:500]
    ]
    for action in selectors.my_action_items(me):
        items.append(
            ical.CalendarItem(
                uid=f"action-{action.pk}@hamsu",
                summary=_("Due: %(title)s") % {"title": action.title},
                start=action.due_on,
                description=action.meeting.title,
                url=request.build_absolute_uri(reverse("collaboration:meeting", args=[action.meeting_id])),
            )
        )
    events = JointEvent.objects.filter(ends_at__gte=since)
    if me is not None:
        events = events.filter(participants=me)
    for event in events[:500]:
        items.append(
            ical.CalendarItem(
                uid=f"event-{event.pk}@hamsu",
                summary=event.title,
                start=event.starts_at,
                end=event.ends_at,
                location=event.location,
                description=event.description,
            )
        )
    return items
