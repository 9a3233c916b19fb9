"""Evidence beside perception: each statement's indicator is built from records made here and
its value asserted; "not measured" only where the records genuinely cannot answer.

The readers live in the apps that hold the records (alignment over CRM, funnel and
directory; collaboration and the scorecard register theirs in ``hamsu.core.evidence``).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from hamsu.alignment import evidence
from hamsu.collaboration.models import (
    AccountPlan,
    AssignmentKind,
    Collateral,
    CollateralRating,
    CollateralUse,
    EventKind,
    FeedbackNote,
    JointAssignment,
    JointEvent,
    MarketingParticipation,
)
from hamsu.core import audit
from hamsu.core import evidence as registry
from hamsu.crm import services as crm
from hamsu.crm.models import Activity, ActivityParticipant, StageEvent
from hamsu.crm.stages import Stage
from hamsu.directory.models import Function, RoleTitle
from hamsu.funnel.models import (
    FunnelVersion,
    Handoff,
    HandoffStatus,
    Lead,
    LeadDefinition,
    LeadState,
    ScoringSpec,
)
from hamsu.scorecard import aggregates
from hamsu.scorecard import services as scorecard
from hamsu.scorecard.models import ForecastSnapshot
from hamsu.scorecard.periods import parse_period

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
MEASURED = {"s1", "s3", "s5", "s6", "s12", "s13", "s14", "s15", "s17", "s18", "s19"}


def read(statement: str, now: datetime.datetime | None = None) -> evidence.Indicator:
    return registry.indicator_readers()[statement](now or timezone.now())


@pytest.fixture
def won(rep, make_opportunity):
    """Won deals, each on its own account, closed ``days_ago``."""

    def make(*, amount="1000", days_ago=10, owner=None):
        opportunity = make_opportunity(owner or rep, amount=amount)
        return crm.opportunity_move_stage(
            opportunity=opportunity,
            actor=None,
            to_stage=Stage.WON,
            at=timezone.now() - datetime.timedelta(days=days_ago),
        )

    return make


def test_every_statement_the_records_speak_to_has_a_registered_reader():
    assert set(evidence.indicators()) == MEASURED


# ---------------------------------------------------------------- s1 forecast accuracy


def test_forecast_accuracy_is_one_minus_the_headline_wape_of_ended_periods(won, rep):
    q1 = parse_period("2025-Q1", "gregorian")
    deal = won(amount="10000", days_ago=(timezone.now().date() - datetime.date(2025, 2, 10)).days)
    assert deal.closed_at.date() == datetime.date(2025, 2, 10)
    aggregates.fill()
    ForecastSnapshot.objects.create(
        period_kind=q1.kind,
        calendar=q1.calendar,
        period_key=q1.key,
        period_start=q1.start,
        period_end=q1.end,
        taken_on=datetime.date(2025, 3, 1),
        method="weighted_learned",
        forecast=Decimal("8000"),
    )
    indicator = read("s1")
    assert indicator.ratio == pytest.approx(0.8)  # |8,000 − 10,000| / 10,000 = 0.2 off
    assert indicator.value == "forecasts were 80% accurate (weighted absolute error 20%)"


def test_forecast_accuracy_is_not_measured_before_a_forecast_period_ends():
    assert not read("s1").measured


# ---------------------------------------------------------------- s3 marketers in key-account work


def test_marketers_in_key_account_activities(rep, marketer, won):
    deal = won(amount="50000")
    for n in range(4):
        activity = Activity.objects.create(
            kind="meeting", subject=f"Visit {n}", owner=rep, opportunity=deal, account=deal.account
        )
        if n == 0:
            ActivityParticipant.objects.create(
                activity=activity, person=marketer, function=Function.DOWNSTREAM_MARKETING
            )
    indicator = read("s3")
    assert indicator.ratio == pytest.approx(0.25)
    assert indicator.value == "25% of 4 activities on the top 1 accounts included a marketer"


def test_key_account_work_is_not_measured_without_a_won_deal():
    assert not read("s3").measured


# ---------------------------------------------------------------- s5 collateral


def test_collateral_used_in_won_deals_and_rated_by_sellers(rep, marketer, won):
    deals = [won() for _ in range(4)]
    won(days_ago=400)  # won more than a year ago: not counted
    piece = Collateral.objects.create(title="Case study", kind="case_study")
    CollateralUse.objects.create(collateral=piece, opportunity=deals[0], attached_by=rep)
    CollateralRating.objects.create(collateral=piece, person=rep, stars=4)
    CollateralRating.objects.create(collateral=piece, person=marketer, stars=1)  # not a seller
    indicator = read("s5")
    assert indicator.ratio == pytest.approx(0.25)
    assert indicator.value == "used in 25% of 4 deals won in the last year; sellers rate it 4.0 of 5"


def test_collateral_is_not_measured_without_a_deal_won_in_the_last_year():
    assert not read("s5").measured


# ---------------------------------------------------------------- s6 feedback


def test_feedback_is_the_share_of_sellers_who_wrote_in_the_last_90_days(rep, other_rep, marketer):
    FeedbackNote.objects.create(author=rep, customer_need="x", created_at=timezone.now() - 10 * DAY)
    FeedbackNote.objects.create(author=rep, customer_need="y", created_at=timezone.now() - 20 * DAY)
    FeedbackNote.objects.create(author=other_rep, customer_need="z", created_at=timezone.now() - 100 * DAY)
    indicator = read("s6")
    assert indicator.ratio == pytest.approx(0.5)
    assert indicator.value == "50% of 2 sellers gave marketing feedback in the last 90 days"


def test_feedback_is_not_measured_without_sellers():
    assert not read("s6").measured


# ---------------------------------------------------------------- s12 shared metrics


def test_shared_metrics_count_company_targets_not_quotas(head_of_sales, rep):
    from hamsu.scorecard.metrics import catalogue

    this_quarter = f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}"
    scorecard.target_set(actor=head_of_sales.user, period=this_quarter, scope="company", amount="9000")
    scorecard.target_set(
        actor=head_of_sales.user, period=this_quarter, scope="seller", person=rep, amount="1"
    )
    shared = sum(1 for m in catalogue() if m.group == "shared")
    indicator = read("s12")
    assert indicator.value == f"{shared} shared metrics defined; 1 company-wide targets set in the last year"


# ---------------------------------------------------------------- s13 marketing on key accounts


def test_marketing_on_key_accounts_by_plan_participation_or_deal_role(rep, marketer, won):
    planned, worked, untouched = won(), won(), won()
    AccountPlan.objects.create(account=planned.account, sales_owner=rep, marketing_owner=marketer)
    plan = AccountPlan.objects.create(account=worked.account, sales_owner=rep)
    MarketingParticipation.objects.create(plan=plan, person=marketer, kind="planning")
    AccountPlan.objects.create(account=untouched.account, sales_owner=rep)
    indicator = read("s13")
    assert indicator.ratio == pytest.approx(2 / 3)
    assert indicator.value == (
        "marketing helps on 2 of the top 3 accounts (a plan owner, work on the plan in the last year "
        "or a role on a deal)"
    )


def test_key_account_roles_are_not_measured_without_a_won_deal():
    assert not read("s13").measured


# ---------------------------------------------------------------- s14 one funnel


def test_the_default_funnel_counts_as_the_shared_funnel_in_force():
    """Defect 7: it said "no shared funnel has been defined" while the default was in use."""
    indicator = read("s14")
    assert indicator.value == (
        "the built-in default funnel is in force; in the last 6 months 0 leads reached MQL and sales "
        "answered 0 handoffs"
    )


def test_both_teams_working_the_funnel_supports_the_statement(rep):
    lead = Lead.objects.create(email="a@example.com", state=LeadState.SAL, owner=rep)
    StageEvent.objects.create(
        object_type="lead", object_id=lead.pk, from_stage="inquiry", to_stage="mql", at=timezone.now() - DAY
    )
    Handoff.objects.create(
        lead=lead,
        status=HandoffStatus.ACCEPTED,
        opened_at=timezone.now() - DAY,
        due_at=timezone.now(),
        closed_at=timezone.now() - DAY / 2,
    )
    version = FunnelVersion.objects.create(number=2)
    for position, owner in enumerate(("marketing", "sales")):
        version.stages.create(
            funnel="buying", position=position, code=owner, name=owner, owner_function=owner
        )
    indicator = read("s14")
    assert indicator.level == "high"
    assert indicator.value == (
        "funnel version 2 is in force; in the last 6 months 1 leads reached MQL and sales answered 1 handoffs"
    )


# ---------------------------------------------------------------- s15 funnel work by marketing


def test_funnel_work_by_marketing_is_its_share_of_definition_scoring_and_funnel_changes(
    make_person, marketer, head_of_sales
):
    LeadDefinition.objects.create(kind="mql", number=1, rules={}, proposed_by=marketer.user)
    ScoringSpec.objects.create(number=1, spec={}, created_by=marketer.user)
    FunnelVersion.objects.create(number=1, created_by=head_of_sales.user)
    old = FunnelVersion.objects.create(number=2, created_by=marketer.user)
    FunnelVersion.objects.filter(pk=old.pk).update(created_at=timezone.now() - 200 * DAY)
    indicator = read("s15")
    assert indicator.ratio == pytest.approx(2 / 3)
    assert indicator.value == (
        "marketers made 2 of the 3 changes to the funnel, the lead definitions and the scoring in the last 6 months"
    )


def test_no_funnel_work_at_all_says_so():
    indicator = read("s15")
    assert indicator.level == "low"


# ---------------------------------------------------------------- s17 one revenue leader


def test_one_revenue_leader_over_both_heads(make_person):
    cro = make_person("Cyrus CRO", function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO)
    make_person("Sam Sales", title=RoleTitle.HEAD_OF_SALES, manager=cro)
    marketing = make_person(
        "Mina Marketing", function=Function.DOWNSTREAM_MARKETING, title=RoleTitle.HEAD_OF_MARKETING
    )
    assert read("s17").value == "the heads of sales and marketing report to different people"
    marketing.manager = cro
    marketing.save()
    assert read("s17").value == "both heads report to Cyrus CRO"


def test_the_revenue_leader_is_not_measured_without_both_heads(make_person):
    make_person("Sam Sales", title=RoleTitle.HEAD_OF_SALES)
    assert not read("s17").measured


# ---------------------------------------------------------------- s18 people moved


def test_people_moved_are_rotations_and_function_changes_of_the_last_year(make_person, rep):
    person = make_person("Rotating Rita")
    audit.record(
        actor=None, action="update", instance=person, changes={"function": ["sales", "upstream_marketing"]}
    )
    audit.record(actor=None, action="update", instance=person, changes={"phone": ["1", "2"]})
    JointAssignment.objects.create(
        person=rep,
        kind=AssignmentKind.ROTATION,
        description="A month in marketing",
        starts_on=timezone.localdate(),
    )
    JointAssignment.objects.create(
        person=rep, kind=AssignmentKind.JOINT, description="Shared task", starts_on=timezone.localdate()
    )
    assert read("s18", timezone.now() + DAY).value == "2 moves or rotations in the last year"


# ---------------------------------------------------------------- s19 joint events


def test_joint_events_of_the_last_year(rep):
    for days_ago in (10, 100, 400):
        start = timezone.now() - days_ago * DAY
        JointEvent.objects.create(
            title=f"Event {days_ago}", kind=EventKind.TRAINING, starts_at=start, ends_at=start, organiser=rep
        )
    indicator = read("s19")
    assert indicator.value == "2 joint trainings or events in the last year"


# ---------------------------------------------------------------- perception against data


def test_disagreement_between_data_and_perception_is_named():
    low = evidence.Indicator("s17", "x", True, "y", "low")
    assert evidence.disagreement(low, 4.2) == "People rate this higher than the data supports."
    assert evidence.disagreement(low, 2.0) is None
    high = evidence.Indicator("s17", "x", True, "y", "high")
    assert evidence.disagreement(high, 1.8) == "The data looks better than people feel."
    assert evidence.disagreement(evidence.Indicator("s1", "x", False), 5) is None


def test_the_results_page_shows_the_evidence_of_every_measured_statement(
    leader_client, make_round, add_responses
):
    round_ = make_round(min_group_size=2)
    add_responses(round_, {"sales": [3, 3], "marketing": [4, 4]})
    page = leader_client.get(f"/alignment/rounds/{round_.pk}/").content.decode()
    for key in MEASURED:
        assert f'data-testid="indicator-{key}"' in page
