"""A meeting's agenda (POST /api/v1/together/meetings/<id>/agenda, and the meeting page),
reconciled.

For random small companies drawn by hypothesis — open, won and lost deals with random
amounts, teams and stage histories, feedback notes, earlier meetings with action items —
each section's figures are recomputed here from the raw rows, following the glossary
entries ``agenda.*`` written out plainly (not through ``hamsu.collaboration.agenda``): big
opportunities (count and total), deals at risk (against the median time in stage), lead-
quality complaints since the previous meeting, and the open action items carried in. Both
kinds of meeting: one of a team's series (the team's deals and notes only) and a one-off.
Invariants: the team's parts never exceed the company's, the big deals' total is at least
threshold × count, and no carried item is done or dropped.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from statistics import median

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.collaboration.models import ActionItem, FeedbackNote, Meeting, MeetingSeries
from hamsu.core.models import CompanySettings
from hamsu.crm.models import Opportunity, StageEvent

OPEN = ["prospecting", "qualifying", "needs_definition", "solution_development", "decision", "negotiation"]
AT_RISK_FACTOR = 1.5
API = "/api/v1/together"
DAY = datetime.timedelta(days=1)
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

deals = st.lists(
    st.fixed_dictionaries(
        {
            "passed": st.integers(0, 5),  # open stages passed before the current one
            "end": st.sampled_from(["open", "open", "won", "lost"]),
            "durations": st.lists(st.integers(1, 40), min_size=6, max_size=6),
            "days_in_stage": st.integers(0, 120),
            "amount": st.sampled_from(["1000", "400000", "2000000", "3500000"]),
            "team": st.integers(0, 1),
        }
    ),
    max_size=14,
)
notes = st.lists(
    st.fixed_dictionaries(
        {"days_ago": st.integers(0, 80), "complaint": st.booleans(), "team": st.integers(0, 1)}
    ),
    max_size=8,
)
actions = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(["open", "in_progress", "done", "dropped"]),
            "due_in": st.integers(-20, 20),
            "earlier": st.booleans(),  # raised in an earlier meeting (else in a later one)
        }
    ),
    max_size=6,
)
companies = st.fixed_dictionaries(
    {
        "deals": deals,
        "notes": notes,
        "actions": actions,
        "series": st.booleans(),
        "previous_days_ago": st.integers(5, 60),
    }
)


def build(spec, *, rep, other_rep, account, organiser):
    now = timezone.now()
    sellers = [rep, other_rep]
    for n, deal in enumerate(spec["deals"]):
        owner = sellers[deal["team"]]
        passed = deal["passed"]
        stage = OPEN[passed] if deal["end"] == "open" else deal["end"]
        entered_current = now - deal["days_in_stage"] * DAY
        # Walk back from the current stage: each open stage passed lasted its duration.
        times = [entered_current]
        path = OPEN[: passed + 1] + ([] if deal["end"] == "open" else [deal["end"]])
        for duration in reversed(deal["durations"][: len(path) - 1]):
            times.insert(0, times[0] - duration * DAY)
        amount = Decimal(deal["amount"])
        opportunity = Opportunity.objects.create(
            name=f"Deal {n}",
            account=account,
            owner=owner,
            team=owner.team,
            stage=stage,
            probability=10,
            amount=amount,
            currency="USD",
            amount_base=amount,
            expected_close=now.date(),
            stage_changed_at=entered_current,
            closed_at=entered_current if deal["end"] != "open" else None,
            created_at=times[0],
        )
        previous = ""
        for to_stage, at in zip(path, times, strict=True):
            StageEvent.objects.create(
                object_type="opportunity",
                object_id=opportunity.pk,
                opportunity=opportunity,
                from_stage=previous,
                to_stage=to_stage,
                at=at,
            )
            previous = to_stage
    for note in spec["notes"]:
        author = sellers[note["team"]]
        FeedbackNote.objects.create(
            author=author,
            team=author.team,
            customer_need="x",
            lead_quality_complaint=note["complaint"],
            created_at=now - note["days_ago"] * DAY,
        )
    series = None
    if spec["series"]:
        series = MeetingSeries.objects.create(
            title="Enterprise monthly", team=rep.team, organiser=organiser, first_at=now - 90 * DAY
        )
    meeting = Meeting.objects.create(series=series, title="This one", starts_at=now + DAY)
    meeting.attendees.add(rep, organiser)
    earlier = Meeting.objects.create(
        series=series, title="Before", starts_at=now - spec["previous_days_ago"] * DAY, status="held"
    )
    earlier.attendees.add(rep)
    later = Meeting.objects.create(series=series, title="After", starts_at=now + 30 * DAY)
    later.attendees.add(rep)
    for n, action in enumerate(spec["actions"]):
        ActionItem.objects.create(
            meeting=earlier if action["earlier"] else later,
            title=f"Action {n}",
            owner=rep,
            due_on=timezone.localdate() + action["due_in"] * DAY,
            status=action["status"],
        )
    return meeting


# ---------------------------------------------------------------- the glossary, written out


def expected(meeting: Meeting, now: datetime.datetime) -> dict:
    threshold = CompanySettings.objects.values_list("big_deal_threshold", flat=True).first()
    team_id = (
        MeetingSeries.objects.filter(pk=meeting.series_id).values_list("team_id", flat=True).first()
        if meeting.series_id
        else None
    )
    open_deals = [
        d
        for d in Opportunity.objects.values("id", "stage", "amount_base", "team_id", "stage_changed_at")
        if d["stage"] in OPEN and (team_id is None or d["team_id"] == team_id)
    ]
    big = [d for d in open_deals if d["amount_base"] >= threshold]
    # The usual time in a stage: the median of (exit − the deal's event before it).
    events = list(
        StageEvent.objects.filter(object_type="opportunity").values("opportunity_id", "from_stage", "at")
    )
    medians = {}
    for stage in OPEN:
        exits = sorted((e for e in events if e["from_stage"] == stage), key=lambda e: e["at"], reverse=True)[
            :500
        ]
        durations = []
        for e in exits:
            before = [
                x["at"] for x in events if x["opportunity_id"] == e["opportunity_id"] and x["at"] < e["at"]
            ]
            if before:
                durations.append((e["at"] - max(before)).total_seconds() / 86400)
        if durations:
            medians[stage] = median(durations)
    at_risk = [
        d
        for d in open_deals
        if d["stage"] in medians
        and d["stage_changed_at"]
        < now - datetime.timedelta(days=max(medians[d["stage"]], 1.0) * AT_RISK_FACTOR)
    ]
    previous = (
        Meeting.objects.filter(series_id=meeting.series_id, starts_at__lt=meeting.starts_at)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
        if meeting.series_id
        else None
    )
    since = previous or meeting.starts_at - datetime.timedelta(days=30)
    complaints = [
        n
        for n in FeedbackNote.objects.values("lead_quality_complaint", "created_at", "team_id")
        if n["lead_quality_complaint"]
        and since <= n["created_at"] <= now
        and (team_id is None or n["team_id"] == team_id)
    ]
    earlier_meetings = {
        m["id"]
        for m in Meeting.objects.values("id", "series_id", "starts_at")
        if m["id"] != meeting.pk
        and m["starts_at"] < meeting.starts_at
        and (m["series_id"] == meeting.series_id if meeting.series_id else True)
    }
    if not meeting.series_id:
        attendees = set(meeting.attendees.values_list("pk", flat=True))
        earlier_meetings = {
            m
            for m in earlier_meetings
            if attendees & set(Meeting.objects.get(pk=m).attendees.values_list("pk", flat=True))
        }
    carried = sorted(
        a["id"]
        for a in ActionItem.objects.values("id", "meeting_id", "status")
        if a["meeting_id"] in earlier_meetings and a["status"] in ("open", "in_progress")
    )
    return {
        "big_count": len(big),
        "big_total": sum((d["amount_base"] for d in big), Decimal("0")),
        "at_risk": len(at_risk),
        "complaints": len(complaints),
        "carried": carried,
        "threshold": threshold,
    }


@pytest.fixture
def company(rep, other_rep, head_of_sales, make_account):
    return {"rep": rep, "other_rep": other_rep, "account": make_account(rep), "organiser": head_of_sales}


@pytest.mark.django_db
@SETTINGS
@given(spec=companies)
def test_the_agenda_shows_what_the_rows_say(spec, company, client):
    with transaction.atomic():
        meeting = build(spec, **company)
        client.force_login(company["organiser"].user)
        agenda = client.post(f"{API}/meetings/{meeting.pk}/agenda").json()["agenda"]
        want = expected(meeting, datetime.datetime.fromisoformat(agenda["generated_at"]))
        assert agenda["big_deals"]["count"] == want["big_count"]
        assert Decimal(agenda["big_deals"]["total"]) == want["big_total"]
        assert agenda["at_risk"]["count"] == want["at_risk"]
        assert agenda["lead_quality"]["count"] == want["complaints"]
        assert sorted(a["id"] for a in agenda["open_actions"]["items"]) == want["carried"]
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=companies)
def test_the_invariants_hold(spec, company, client):
    with transaction.atomic():
        meeting = build(spec, **company)
        client.force_login(company["organiser"].user)
        agenda = client.post(f"{API}/meetings/{meeting.pk}/agenda").json()["agenda"]
        big = agenda["big_deals"]
        assert Decimal(big["total"]) >= Decimal(big["threshold"]) * big["count"]
        assert len(big["items"]) <= big["count"]
        assert len(agenda["at_risk"]["items"]) <= agenda["at_risk"]["count"]
        carried = ActionItem.objects.filter(pk__in=[a["id"] for a in agenda["open_actions"]["items"]])
        assert not carried.filter(status__in=["done", "dropped"]).exists()
        if meeting.series_id:
            # The team's meeting sees a part of what a company-wide one-off would.
            one_off = Meeting.objects.create(title="Company", starts_at=meeting.starts_at)
            one_off.attendees.add(company["organiser"])
            whole = client.post(f"{API}/meetings/{one_off.pk}/agenda").json()["agenda"]
            assert big["count"] <= whole["big_deals"]["count"]
            assert agenda["at_risk"]["count"] <= whole["at_risk"]["count"]
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=companies)
def test_the_meeting_page_shows_the_agenda_counts(spec, company, client):
    with transaction.atomic():
        meeting = build(spec, **company)
        client.force_login(company["organiser"].user)
        client.post(f"{API}/meetings/{meeting.pk}/agenda")
        want = expected(meeting, Meeting.objects.get(pk=meeting.pk).agenda_generated_at)
        page = client.get(f"/together/meetings/{meeting.pk}/").content.decode()
        for testid, count in (
            ("agenda-big-deals", want["big_count"]),
            ("agenda-at-risk", want["at_risk"]),
            ("agenda-lead-quality", want["complaints"]),
        ):
            assert f'data-testid="{testid}">{count:,}<' in page, testid
        transaction.set_rollback(True)
