"""Do we need more alignment? And the next moves from today's relationship to the target,
each with its live status, adopted as action items with owners."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from hamsu.alignment import advisor, moves, services
from hamsu.alignment.models import ActionItem
from hamsu.analytics.diagnostic import Relationship
from hamsu.collaboration.models import Meeting
from hamsu.core import roles
from hamsu.core.errors import ValidationFailed
from hamsu.directory.models import Function, RoleTitle
from hamsu.funnel.models import EngagementRule
from hamsu.scorecard import services as scorecard

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
    assert advice.target == Relationship.DEFINED
    assert "small_informal" in advice.reason_codes


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
    assert a.recommended == "Integrated"
    assert "long_cycle" in a.reasons


def test_a_bad_assessment_gets_field_errors(leader):
    with pytest.raises(ValidationFailed) as error:
        services.assessment_create(actor=leader.user, **vars(answers(pace="glacial")))
    assert "pace" in error.value.errors


def test_moves_from_defined_to_integrated_skip_the_first_step():
    found = moves.moves_between(Relationship.DEFINED, Relationship.INTEGRATED)
    keys = [m.move.key for m in found]
    assert "rules" not in keys
    assert "meetings" in keys
    assert "cro" in keys
    assert all(m.status.text for m in found)


def test_no_moves_when_already_at_target():
    assert moves.moves_between(Relationship.ALIGNED, Relationship.ALIGNED) == []


def status(key: str) -> str:
    return moves.MOVES_BY_KEY[key].read_status(timezone.now()).text


def test_every_move_hamsu_can_track_has_a_status_reader():
    untracked = [m.key for m in moves.MOVES if status(m.key) == "not set up yet"]
    assert untracked == []


def test_meetings_status_says_when_the_last_one_was_held():
    Meeting.objects.create(
        title="Monthly", starts_at=timezone.now() - datetime.timedelta(days=94), status="held"
    )
    Meeting.objects.create(title="Planned", starts_at=timezone.now() - datetime.timedelta(days=3))
    assert status("meetings") == "last held 94 days ago"


def test_rules_of_engagement_status_counts_the_rules_in_force():
    EngagementRule.objects.create(name="Big deal", subject="opportunity")
    EngagementRule.objects.create(name="Old", subject="lead", is_active=False)
    assert status("rules") == "1 rules of engagement in force"


def test_shared_revenue_targets_count_the_number_not_sellers_quotas(head_of_sales, rep, other_rep):
    """Defect 7: "312 shared revenue targets" counted every seller's quota."""
    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    scorecard.target_set(actor=head_of_sales.user, period=quarter, scope="company", amount="9000")
    for seller in (rep, other_rep):
        scorecard.target_set(
            actor=head_of_sales.user, period=quarter, scope="seller", person=seller, amount="1"
        )
    assert status("targets") == "the number is set for 1 periods of the last year or later; one covers today"


def test_the_rules_of_engagement_move_links_to_the_rules():
    """Defect 8: the move linked nowhere (its URL names did not exist)."""
    assert moves.MOVES_BY_KEY["rules"].url_for(None) == "/funnel/rules/engagement/"


def test_the_big_deal_move_links_the_cro_to_the_biggest_open_deals(leader):
    """Defect 8: it linked everyone to the settings page, which answers 403 to the CRO."""
    assert moves.MOVES_BY_KEY["big_deals"].url_for(leader.user) == "/crm/opportunities/?open=1&sort=-amount"


def test_the_big_deal_move_links_the_administrator_to_the_threshold(make_person):
    admin = make_person("Ada Admin", role=roles.ADMINISTRATOR, title=RoleTitle.ADMINISTRATOR)
    assert moves.MOVES_BY_KEY["big_deals"].url_for(admin.user) == "/settings/"


def test_a_move_shows_no_link_to_whom_may_not_open_its_page(rep):
    assert moves.MOVES_BY_KEY["liaison"].url_for(rep.user) == "/together/liaisons/"
    assert moves.MOVES_BY_KEY["targets"].url_for(SimpleNamespace(has_perm=lambda perm: False)) is None


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
    assert item.title == "Regular joint meetings"
    assert item.owner == marketer
    services.action_item_update(item=item, actor=leader.user, status=ActionItem.Status.DONE)
    item.refresh_from_db()
    assert item.status == "done"


def test_an_action_item_needs_an_owner_and_a_known_move(leader):
    with pytest.raises(ValidationFailed) as error:
        services.action_item_create(actor=leader.user, move="teleport", title="x", owner=None)
    assert set(error.value.errors) == {"move", "owner"}
    assert ActionItem.objects.count() == 0


@pytest.mark.parametrize("role", sorted(roles.ROLE_LABELS))
def test_every_move_link_opens_for_the_role_it_is_shown_to(role, make_person, client):
    """Defect 8: a move's link must answer 200 to whoever sees it on the next-moves page."""
    person = make_person(f"Someone {role}", role=role)
    client.force_login(person.user)
    shown = {m.key: m.url_for(person.user) for m in moves.MOVES}
    answers = {key: client.get(url).status_code for key, url in shown.items() if url}
    assert answers == dict.fromkeys(answers, 200)
