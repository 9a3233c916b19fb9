"""A feedback digest's counts (``together.digest_notes``: the digests list, the digest page
and /api/v1/together/digests), reconciled.

For random feedback notes and call reports of the last 60 days — some lead-quality
complaints, some call reports with nothing written — and a random period (the filter the
digest is built for), the counts are recomputed here from the raw rows (``.values()``) as
the glossary entry says: the notes written in the period (local days, both ends included),
with each call report of the period that has a body counted as a note; the themes the
digest holds; the lead-quality complaints of the period. Invariants: every note with text
is in exactly one theme, so the themes' sizes add up to the notes; no more themes than
asked for; a digest keeps its counts when notes are written after it was built.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.collaboration.models import FeedbackNote, FeedbackTheme
from hamsu.crm.models import Activity

API = "/api/v1/together/digests"
DAY = datetime.timedelta(days=1)
PHRASES = [
    "needs a cheaper plan for small teams",
    "wants single sign-on before signing",
    "the lead was a student, not a buyer",
    "asked for a Persian invoice template",
    "competitor offers faster onboarding",
]
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Ages end on half days, so nothing sits on a day's edge.
ages = st.integers(0, 60).map(lambda d: d + 0.5)

companies = st.fixed_dictionaries(
    {
        "notes": st.lists(st.tuples(ages, st.booleans(), st.sampled_from(PHRASES)), max_size=10),
        "reports": st.lists(st.tuples(ages, st.sampled_from(["", *PHRASES])), max_size=5),
        "start_days_ago": st.integers(0, 60),
        "length": st.integers(0, 30),
        "n_themes": st.one_of(st.none(), st.integers(2, 4)),
    }
)


def build(spec, *, rep, account):
    now = timezone.now()
    for age, complaint, text in spec["notes"]:
        FeedbackNote.objects.create(
            author=rep,
            team=rep.team,
            customer_need=text,
            lead_quality_complaint=complaint,
            created_at=now - age * DAY,
        )
    for age, body in spec["reports"]:
        Activity.objects.create(
            kind="call_report",
            subject="Call",
            body=body,
            account=account,
            owner=rep,
            team=rep.team,
            occurred_at=now - age * DAY,
        )
    today = timezone.localdate()
    start = today - spec["start_days_ago"] * DAY
    return start, min(start + spec["length"] * DAY, today)


def expected(start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The counts from the raw rows, before the digest turns the call reports into notes."""

    def within(at) -> bool:
        return start <= timezone.localtime(at).date() <= end

    notes = [
        n
        for n in FeedbackNote.objects.values("created_at", "lead_quality_complaint")
        if within(n["created_at"])
    ]
    reports = [
        a
        for a in Activity.objects.values("kind", "body", "occurred_at")
        if a["kind"] == "call_report" and a["body"]
    ]
    return {
        "notes": len(notes) + sum(1 for a in reports if within(a["occurred_at"])),
        "complaints": sum(1 for n in notes if n["lead_quality_complaint"]),
    }


def _digest(client, start, end, n_themes) -> dict:
    payload = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    if n_themes:
        payload["n_themes"] = n_themes
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _number(text: str) -> int:
    return int(text.strip().replace(",", ""))


@pytest.mark.django_db
@SETTINGS
@given(spec=companies)
def test_a_digests_counts_are_what_the_notes_say(spec, client, marketer, rep, make_account):
    client.force_login(marketer.user)
    with transaction.atomic():
        start, end = build(spec, rep=rep, account=make_account(rep))
        want = expected(start, end)
        built = _digest(client, start, end, spec["n_themes"])
        themes = FeedbackTheme.objects.filter(digest_id=built["id"]).count()
        assert built["note_count"] == want["notes"]
        assert client.get(f"{API}/{built['id']}").json()["note_count"] == want["notes"]
        listed = client.get("/together/feedback/digests/").content.decode()
        row = re.search(rf'href="/together/feedback/digests/{built["id"]}/".*?</tr>', listed, re.S).group(0)
        assert [_number(c) for c in re.findall(r'class="text-end[^"]*">([^<]*)<', row)] == [
            want["notes"],
            themes,
        ]
        page = client.get(f"/together/feedback/digests/{built['id']}/").content.decode()
        sentence = re.search(r"([\d,]+) notes in ([\d,]+) themes; ([\d,]+) lead-quality complaints", page)
        assert [_number(n) for n in sentence.groups()] == [want["notes"], themes, want["complaints"]]
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=companies)
def test_the_themes_add_up_to_the_notes_and_the_counts_stay(spec, client, marketer, rep, make_account):
    client.force_login(marketer.user)
    with transaction.atomic():
        start, end = build(spec, rep=rep, account=make_account(rep))
        built = _digest(client, start, end, spec["n_themes"])
        assert sum(theme["size"] for theme in built["themes"]) == built["note_count"]
        if spec["n_themes"]:
            assert len(built["themes"]) <= spec["n_themes"]
        FeedbackNote.objects.create(
            author=rep, customer_need=PHRASES[0], created_at=timezone.now() - 0.5 * DAY
        )
        assert client.get(f"{API}/{built['id']}").json()["note_count"] == built["note_count"]
        transaction.set_rollback(True)
