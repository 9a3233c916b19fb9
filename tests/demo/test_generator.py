"""The demo company is deterministic and its histories are internally consistent."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, Max

from hamsu.crm.models import Account, Opportunity, StageEvent
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.demo import generator

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)


def _fingerprint():
    deals = Opportunity.objects.order_by("id").values_list("stage", "amount_base", "created_at", "name")
    return list(deals[:200]) + list(Account.objects.order_by("id").values_list("name", "domain")[:50])


def test_the_same_seed_gives_the_same_company_and_histories_agree_with_state():
    result = generator.generate(scale="tiny", seed=7, now=NOW, progress=lambda m: None)
    assert result.rows["opportunities"] == generator.SCALES["tiny"].opportunities
    first = _fingerprint()

    # Every deal's stage is the "to" of its last stage event, and it starts with a creation event.
    last = {
        row["opportunity_id"]: row["last"]
        for row in StageEvent.objects.filter(object_type="opportunity")
        .values("opportunity_id")
        .annotate(last=Max("id"))
    }
    final_to = dict(StageEvent.objects.filter(id__in=last.values()).values_list("opportunity_id", "to_stage"))
    for opp_id, stage in Opportunity.objects.values_list("id", "stage"):
        assert final_to[opp_id] == stage
    assert (
        StageEvent.objects.filter(object_type="opportunity", from_stage="").count()
        == result.rows["opportunities"]
    )
    # Closed deals carry their close time; open ones do not; nothing happens in the future.
    assert not Opportunity.objects.filter(stage__in=[Stage.WON, Stage.LOST], closed_at__isnull=True).exists()
    assert not Opportunity.objects.filter(stage__in=OPEN_STAGES, closed_at__isnull=False).exists()
    assert not StageEvent.objects.filter(at__gt=NOW).exists()
    # Real-looking outcomes: some won, some lost, some still open.
    by_stage = dict(Opportunity.objects.values("stage").annotate(n=Count("id")).values_list("stage", "n"))
    assert by_stage.get("won", 0) > 0
    assert by_stage.get("lost", 0) > by_stage.get("won", 0) / 3
    assert sum(by_stage.get(s, 0) for s in OPEN_STAGES) > 0

    # Regenerate from scratch with the same seed: the same deals.
    call_command("flush", interactive=False, verbosity=0)
    generator.generate(scale="tiny", seed=7, now=NOW, progress=lambda m: None)
    assert _fingerprint() == first


def test_the_generator_refuses_to_run_twice():
    generator.generate(scale="tiny", seed=1, now=NOW, progress=lambda m: None)
    with pytest.raises(RuntimeError):
        generator.generate(scale="tiny", seed=1, now=NOW, progress=lambda m: None)
