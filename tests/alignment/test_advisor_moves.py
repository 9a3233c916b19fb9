"""Do we need more alignment? And the next moves from today's relationship to the target,
each with its live status, adopted as action items with owners."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from hamsu.alignment import advisor, moves, services
from hamsu.alignment.models import ActionItem
from hamsu.analytics.diagnostic import Relationship
from hamsu.core.errors import ValidationFailed
from hamsu.directory.models import Function, RoleTitle

pytestmark = pytest.mark.django_db


def answers(**kw):
    base = {
        "company_size": "medium",
        "informal_relations_good": False,
        "marketing_role": "demand",
        "cycle_length": "medium",
        "complexity": "simple",
        "market": "commoditising",
        "pace": "moderate",
    }
    return SimpleNamespace(**{**base, **kw})


def test_a_small_firm_with_good_informal_relations_can_stay():
    advice = advisor.recommend(answers(company_size="small", informal_relations_good=True), current="Defined")
    assert advice.target == Relationship.DEFINED and "small_informal" in advice.reason_codes


def test_most_companies_do_well_at_aligned():
    advice = advisor.recommend(answers(cycle_length="short"), current="Undefined")
    assert advice.target == Relationship.ALIGNED
    assert advice.reason_codes[:2] == ["most_aligned", "short_simple"]


def test_complex_fast_changing_markets_justify_integrated():
    advice = advisor.recommend(
        answers(complexity="complex", market="customising", pace="fast", marketing_role="strategic")
    )
    assert advice.target == Relationship.INTEGRATED
    assert {"complex_market", "fast_change", "marketing_strategic", "no_current"} <= set(advice.reason_codes)
    assert all(advice.reasons)


def test_the_assessment_is_stored_with_its_recommendation(leader):
    a = services.assessment_create(
        actor=leader.user, current="Aligned", **vars(answers(complexity="complex", cycle_length="long"))
    )
    assert a.recommended == "Integrated" and "long_cycle" in a.reasons


def test_a_bad_assessment_gets_field_errors(leader):
    with pytest.raises(ValidationFailed) as error:
        services.assessment_create(actor=leader.user, **vars(answers(pace="glacial")))
    assert "pace" in error.value.errors


def test_moves_from_defined_to_integrated_skip_the_first_step():
    found = moves.moves_between(Relationship.DEFINED, Relationship.INTEGRATED)
    keys = [m.move.key for m in found]
    assert "rules" not in keys and "meetings" in keys and "cro" in keys
    assert all(m.status.text for m in found)


def test_no_moves_when_already_at_target():
    assert moves.moves_between(Relationship.ALIGNED, Relationship.ALIGNED) == []


def test_meetings_status_reads_the_collaboration_app_when_present():
    status = moves.meetings_status(timezone.now())
    assert status.text in ("not set up yet", "no meeting held yet") or "days ago" in status.text


def test_meetings_status_says_when_the_last_one_was_held():
    from hamsu.alignment import sources

    meeting = sources.optional_model("collaboration", "Meeting")
    if meeting is None:
        pytest.skip("collaboration meetings are not installed")
    meeting.objects.create(
        title="Monthly", starts_at=timezone.now() - datetime.timedelta(days=94), status="held"
    )
    assert moves.meetings_status(timezone.now()).text == "last held 94 days ago"


def test_split_status_reads_the_directory(make_person, teams):
    from hamsu.directory.models import Team

    assert not moves.split_status(timezone.now()).in_place
    upstream = Team.objects.create(name="Upstream", function=Function.UPSTREAM_MARKETING)
    make_person("U", function=Function.UPSTREAM_MARKETING, title=RoleTitle.BRAND_MANAGER, team=upstream)
    make_person(
        "D", function=Function.DOWNSTREAM_MARKETING, title=RoleTitle.CAMPAIGN_MANAGER, team=teams["marketing"]
    )
    assert moves.split_status(timezone.now()).in_place


def test_adopting_a_move_creates_an_action_item_with_an_owner(leader, marketer):
    item = services.action_item_create(actor=leader.user, move="meetings", title="", owner=marketer)
    assert item.title == "Regular joint meetings" and item.owner == marketer
    services.action_item_update(item=item, actor=leader.user, status=ActionItem.Status.DONE)
    item.refresh_from_db()
    assert item.status == "done"


def test_an_action_item_needs_an_owner_and_a_known_move(leader):
    with pytest.raises(ValidationFailed) as error:
        services.action_item_create(actor=leader.user, move="teleport", title="x", owner=None)
    assert set(error.value.errors) == {"move", "owner"}
    assert ActionItem.objects.count() == 0
