"""iCalendar (RFC 5545) text for meetings, events and due dates, written by hand.

Only what calendars need: VEVENTs with UTC times or all-day dates, escaped text, CRLF
line ends and lines folded at 75 octets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

PRODID = "-//Hamsu//Collaboration//EN"


@dataclass
class CalendarItem:
    uid: str
    summary: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    status: str = ""  # TENTATIVE, CONFIRMED or CANCELLED


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into 75-octet pieces, never inside a UTF-8 character."""
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return line
    pieces, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            pieces.append(current.decode("utf-8"))
            current, limit = b"", 74  # continuation lines start with a space
        current += encoded
    pieces.append(current.decode("utf-8"))
    return "\r\n ".join(pieces)


def _stamp(value: datetime.datetime | datetime.date, name: str) -> str:
    if isinstance(value, datetime.datetime):
        utc = value.astimezone(datetime.UTC)
        return f"{name}:{utc:%Y%m%dT%H%M%SZ}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def calendar(items: list[CalendarItem], *, name: str = "Hamsu", now: datetime.datetime | None = None) -> str:
    now = now or datetime.datetime.now(datetime.UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for item in items:
        end = item.end
        if end is None:
            end = (
                item.start + datetime.timedelta(days=1)
                if not isinstance(item.start, datetime.datetime)
                else item.start
            )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid}",
            _stamp(now, "DTSTAMP"),
            _stamp(item.start, "DTSTART"),
            _stamp(end, "DTEND"),
            f"SUMMARY:{escape(item.summary)}",
        ]
        if item.description:
            lines.append(f"DESCRIPTION:{escape(item.description)}")
        if item.location:
            lines.append(f"LOCATION:{escape(item.location)}")
        if item.url:
            lines.append(f"URL:{item.url}")
        if item.status:
            lines.append(f"STATUS:{item.status}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
