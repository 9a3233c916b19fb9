"""The public data sets in /work/shared/data import through the same path, with the
mapping files kept in src/hamsu/dataio/mappings/ (skipped where the data is absent)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from hamsu.crm.models import Account, Opportunity, StageEvent
from hamsu.funnel.models import Lead, LeadTouch

from .conftest import SHARED_DATA

pytestmark = pytest.mark.django_db

MAVEN = SHARED_DATA / "maven_crm_sales_opportunities"
OLIST = SHARED_DATA / "olist_marketing_funnel"


def import_bundle(directory, bundle):
    call_command("import", "bundle", str(directory), mapping=bundle, commit=True, no_progress=True, issues=0)


@pytest.mark.skipif(not MAVEN.exists(), reason="Maven data set not present")
def test_maven_pipeline_imports_with_its_quirks():
    import_bundle(MAVEN, "maven_crm/bundle.json")
    with open(MAVEN / "sales_pipeline.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    won_rows = [r for r in rows if r["deal_stage"] == "Won"]
    assert Opportunity.objects.count() == len(rows) == 8800
    won = Opportunity.objects.filter(stage="won")
    assert won.count() == len(won_rows) == 4238
    assert won.aggregate(total=Sum("amount"))["total"] == Decimal("10005534")
    # Won deals and won value per agent, straight from the CSV.
    expected_count = Counter(r["sales_agent"] for r in won_rows)
    expected_value = defaultdict(int)
    for r in won_rows:
        expected_value[r["sales_agent"]] += int(r["close_value"])
    actual = won.values("owner__full_name").annotate(n=Count("id"), value=Sum("amount"))
    assert {a["owner__full_name"]: a["n"] for a in actual} == dict(expected_count)
    assert {a["owner__full_name"]: int(a["value"]) for a in actual} == dict(expected_value)
    # GTXPro is GTX Pro: no row lost to the spelling.
    assert Opportunity.objects.filter(product__name="GTX Pro").count() == sum(
        1 for r in rows if r["product"] in ("GTX Pro", "GTXPro")
    )
    # Rows without an account are kept, on the placeholder account.
    assert Opportunity.objects.filter(account__name="Unknown account").count() == 1425
    # Every deal has its stage events at the historical dates.
    assert StageEvent.objects.filter(to_stage="won", opportunity__isnull=False).count() == 4238
    first = Opportunity.objects.get(external_id="1C1I7A6R")
    assert [(e.to_stage, e.at.date().isoformat()) for e in first.stage_events.order_by("at")] == [
        ("qualifying", "2016-10-20"),
        ("won", "2017-03-01"),
    ]
    # People, teams and the account tree came along.
    assert Account.objects.filter(parent__isnull=False).count() == 15
    assert Opportunity.objects.filter(owner__manager__full_name="Melvin Marxen").exists()
    # Importing the same files again changes nothing.
    events = StageEvent.objects.count()
    import_bundle(MAVEN, "maven_crm/bundle.json")
    assert Opportunity.objects.count() == 8800
    assert StageEvent.objects.count() == events


@pytest.mark.skipif(not OLIST.exists(), reason="Olist data set not present")
def test_olist_funnel_imports_leads_and_won_deals():
    import_bundle(OLIST, "olist/bundle.json")
    assert Lead.objects.count() == 8000
    assert Lead.objects.filter(state="won").count() == 842
    assert Opportunity.objects.filter(stage="won", leads__isnull=False).distinct().count() == 842
    assert LeadTouch.objects.filter(kind="landing_page").count() == 8000
    by_origin = dict(Lead.objects.values_list("origin").annotate(n=Count("id")))
    assert by_origin["organic_search"] == 2296
    assert by_origin[""] == 60
    lead = Lead.objects.get(external_id="5420aad7fec3549a85876ba1c529bd84")
    assert lead.owner.full_name == "SDR a8387c01"
    assert lead.opportunity.owner.full_name == "SR 4ef15afb"
    assert lead.opportunity.segment.name == "pet"
    states = list(
        StageEvent.objects.filter(object_type="lead", object_id=lead.pk)
        .order_by("at", "id")
        .values_list("to_stage", flat=True)
    )
    assert states == ["inquiry", "mql", "opportunity", "won"]


@pytest.mark.skipif(not (MAVEN.exists() and OLIST.exists()), reason="data sets not present")
@pytest.mark.parametrize(
    ("directory", "bundle"), [(MAVEN, "maven_crm/bundle.json"), (OLIST, "olist/bundle.json")]
)
def test_a_bundles_dry_run_reports_what_its_import_will_do(directory, bundle):
    """Each step's dry run sees what the steps before it would write: on an empty database
    the deals find their people, products and leads, as the real import will."""
    from hamsu.dataio.models import ImportJob, ImportStatus

    call_command("import", "bundle", str(directory), mapping=bundle, no_progress=True, issues=0)
    dry = list(ImportJob.objects.order_by("pk"))
    assert [job.status for job in dry] == [ImportStatus.CHECKED] * len(dry)
    assert [job.error_count for job in dry] == [0] * len(dry)
    assert Opportunity.objects.count() == 0  # the whole bundle was rolled back
    assert Lead.objects.count() == 0
    ImportJob.objects.all().delete()
    import_bundle(directory, bundle)
    real = list(ImportJob.objects.filter(status=ImportStatus.DONE).order_by("pk"))
    assert [(j.kind, j.created_count, j.error_count) for j in real] == [
        (j.kind, j.created_count, j.error_count) for j in dry
    ]
