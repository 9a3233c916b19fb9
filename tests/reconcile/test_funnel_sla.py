"""The two-sided SLA page (/funnel/sla/) and its API twin (/api/v1/funnel/sla), reconciled.

For random handoffs (``funnel_company``: random teams, answers, deadlines, escalations and
follow-ups, opened at any hour of the last 400 days) and every period the page offers,
each team's figures are recomputed here from the raw handoff and lead rows, as the
glossary's ``sla.*`` entries define them. The page counts whole days from the day totals
the database keeps and the partial days from the handoffs, so this also holds those
totals to the rows. Business hours for the follow-up times come from the calendar's own
arithmetic (``CalendarSpec``, tested on its own in tests/funnel/test_calendars.py).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from statistics import mean, median

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.directory.models import Team
from hamsu.funnel.calendars import CalendarSpec
from hamsu.funnel.models import BusinessCalendar, Handoff, Lead, SlaPolicy
from tests.reconcile.funnel_company import build, companies

PERIODS = [7, 30, 90, 365]


def _period(days: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The page's period: the last ``days`` local days, today included."""
    tz = timezone.get_current_timezone()
    end = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
    )
    return end - datetime.timedelta(days=days), end


def _policies(teams) -> dict:
    calendar = BusinessCalendar.objects.create(
        name="Reconcile Mon–Fri",
        workdays=[0, 1, 2, 3, 4],
        day_start=datetime.time(9),
        day_end=datetime.time(17),
    )
    default = SlaPolicy.objects.create(
        name="Reconcile default",
        calendar=calendar,
        mql_target_per_month=40,
        acceptance_rate_target=Decimal("70"),
    )
    own = SlaPolicy.objects.create(
        name="Reconcile team 0",
        team=teams[0],
        calendar=calendar,
        mql_target_per_month=12,
        acceptance_rate_target=Decimal("55"),
        follow_up_within_hours=Decimal("4"),
        min_attempts=2,
    )
    return {None: default, teams[0].pk: own}


def expected_rows(start, end, now, policies) -> dict[str, dict]:
    """Per team name, every figure of the row, from the handoffs opened in [start, end)."""
    names = dict(Team.objects.values_list("pk", "name"))
    leads = {
        row["id"]: row
        for row in Lead.objects.values(
            "id", "accepted_at", "first_follow_up_at", "follow_up_attempts", "return_reason"
        )
    }
    groups: dict[int | None, list[dict]] = {}
    for h in Handoff.objects.values(
        "team_id", "lead_id", "status", "opened_at", "due_at", "closed_at", "escalated_at"
    ):
        if start <= h["opened_at"] < end:
            groups.setdefault(h["team_id"], []).append(h)
    months = max((end - start).days / 30.4, 1 / 30.4)
    out = {}
    for team_id, rows in groups.items():
        policy = policies.get(team_id) or policies[None]
        spec = CalendarSpec.build(
            workdays=policy.calendar.workdays,
            day_start=policy.calendar.day_start,
            day_end=policy.calendar.day_end,
            tz=policy.calendar.timezone,
        )
        accepted = [h for h in rows if h["status"] == "accepted"]
        returned = [h for h in rows if h["status"] == "returned"]
        answered = [h for h in rows if h["status"] in ("accepted", "returned") and h["closed_at"] is not None]
        on_time = [h for h in answered if h["closed_at"] <= h["due_at"]]
        follow_ups = [
            spec.business_seconds_between(
                leads[h["lead_id"]]["accepted_at"], leads[h["lead_id"]]["first_follow_up_at"]
            )
            / 3600
            for h in accepted
            if leads[h["lead_id"]]["accepted_at"] and leads[h["lead_id"]]["first_follow_up_at"]
        ]
        attempts = [
            leads[h["lead_id"]]["follow_up_attempts"]
            for h in returned
            if leads[h["lead_id"]]["return_reason"]
        ]
        decided = len(accepted) + len(returned)
        out[names.get(team_id, "—")] = {
            "mqls": len(rows),
            "mql_target": round(policy.mql_target_per_month * months),
            "accepted": len(accepted),
            "returned": len(returned),
            "acceptance_rate": len(accepted) / decided * 100 if decided else None,
            "acceptance_target": float(policy.acceptance_rate_target),
            "handoffs_closed": len(answered),
            "on_time": len(on_time),
            "on_time_rate": len(on_time) / len(answered) * 100 if answered else None,
            "breaches": sum(1 for h in rows if h["escalated_at"] is not None),
            "open_overdue": sum(1 for h in rows if h["status"] == "open" and h["due_at"] < now),
            "follow_up_hours_median": median(follow_ups) if follow_ups else None,
            "follow_up_on_time_rate": (
                sum(1 for hours in follow_ups if hours <= float(policy.follow_up_within_hours))
                / len(follow_ups)
                * 100
                if follow_ups
                else None
            ),
            "attempts_before_disqualify": mean(attempts) if attempts else None,
            "min_attempts": policy.min_attempts,
        }
    return out


def _assert_same(shown: dict[str, dict], expected: dict[str, dict]) -> None:
    assert sorted(shown) == sorted(expected)
    for team, want in expected.items():
        for figure, value in want.items():
            assert shown[team][figure] == pytest.approx(value), (team, figure)


def _bounded(rows: dict[str, dict]) -> None:
    for team, row in rows.items():
        for figure in ("acceptance_rate", "on_time_rate", "follow_up_on_time_rate"):
            if row[figure] is not None:
                assert 0 <= row[figure] <= 100, (team, figure)


@pytest.mark.django_db
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(company=companies(max_leads=0, max_deals=0, max_handoffs=25), days=st.sampled_from(PERIODS))
def test_the_sla_page_and_api_show_what_the_handoffs_say(
    company, days, client, head_of_sales, rep, make_account
):
    client.force_login(head_of_sales.user)
    with transaction.atomic():
        built = build(company, owner=rep, account=make_account(rep))
        policies = _policies(built.teams)
        start, end = _period(days)
        expected = expected_rows(start, end, timezone.now(), policies)
        page = client.get("/funnel/sla/", {"days": days})
        shown = {row.team: vars(row) for row in page.context["rows"]}
        _assert_same(shown, expected)
        _bounded(shown)
        api = client.get(
            "/api/v1/funnel/sla", {"start": start.date().isoformat(), "end": end.date().isoformat()}
        ).json()
        _assert_same({row["team"]: row for row in api}, expected)
        transaction.set_rollback(True)
