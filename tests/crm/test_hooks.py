"""Rules of engagement run as part of the CRM's own writes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from hamsu.crm import services
from hamsu.crm.models import DealRole
from hamsu.crm.stages import Stage
from hamsu.directory.models import Function, RoleTitle

pytestmark = pytest.mark.django_db


def test_a_big_deal_gets_its_brand_manager_when_it_is_created(rep, make_person, make_opportunity):
    from hamsu.funnel.models import EngagementRule

    brand = make_person("Bita Brand", function=Function.UPSTREAM_MARKETING, title=RoleTitle.BRAND_MANAGER)
    EngagementRule.objects.create(
        name="Big deals involve a brand manager",
        subject="opportunity",
        event="any",
        conditions={"all": [{"field": "amount", "op": "gte", "value": 2_000_000}]},
        actions=[{"type": "add_participant", "role": DealRole.BRAND_MANAGER}],
    )
    small = make_opportunity(rep, amount="1000")
    big = make_opportunity(rep, amount="2500000")
    assert not small.participants.filter(role=DealRole.BRAND_MANAGER).exists()
    assert big.participants.filter(person=brand, role=DealRole.BRAND_MANAGER).exists()
    # Moving the deal again does not add the brand manager twice.
    services.opportunity_move_stage(opportunity=big, to_stage=Stage.QUALIFYING, actor=rep.user)
    assert big.participants.filter(role=DealRole.BRAND_MANAGER).count() == 1
    assert Decimal(big.amount_base) >= 2_000_000
