"""The trigger-kept handoff day totals equal the handoffs, after every kind of write, and the
SLA counts built on them equal counting the handoffs of any period in any time zone."""

import datetime
import random
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from hamsu.funnel.handoff_totals import HANDOFF_TOTALS
from hamsu.funnel.models import Handoff, HandoffDayTotal, HandoffStatus
from hamsu.funnel.sla_counts import MEASURES, sla_counts

UTC = datetime.UTC
START = datetime.datetime(2026, 3, 1, tzinfo=UTC)


def _contribution(h: Handoff) -> dict:
    decided = h.status in (HandoffStatus.ACCEPTED, HandoffStatus.RETURNED) and h.closed_at is not None
    return {
        "mqls": 1,
        "accepted": int(h.status == HandoffStatus.ACCEPTED),
        "returned": int(h.status == HandoffStatus.RETURNED),
        "closed": int(decided),
        "on_time": int(decided and h.closed_at <= h.due_at),
        "breaches": int(h.escalated_at is not None),
    }


def expected_totals() -> dict:
    out: dict = {}
    for h in Handoff.objects.all():
        key = (h.opened_at.astimezone(UTC).date(), h.team_id or 0)
        row = out.setdefault(key, Counter())
        row.update(_contribution(h))
    return {key: dict(row) for key, row in out.items()}


def stored_totals() -> dict:
    return {
        (row["day"], row["team_key"]): {m: row[m] for m in MEASURES}
        for row in HandoffDayTotal.objects.values("day", "team_key", *MEASURES)
        if row["mqls"]
    }


@pytest.fixture
def handoffs(make_lead, teams):
    """120 handoffs over ten days at every hour, in two teams and none, in every state."""
    rng = random.Random(7)
    team_ids = [teams["enterprise"].pk, teams["smb"].pk, None]
    rows = []
    for i in range(120):
        opened = START + datetime.timedelta(hours=rng.randrange(0, 240), minutes=rng.randrange(60))
        due = opened + datetime.timedelta(hours=8)
        status = rng.choice(list(HandoffStatus.values))
        closed = (
            None if status == HandoffStatus.OPEN else opened + datetime.timedelta(hours=rng.choice([2, 20]))
        )
        rows.append(
            Handoff(
                lead=make_lead(),
                team_id=team_ids[i % 3],
                status=status,
                opened_at=opened,
                due_at=due,
                closed_at=closed,
                escalated_at=due if rng.random() < 0.3 else None,
            )
        )
    return Handoff.objects.bulk_create(rows)


@pytest.mark.django_db
def test_totals_follow_inserts_updates_and_deletes(handoffs, teams):
    assert stored_totals() == expected_totals()
    assert stored_totals()
    # One by one, as the services write: accept, return, escalate, move to another team.
    opened = [h for h in handoffs if h.status == HandoffStatus.OPEN]
    opened[0].status, opened[0].closed_at = HandoffStatus.ACCEPTED, opened[0].opened_at
    opened[0].save()
    opened[1].status, opened[1].closed_at = HandoffStatus.RETURNED, opened[1].due_at + datetime.timedelta(1)
    opened[1].save()
    opened[2].escalated_at = timezone.now()
    opened[2].save(update_fields=["escalated_at"])
    handoffs[3].team = teams["smb"]
    handoffs[3].opened_at += datetime.timedelta(days=2)
    handoffs[3].save()
    assert stored_totals() == expected_totals()
    # In bulk: one UPDATE and one DELETE over many rows, and a team deleted (SET NULL).
    Handoff.objects.filter(status=HandoffStatus.OPEN).update(status=HandoffStatus.WITHDRAWN)
    Handoff.objects.filter(pk__in=[h.pk for h in handoffs[:30]]).delete()
    teams["enterprise"].delete()
    assert stored_totals() == expected_totals()
    # A rebuild from the handoffs gives the same rows.
    HANDOFF_TOTALS.rebuild(connection)
    assert stored_totals() == expected_totals()


def direct_counts(start, end) -> dict:
    out: dict = {}
    for h in Handoff.objects.filter(opened_at__gte=start, opened_at__lt=end):
        out.setdefault(h.team_id, Counter()).update(_contribution(h))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["UTC", "Asia/Tehran", "America/St_Johns"])
def test_sla_counts_equal_counting_the_handoffs_of_any_period(handoffs, settings, zone):
    # Tehran is UTC+3:30 and St John's UTC-3:30 (or -2:30): a local day never starts at UTC
    # midnight there, so every period has partial UTC days at both ends.
    settings.TIME_ZONE = zone
    tz = timezone.get_current_timezone()
    local_day = START.astimezone(tz).date()
    windows = [
        (local_day, local_day + datetime.timedelta(days=11)),  # the whole history
        (local_day + datetime.timedelta(days=2), local_day + datetime.timedelta(days=5)),
        (local_day + datetime.timedelta(days=4), local_day + datetime.timedelta(days=5)),  # one day
    ]
    for first, stop in windows:
        start = datetime.datetime.combine(first, datetime.time(0), tzinfo=tz)
        end = datetime.datetime.combine(stop, datetime.time(0), tzinfo=tz)
        expected = direct_counts(start, end)
        got = {row.team_id: row for row in sla_counts(start=start, end=end)}
        assert got.keys() == expected.keys(), (zone, first)
        for team, row in got.items():
            want = expected[team]
            assert (row.mqls, row.accepted, row.returned, row.handoffs_closed, row.on_time, row.breaches) == (
                want["mqls"],
                want["accepted"],
                want["returned"],
                want["closed"],
                want["on_time"],
                want["breaches"],
            ), (zone, first, team)
    # Open and overdue is counted at the moment asked: every open handoff here is past due.
    start = datetime.datetime.combine(local_day, datetime.time(0), tzinfo=tz)
    total_open = sum(
        row.open_overdue for row in sla_counts(start=start, end=start + datetime.timedelta(days=11))
    )
    assert total_open == Handoff.objects.filter(status=HandoffStatus.OPEN).count() > 0
