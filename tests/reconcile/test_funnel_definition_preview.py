"""The lead definition preview, reconciled (glossary ``leads.definition_checked`` and
``leads.definition_qualifying``): for a few rules, the leads checked and those that would
qualify under the proposed rule and under the rule in effect, recomputed in plain Python
from the raw lead and touch rows — for both kinds of definition, the page's one filter."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.crm.models import Segment
from hamsu.funnel.models import Lead, LeadQueue, LeadState, LeadTouch
from hamsu.funnel.selectors_rule_preview import definition_preview

NOW = datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.UTC)
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

lead_rows = st.lists(
    st.fixed_dictionaries(
        {
            "state": st.sampled_from([LeadState.INQUIRY, LeadState.NURTURE, LeadState.SAL, LeadState.MQL]),
            "score": st.sampled_from([0.0, 39.5, 40.0, 50.0, 75.0]),
            "country": st.sampled_from(["IR", "AE", "DE", ""]),
            "employees": st.sampled_from([None, 10, 200, 499, 5000]),
            "title": st.sampled_from(["", "Sales Director", "CFO", "director of IT"]),
            "segmented": st.booleans(),
            "touches": st.lists(
                st.tuples(st.sampled_from(["webinar", "form_fill"]), st.integers(0, 60)), max_size=4
            ),
        }
    ),
    max_size=12,
)

# Each rule with what it says, written again over the raw rows (no rule language).
RULES = [
    ({"field": "score", "op": "gte", "value": 40}, lambda r, t: r["score"] >= 40),
    (
        {
            "all": [
                {"field": "country", "op": "in", "value": ["IR", "AE"]},
                {"field": "employees", "op": "gte", "value": 200},
            ]
        },
        lambda r, t: r["country"] in ("IR", "AE") and r["employees"] is not None and r["employees"] >= 200,
    ),
    (
        {
            "any": [
                {"field": "title", "op": "contains", "value": "Director"},
                {"touches": {"kind": "webinar", "within_days": 30}, "op": "gte", "value": 2},
            ]
        },
        lambda r, t: (
            "director" in r["title"].lower()
            or sum(
                1 for kind, at in t if kind == "webinar" and NOW - datetime.timedelta(days=30) <= at <= NOW
            )
            >= 2
        ),
    ),
    (
        {
            "all": [
                {"field": "size_band", "op": "eq", "value": "medium"},
                {"field": "segment", "op": "missing"},
            ]
        },
        lambda r, t: r["employees"] is not None and 50 <= r["employees"] < 500 and r["segment_id"] is None,
    ),
]


def build(rows) -> None:
    segment = Segment.objects.create(name="Retail")
    for row in rows:
        lead = Lead.objects.create(
            email="x@example.com",
            state=row["state"],
            score=row["score"],
            country=row["country"],
            employees=row["employees"],
            title=row["title"],
            segment=segment if row["segmented"] else None,
            queue=LeadQueue.MARKETING,
        )
        LeadTouch.objects.bulk_create(
            LeadTouch(lead=lead, kind=kind, at=NOW - datetime.timedelta(days=days))
            for kind, days in row["touches"]
        )


def raw():
    touches: dict[int, list] = {}
    for t in LeadTouch.objects.values("lead_id", "kind", "at"):
        touches.setdefault(t["lead_id"], []).append((t["kind"], t["at"]))
    rows = Lead.objects.values("id", "state", "score", "country", "employees", "title", "segment_id")
    return [(r, touches.get(r["id"], [])) for r in rows]


@pytest.mark.django_db
@SETTINGS
@given(rows=lead_rows)
def test_the_mql_preview_counts_what_the_rows_say(rows):
    with transaction.atomic():
        build(rows)
        marketing = [(r, t) for r, t in raw() if r["state"] in (LeadState.INQUIRY, LeadState.NURTURE)]
        for rules, holds in RULES:
            preview = definition_preview(kind="mql", rules=rules, now=NOW)
            expected = {
                "checked": len(marketing),
                "qualifying": sum(1 for r, t in marketing if holds(r, t)),
                # No MQL definition signed: the built-in rule, a score of 50 or more.
                "in_effect": sum(1 for r, _t in marketing if r["score"] >= 50),
            }
            assert {
                "checked": preview.checked,
                "qualifying": preview.qualifying,
                "in_effect": preview.qualifying_in_effect,
            } == expected
            assert 0 <= preview.qualifying <= preview.checked
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(rows=lead_rows)
def test_the_sql_preview_counts_what_the_rows_say(rows):
    with transaction.atomic():
        build(rows)
        accepted = [(r, t) for r, t in raw() if r["state"] == LeadState.SAL]
        for rules, holds in RULES:
            preview = definition_preview(kind="sql", rules=rules, now=NOW)
            expected = {
                "checked": len(accepted),
                "qualifying": sum(1 for r, t in accepted if holds(r, t)),
                # No SQL definition signed: no rule, every accepted lead may be qualified.
                "in_effect": len(accepted),
            }
            assert {
                "checked": preview.checked,
                "qualifying": preview.qualifying,
                "in_effect": preview.qualifying_in_effect,
            } == expected
        transaction.set_rollback(True)
