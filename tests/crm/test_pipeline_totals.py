"""The board's stage totals are kept by database triggers: they must always equal the deals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Sum

from hamsu.core.company import company_settings
from hamsu.core.models import Visibility
from hamsu.crm import pipeline_totals, selectors
from hamsu.crm import services as crm
from hamsu.crm.models import Opportunity, PipelineTotal
from hamsu.crm.stages import OPEN_STAGES, Stage

pytestmark = pytest.mark.django_db


def _from_deals():
    rows = (
        Opportunity.objects.values("stage", "owner_id", "team_id", "segment_id", "source")
        .annotate(n=Count("id"), total=Sum("amount_base"))
        .order_by()
    )
    return {
        (r["stage"], r["owner_id"], r["team_id"] or 0, r["segment_id"] or 0, r["source"]): (
            r["n"],
            Decimal(r["total"]).quantize(Decimal("0.01")),
        )
        for r in rows
    }


def _from_totals():
    return {
        (t.stage, t.owner_id, t.team_key, t.segment_key, t.source): (
            t.n,
            Decimal(t.total).quantize(Decimal("0.01")),
        )
        for t in PipelineTotal.objects.all()
        if t.n
    }


def test_totals_follow_every_kind_of_write(rep, other_rep, make_opportunity, catalogue):
    deals = [make_opportunity(rep, amount=Decimal("1000.10")) for _ in range(3)]
    deals.append(make_opportunity(other_rep, amount=Decimal("250.25")))
    assert _from_totals() == _from_deals()

    crm.opportunity_move_stage(
        opportunity=deals[0], to_stage=Stage.NEGOTIATION, actor=rep.user
    )  # a service write
    Opportunity.objects.filter(pk=deals[1].pk).update(amount_base=Decimal("99.99"))  # a bulk write
    Opportunity.objects.filter(pk=deals[2].pk).update(owner=other_rep, team=other_rep.team)  # reassigned
    Opportunity.objects.filter(pk=deals[3].pk).delete()
    assert _from_totals() == _from_deals()

    # A bulk insert (imports, the demo generator) is folded in too.
    template = Opportunity.objects.get(pk=deals[0].pk)
    template.pk = None
    Opportunity.objects.bulk_create([Opportunity(**{**_fields(template)}) for _ in range(5)])
    assert _from_totals() == _from_deals()


def _fields(opportunity):
    return {
        f.attname: getattr(opportunity, f.attname)
        for f in Opportunity._meta.concrete_fields
        if not f.primary_key
    }


def test_rebuild_agrees_with_the_triggers(rep, make_opportunity):
    for amount in ("10", "20.50", "30"):
        make_opportunity(rep, amount=Decimal(amount))
    before = _from_totals()
    pipeline_totals.rebuild(connection)
    assert _from_totals() == before == _from_deals()


def test_the_board_totals_equal_the_deals_under_visibility_and_filters(
    rep, other_rep, head_of_sales, make_opportunity
):
    for _ in range(4):
        make_opportunity(rep, amount=Decimal("100"))
    for _ in range(2):
        make_opportunity(other_rep, amount=Decimal("7"))
    for user, filters in (
        (rep.user, selectors.OpportunityFilters()),
        (head_of_sales.user, selectors.OpportunityFilters()),
        (head_of_sales.user, selectors.OpportunityFilters(owner=other_rep.pk)),
        (head_of_sales.user, selectors.OpportunityFilters(team=rep.team_id)),
    ):
        board = {c.stage: (c.count, c.total) for c in selectors.pipeline_board(user=user, filters=filters)}
        deals = selectors._filter_opportunities(selectors.opportunities_visible(user), filters)
        expected = {
            stage.value: (
                deals.filter(stage=stage).count(),
                Decimal(deals.filter(stage=stage).aggregate(s=Sum("amount_base"))["s"] or 0).quantize(
                    Decimal("0.01")
                ),
            )
            for stage in OPEN_STAGES
        }
        assert board == expected
    # Under "own records only" a rep's totals count their own deals and no one else's.
    settings_row = company_settings()
    settings_row.visibility = Visibility.OWN
    settings_row.save()
    mine = {
        c.stage: c.count
        for c in selectors.pipeline_board(user=rep.user, filters=selectors.OpportunityFilters())
    }
    assert sum(mine.values()) == 4
