"""The meeting agenda's SLA section (``agenda.sla``: section 3 of the meeting page and
``sla`` in POST /api/v1/together/meetings/<id>/agenda), reconciled.

For random handoffs of the last 100 days (``funnel_company``: two teams and none, random
answers, deadlines and escalations; a default SLA policy and one team's own) and random
meetings — a one-off, or one of a series with or without a sales team, of every cadence,
with or without an earlier meeting — the section is recomputed here from the raw handoff
rows as the glossary entry says: from the previous meeting of the series (else one cadence
back at 30 days a month; a one-off 30 days back) to when the agenda was generated, per
sales team (only the series' team when it has one), sales is in breach when it answered
handoffs late or left them waiting past due, marketing when it delivered fewer MQLs than
committed and when a lower share of leads was accepted than committed. The per-team
figures are the SLA page's, recomputed by ``test_funnel_sla.expected_rows``.
Invariants: the breaches of the two sides add up to the section's count; a team's meeting
sees a part of what a one-off sees.
"""

from __future__ import annotations

import dataclasses
import datetime
import html

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.collaboration.models import Meeting, MeetingSeries
from tests.reconcile.funnel_company import Company, build, handoffs
from tests.reconcile.test_funnel_sla import _policies, expected_rows

API = "/api/v1/together"
DAY = datetime.timedelta(days=1)
CADENCE_DAYS = {"monthly": 30, "bimonthly": 60, "quarterly": 90}

recent_handoffs = handoffs.map(
    lambda h: dataclasses.replace(h, opened_hours_ago=h.opened_hours_ago % (24 * 100) + 1)
)
meetings = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["one-off", "series", "team series"]),
        "cadence": st.sampled_from(sorted(CADENCE_DAYS)),
        "previous_days_ago": st.one_of(st.none(), st.integers(3, 80)),
    }
)


def _meeting(spec, *, teams, organiser) -> Meeting:
    now = timezone.now()
    series = None
    if spec["kind"] != "one-off":
        series = MeetingSeries.objects.create(
            title="Pipeline review",
            team=teams[0] if spec["kind"] == "team series" else None,
            cadence=spec["cadence"],
            organiser=organiser,
            first_at=now - 200 * DAY,
        )
        if spec["previous_days_ago"] is not None:
            Meeting.objects.create(
                series=series, title="Before", starts_at=now - spec["previous_days_ago"] * DAY, status="held"
            )
    meeting = Meeting.objects.create(series=series, title="This one", starts_at=now + DAY)
    meeting.attendees.add(organiser)
    return meeting


def expected_items(meeting: Meeting, now: datetime.datetime, policies) -> list[tuple[str, str]]:
    """[(side, title)] of every breach, in the section's order (team by team)."""
    series = (
        MeetingSeries.objects.filter(pk=meeting.series_id).values("team_id", "cadence").first()
        if meeting.series_id
        else None
    )
    previous = sorted(
        m["starts_at"]
        for m in Meeting.objects.values("series_id", "starts_at")
        if series is not None and m["series_id"] == meeting.series_id and m["starts_at"] < meeting.starts_at
    )
    if previous:
        since = previous[-1]
    else:
        since = meeting.starts_at - DAY * (CADENCE_DAYS[series["cadence"]] if series else 30)
    team_name = None
    if series and series["team_id"]:
        team_name = next(t.name for t in policies["teams"] if t.pk == series["team_id"])
    items = []
    for team, row in sorted(expected_rows(since, now, now, policies["by_team"]).items()):
        if team_name is not None and team != team_name:
            continue
        late = row["handoffs_closed"] - row["on_time"]
        if late or row["open_overdue"]:
            items.append(
                (
                    "sales",
                    f"{team}: {late} handoffs answered late, {row['open_overdue']} still waiting past due",
                )
            )
        if row["mql_target"] and row["mqls"] < row["mql_target"]:
            items.append(
                ("marketing", f"{team}: {row['mqls']} MQLs delivered against {row['mql_target']} committed")
            )
        if row["acceptance_rate"] is not None and row["acceptance_rate"] < row["acceptance_target"]:
            items.append(
                (
                    "marketing",
                    f"{team}: {round(row['acceptance_rate'])}% of leads accepted against "
                    f"{round(row['acceptance_target'])}% committed",
                )
            )
    return items


def _agenda(client, meeting) -> dict:
    return client.post(f"{API}/meetings/{meeting.pk}/agenda").json()["agenda"]


SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db
@SETTINGS
@given(rows=st.lists(recent_handoffs, max_size=20), spec=meetings)
def test_the_sla_section_shows_what_the_handoffs_say(rows, spec, client, head_of_sales, rep, make_account):
    client.force_login(head_of_sales.user)
    with transaction.atomic():
        built = build(Company(leads=[], deals=[], handoffs=rows), owner=rep, account=make_account(rep))
        policies = {"by_team": _policies(built.teams), "teams": built.teams}
        meeting = _meeting(spec, teams=built.teams, organiser=head_of_sales)
        sla = _agenda(client, meeting)["sla"]
        generated = Meeting.objects.get(pk=meeting.pk).agenda_generated_at
        want = expected_items(meeting, generated, policies)
        assert [(item["side"], item["title"]) for item in sla["items"]] == want[:15]
        assert sla["count"] == len(want)
        assert sla["by_side"] == {
            side: sum(1 for s, _t in want if s == side) for side in ("sales", "marketing")
        }
        page = client.get(f"/together/meetings/{meeting.pk}/").content.decode()
        for _side, title in want[:15]:
            assert html.escape(title) in page, title
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(rows=st.lists(recent_handoffs, max_size=20), spec=meetings)
def test_the_sides_add_up_and_a_team_sees_a_part_of_the_company(
    rows, spec, client, head_of_sales, rep, make_account
):
    client.force_login(head_of_sales.user)
    with transaction.atomic():
        built = build(Company(leads=[], deals=[], handoffs=rows), owner=rep, account=make_account(rep))
        _policies(built.teams)
        meeting = _meeting(spec, teams=built.teams, organiser=head_of_sales)
        sla = _agenda(client, meeting)["sla"]
        assert sla["by_side"]["sales"] + sla["by_side"]["marketing"] == sla["count"]
        if spec["kind"] == "team series":
            assert {item["team"] for item in sla["items"]} <= {built.teams[0].name}
            if spec["cadence"] == "monthly" and spec["previous_days_ago"] is None:
                # Then the team's meeting looks back as far as a one-off does (30 days): its
                # breaches are among the company's.
                one_off = Meeting.objects.create(title="Company", starts_at=meeting.starts_at)
                one_off.attendees.add(head_of_sales)
                whole = {(i["side"], i["title"]) for i in _agenda(client, one_off)["sla"]["items"]}
                assert {(i["side"], i["title"]) for i in sla["items"]} <= whole
        transaction.set_rollback(True)
