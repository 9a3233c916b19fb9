"""The funnel page's figures (issue 13, defect 1): conversions stay in [0, 1], a stage
converts only into the next step of its path, nobody is in a stage without having
reached it, and a stage skipped on the way counts as reached."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.crm.models import StageEvent
from hamsu.funnel.models import Lead, LeadQueue

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def lead_through(*path: str, created: datetime.datetime | None = None, team=None) -> Lead:
    """A lead that moved through ``path`` (one stage event per move, a day apart), as the
    lifecycle services, imports and the demo write them."""
    created = created or NOW - datetime.timedelta(days=30)
    lead = Lead.objects.create(
        email="",
        state=path[-1],
        queue=LeadQueue.MARKETING,
        created_at=created,
        state_changed_at=created,
        team=team,
    )
    previous = ""
    for i, stage in enumerate(path):
        StageEvent.objects.create(
            object_type="lead",
            object_id=lead.pk,
            from_stage=previous,
            to_stage=stage,
            at=created + datetime.timedelta(days=i),
        )
        previous = stage
    return lead


@pytest.fixture
def stages(client, rep):
    def get(**params):
        client.force_login(rep.user)
        body = client.get("/api/v1/funnel/stages", params).json()
        return {(s["funnel"], s["code"]): s for s in body["stages"]}

    return get


@pytest.fixture
def waterfall():
    """One won lead, leads recycled into nurture at the top and after MQL, one still an MQL."""
    lead_through("inquiry", "mql", "sal", "sql", "opportunity", "won")
    for _ in range(3):
        lead_through("inquiry", "nurture")
    for _ in range(2):
        lead_through("inquiry", "mql", "nurture")
    lead_through("inquiry", "mql")


def test_every_conversion_on_the_funnel_page_is_a_share(stages, waterfall):
    conversions = [s["conversion"] for s in stages().values() if s["conversion"] is not None]
    assert max(conversions) <= 1


def test_won_converts_into_nothing_the_recycled_leads_are_not_its_next_stage(stages, waterfall):
    assert stages()[("lifecycle", "won")]["conversion"] is None


def test_the_recycled_leads_convert_into_nothing(stages, waterfall):
    assert stages()[("lifecycle", "nurture")]["conversion"] is None


def test_each_lifecycle_stage_converts_into_the_next(stages, waterfall):
    lifecycle = stages()
    assert lifecycle[("lifecycle", "inquiry")]["conversion"] == 4 / 7


def test_brand_consideration_counts_inquiries_not_recycled_leads(stages, waterfall):
    figures = stages()
    assert figures[("buying", "consideration")]["reached"] == figures[("lifecycle", "inquiry")]["reached"]


def test_nobody_is_in_a_stage_now_without_having_reached_it(stages):
    lead_through(
        "inquiry", "mql", "sal", "sql", "opportunity", "won", created=NOW - datetime.timedelta(days=700)
    )
    lead_through("inquiry", "mql", "sal", "sql", "opportunity", "won")
    won = stages()[("lifecycle", "won")]
    assert won["count"] <= won["reached"]


def test_a_stage_skipped_on_the_way_counts_as_reached(stages):
    # As the Olist import writes them: MQL, then straight to a won deal.
    lead_through("inquiry", "mql", "opportunity", "won")
    assert stages()[("lifecycle", "sql")]["reached"] == 1


def test_a_lost_lead_reached_opportunity(stages):
    lead_through("inquiry", "mql", "sal", "sql", "opportunity", "lost")
    assert stages()[("lifecycle", "opportunity")]["reached"] == 1


def test_the_cohort_is_the_leads_created_in_the_period(stages):
    lead_through("inquiry", created=NOW - datetime.timedelta(days=700))
    lead_through("inquiry")
    assert stages(days=90)[("lifecycle", "inquiry")]["reached"] == 1


def test_all_time_counts_every_lead(stages):
    lead_through("inquiry", created=NOW - datetime.timedelta(days=700))
    lead_through("inquiry")
    assert stages(days="all")[("lifecycle", "inquiry")]["reached"] == 2


def test_a_team_filter_counts_the_team_s_leads(stages, teams):
    lead_through("inquiry", "mql", team=teams["enterprise"])
    lead_through("inquiry", team=teams["smb"])
    assert stages(team=teams["enterprise"].pk)[("lifecycle", "inquiry")]["reached"] == 1


def test_the_conversion_names_the_stage_it_goes_to(stages, waterfall):
    assert stages()[("lifecycle", "sql")]["converts_to"] == "Opportunity"


def test_a_bad_filter_is_a_field_error(client, rep):
    client.force_login(rep.user)
    response = client.get("/api/v1/funnel/stages", {"days": "soon"})
    assert response.status_code == 422


# ---------------------------------------------------------------- publishing a funnel


def _stage(code, tracks, funnel="lifecycle"):
    return {"funnel": funnel, "code": code, "name": code.title(), "owner_function": "sales", "tracks": tracks}


def _publish_errors(stages_):
    from hamsu.core.errors import ValidationFailed
    from hamsu.funnel.services.funnel import funnel_version_publish

    with pytest.raises(ValidationFailed) as refused:
        funnel_version_publish(stages=stages_, actor=None)
    return refused.value.errors


def test_a_funnel_whose_steps_go_up_the_lifecycle_is_refused():
    errors = _publish_errors([_stage("sql", ["lead:sql"]), _stage("mql", ["lead:mql"])])
    assert "stages[1].tracks" in errors


def test_a_stage_counting_an_unknown_state_is_refused():
    errors = _publish_errors([_stage("mql", ["lead:maybe"])])
    assert "stages[0].tracks" in errors


def test_a_stage_counting_leads_and_deals_together_is_refused():
    errors = _publish_errors([_stage("mixed", ["lead:sql", "opportunity:decision"])])
    assert "stages[0].tracks" in errors


def test_a_recycled_stage_after_the_last_step_is_accepted():
    from hamsu.funnel.services.funnel import funnel_version_publish

    version = funnel_version_publish(
        stages=[_stage("won", ["lead:won"]), _stage("nurture", ["lead:nurture"])], actor=None
    )
    assert version.stages.count() == 2


def test_a_published_funnel_with_the_old_mapping_still_converts_only_into_the_next_step(stages, waterfall):
    """Versions published before the fix map "Brand consideration" to recycled leads:
    the recycled stage is off the path, so awareness converts into preference."""
    from hamsu.funnel.models import FunnelStage, FunnelVersion

    version = FunnelVersion.objects.create(number=1)
    for position, (code, tracks) in enumerate(
        [("awareness", ["lead:inquiry"]), ("consideration", ["lead:nurture"]), ("preference", ["lead:mql"])]
    ):
        FunnelStage.objects.create(
            version=version, funnel="buying", position=position, code=code, name=code, owner_function="marketing",
            tracks=tracks,
        )  # fmt: skip
    assert stages()[("buying", "awareness")]["converts_to"] == "preference"
