"""Demo meetings: the monthly sales–marketing meeting and the quarterly key-account
review, with minutes, decisions and action items (some carried forward)."""

from __future__ import annotations

import datetime

from hamsu.collaboration.demo.texts import (
    ACTIONS,
    COMPETITORS,
    DECISIONS,
    MINUTES_EN,
    MINUTES_FA,
    pick,
)
from hamsu.collaboration.models import (
    ActionItem,
    ActionStatus,
    Cadence,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingStatus,
)
from hamsu.collaboration.services import add_months
from hamsu.core.notify import notify
from hamsu.directory.models import Person


def meetings(rng, ctx, now, today, heads, managers, liaisons, marketers, account_names, result) -> None:
    meetings = _meeting_rows(_meeting_series(ctx, now, heads, managers, liaisons, marketers), now)
    result.rows["meetings"] = len(meetings)
    decisions, actions = _decisions_and_actions(rng, ctx, now, meetings, account_names)
    Decision.objects.bulk_create(decisions)
    ActionItem.objects.bulk_create(actions)
    _carry_open_items(meetings)
    result.rows["decisions"] = len(decisions)
    result.rows["action_items"] = len(actions)
    owners = {a.owner_id for a in actions if a.status != ActionStatus.DONE and a.due_on < today}
    notify(
        recipients=Person.objects.filter(pk__in=owners),
        kind="action_reminder",
        title="You have overdue action items from the monthly meeting",
        url="/together/",
        email=False,
    )


def _meeting_series(ctx, now, heads, managers, liaisons, marketers) -> list[tuple]:
    """The monthly meeting and the enterprise key-account review: (series, meetings, people)."""
    head_sales = ctx["people"]["head.sales"]
    # Every demo login that works with the sales teams sits in the monthly meeting.
    logins = [ctx["people"][name] for name in ("upstream", "downstream", "liaison") if name in ctx["people"]]
    members = list(
        {p.pk: p for p in heads + managers + list(liaisons.values()) + marketers[:4] + logins}.values()
    )
    first = (now - datetime.timedelta(days=365)).replace(day=10, hour=10, minute=0, second=0, microsecond=0)
    monthly = MeetingSeries.objects.create(
        title="Monthly sales–marketing meeting",
        cadence=Cadence.MONTHLY,
        organiser=head_sales,
        first_at=first,
        duration_minutes=90,
        location="Board room / online",
        created_at=first - datetime.timedelta(days=7),
    )
    monthly.members.set(members)
    enterprise = ctx["teams"][0]
    review_members = [
        head_sales,
        ctx["people"]["head.marketing"],
        *(p for p in managers if p.team_id == enterprise.pk),
    ]
    if enterprise.pk in liaisons:
        review_members.append(liaisons[enterprise.pk])
    if "rep" in ctx["people"]:
        review_members.append(ctx["people"]["rep"])  # the demo seller sees a key-account review
    quarterly = MeetingSeries.objects.create(
        title="Enterprise key-account review",
        cadence=Cadence.QUARTERLY,
        team=enterprise,
        organiser=head_sales,
        first_at=first + datetime.timedelta(days=5),
        duration_minutes=120,
        created_at=first,
    )
    quarterly.members.set(review_members)
    return [(monthly, 15, members), (quarterly, 5, review_members)]


def _meeting_rows(series_list, now) -> list[tuple]:
    """Each series' meetings, held before now and planned after: (meeting, attendees)."""
    meetings = []
    for series, count, people in series_list:
        step = 1 if series.cadence == Cadence.MONTHLY else 3
        for n in range(count):
            starts = add_months(series.first_at, n * step)
            held = starts < now
            meeting = Meeting.objects.create(
                series=series,
                title=series.title,
                starts_at=starts,
                duration_minutes=series.duration_minutes,
                location=series.location,
                status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
                minutes=(MINUTES_EN if n % 3 else MINUTES_FA) if held else "",
                created_at=series.created_at,
            )
            meeting.attendees.set(people)
            meetings.append((meeting, people))
    return meetings


def _action_status(rng, age_days: int) -> str:
    """Old items are mostly done; recent ones are still being worked on."""
    roll = rng.random()
    if age_days > 60:
        return (
            ActionStatus.DONE if roll < 0.85 else (ActionStatus.DROPPED if roll < 0.9 else ActionStatus.OPEN)
        )
    return (
        ActionStatus.DONE if roll < 0.4 else (ActionStatus.IN_PROGRESS if roll < 0.7 else ActionStatus.OPEN)
    )


def _decisions_and_actions(rng, ctx, now, meetings, account_names) -> tuple[list, list]:
    """Two decisions and two or three action items for each meeting held (unsaved)."""
    decisions, actions = [], []
    account_list = list(account_names.values()) or ["a key account"]
    for meeting, people in meetings:
        if meeting.status != MeetingStatus.HELD:
            continue
        for text in rng.choice(DECISIONS, size=2, replace=False):
            decisions.append(Decision(meeting=meeting, text=str(text), created_at=meeting.starts_at))
        age_days = (now - meeting.starts_at).days
        for _k in range(int(rng.integers(2, 4))):
            title = pick(rng, ACTIONS).format(
                segment=pick(rng, ctx["segments"]).name,
                product=pick(rng, ctx["products"]).name,
                account=pick(rng, account_list),
                comp=pick(rng, COMPETITORS),
            )
            status = _action_status(rng, age_days)
            actions.append(
                ActionItem(
                    meeting=meeting,
                    title=title,
                    owner=pick(rng, people),
                    due_on=(meeting.starts_at + datetime.timedelta(days=14)).date(),
                    status=status,
                    last_meeting=meeting,
                    done_at=meeting.starts_at + datetime.timedelta(days=10)
                    if status == ActionStatus.DONE
                    else None,
                    created_at=meeting.starts_at,
                )
            )
    return decisions, actions


def _carry_open_items(meetings) -> None:
    """Open items ride along into every later meeting of their series until they are closed."""
    held = {}
    for meeting, _people in meetings:
        if meeting.status == MeetingStatus.HELD:
            held.setdefault(meeting.series_id, []).append(meeting)
    for item in ActionItem.objects.filter(
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    ).select_related("meeting"):
        later = [m for m in held[item.meeting.series_id] if m.starts_at > item.meeting.starts_at]
        if later:
            item.last_meeting = later[-1]
            item.carried_count = len(later)
            item.save(update_fields=["last_meeting", "carried_count"])
