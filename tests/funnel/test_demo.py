"""The demo company's leads agree with its deals and keep every lifecycle invariant."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Count

from hamsu.crm.models import Opportunity, StageEvent
from hamsu.demo.generator import generate
from hamsu.funnel.models import Handoff, Lead

pytestmark = pytest.mark.django_db


def test_demo_leads_are_consistent_with_marketing_deals():
    generate(
        scale="tiny",
        seed=7,
        now=datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC),
        progress=lambda *_: None,
    )
    marketing = set(Opportunity.objects.filter(source="marketing").values_list("id", flat=True))
    linked = set(Lead.objects.filter(opportunity__isnull=False).values_list("opportunity_id", flat=True))
    assert linked == marketing
    # Every marketing deal's lead walked the whole waterfall.
    lead = Lead.objects.filter(opportunity__isnull=False).order_by("pk").first()
    path = list(
        StageEvent.objects.filter(object_type="lead", object_id=lead.pk)
        .order_by("at", "pk")
        .values_list("to_stage", flat=True)
    )
    assert path[:5] == ["inquiry", "mql", "sal", "sql", "opportunity"]
    states = dict(Lead.objects.values_list("state").annotate(n=Count("id")))
    for state in ("inquiry", "mql", "sal", "nurture", "disqualified", "won", "lost", "opportunity"):
        assert states.get(state), state
    assert Lead.objects.filter(returned_at__isnull=False, return_reason="").count() == 0
    assert Lead.objects.filter(owner__isnull=True, queue="").count() == 0
    # The log ends where each lead is.
    last = {}
    for object_id, to_stage in (
        StageEvent.objects.filter(object_type="lead")
        .order_by("at", "pk")
        .values_list("object_id", "to_stage")
    ):
        last[object_id] = to_stage
    assert all(last[pk] == state for pk, state in Lead.objects.values_list("pk", "state"))
    assert Handoff.objects.filter(status="open").count() == states["mql"]
    # The predictive score was trained on the demo's closed leads and explains itself.
    scored = Lead.objects.filter(state__in=["mql", "sal", "sql"], win_probability__isnull=False)
    assert scored.exists()
    assert all(0 < p < 1 for p in scored.values_list("win_probability", flat=True))
    # Nothing happens after "now".
    assert not StageEvent.objects.filter(
        at__gt=datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)
    ).exists()
    assert not Lead.objects.filter(
        state_changed_at__gt=datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC)
    ).exists()
