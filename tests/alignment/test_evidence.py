"""Evidence beside perception: each provider measures from its source or says honestly
that it is not measured yet; disagreements between data and perception are named."""

import datetime
from unittest import mock

import pytest
from django.utils import timezone

from hamsu.alignment import evidence, sources
from hamsu.crm import services as crm
from hamsu.crm.models import Activity, ActivityParticipant
from hamsu.crm.stages import Stage
from hamsu.directory.models import Function, RoleTitle

pytestmark = pytest.mark.django_db


def test_every_indicator_answers_even_without_data():
    found = evidence.indicators()
    assert set(found) == {"s1", "s3", "s5", "s6", "s12", "s13", "s14", "s15", "s17", "s18", "s19"}
    for indicator in found.values():
        assert indicator.value  # a value or an honest "not measured yet"


def test_a_missing_source_app_says_not_measured_yet():
    with mock.patch.object(sources.apps, "is_installed", return_value=False):
        indicator = evidence.joint_events(timezone.now())
    assert not indicator.measured and str(indicator.value) == "not measured yet"


def test_a_source_of_unexpected_shape_does_not_break_the_page():
    def broken(now):
        raise evidence.FieldError("no such field")

    with (
        mock.patch.object(evidence, "PROVIDERS", [broken]),
        mock.patch.object(evidence, "_statement_of", return_value="s1"),
    ):
        found = evidence.indicators()
    assert not found["s1"].measured


def test_one_revenue_leader_over_both_heads(make_person):
    cro = make_person("Cyrus CRO", function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO)
    make_person("Sam Sales", title=RoleTitle.HEAD_OF_SALES, manager=cro)
    marketing = make_person(
        "Mina Marketing", function=Function.DOWNSTREAM_MARKETING, title=RoleTitle.HEAD_OF_MARKETING
    )
    indicator = evidence.revenue_leader(timezone.now())
    assert indicator.measured and indicator.level == "low"
    marketing.manager = cro
    marketing.save()
    indicator = evidence.revenue_leader(timezone.now())
    assert indicator.level == "high" and "Cyrus CRO" in indicator.value


def test_marketing_participation_in_key_account_activities(rep, marketer, make_opportunity):
    opportunity = make_opportunity(rep, amount="50000")
    crm.opportunity_move_stage(opportunity=opportunity, actor=None, to_stage=Stage.WON)
    for n in range(4):
        activity = Activity.objects.create(
            kind="meeting",
            subject=f"Visit {n}",
            owner=rep,
            opportunity=opportunity,
            account=opportunity.account,
        )
        if n == 0:
            ActivityParticipant.objects.create(
                activity=activity, person=marketer, function=Function.DOWNSTREAM_MARKETING
            )
    indicator = evidence.marketing_in_key_accounts(timezone.now())
    assert indicator.measured and indicator.ratio == pytest.approx(0.25) and indicator.level == "high"


def test_disagreement_between_data_and_perception_is_named():
    low = evidence.Indicator("s17", "x", True, "y", "low")
    assert low.disagreement(4.2) == "People rate this higher than the data supports."
    assert low.disagreement(2.0) is None
    high = evidence.Indicator("s17", "x", True, "y", "high")
    assert high.disagreement(1.8) == "The data looks better than people feel."
    assert evidence.Indicator("s1", "x", False).disagreement(5) is None


def test_forecast_accuracy_is_read_from_the_scorecard_when_it_exists():
    fake = mock.Mock(return_value={"measured": True, "headline": {"wape": 0.1}})
    with mock.patch("hamsu.scorecard.selectors.forecast_accuracy", fake, create=True):
        indicator = evidence.forecast_accuracy(timezone.now())
    assert indicator.measured and indicator.ratio == pytest.approx(0.9) and indicator.level == "high"
    fake = mock.Mock(return_value={"measured": False, "headline": None})
    with mock.patch("hamsu.scorecard.selectors.forecast_accuracy", fake, create=True):
        assert not evidence.forecast_accuracy(timezone.now()).measured


def test_people_moved_between_the_teams_are_counted_from_the_audit_log(make_person):
    from hamsu.core import audit

    person = make_person("Rotating Rita")
    audit.record(
        actor=None, action="update", instance=person, changes={"function": ["sales", "downstream_marketing"]}
    )
    indicator = evidence.people_moved(timezone.now() + datetime.timedelta(seconds=1))
    assert indicator.measured and "1" in indicator.value
