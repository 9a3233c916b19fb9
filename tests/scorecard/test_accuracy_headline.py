"""Forecast accuracy's headline is the learned weighted forecast's, as its glossary entries
(``scorecard_metrics.forecast_accuracy``, ``evidence.s1``) say, and nothing else: when that
method has no snapshot of an ended period, the figure is "not measured" rather than the
accuracy of whichever other method happened to come first (issue 13)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.scorecard import accuracy, snapshots
from hamsu.scorecard.evidence import forecast_accuracy as statement_1
from hamsu.scorecard.models import ForecastMethod
from hamsu.scorecard.periods import GREGORIAN, parse_period

pytestmark = pytest.mark.django_db

ENDED = parse_period("2024-Q1", GREGORIAN)


@pytest.fixture
def won_100(monkeypatch):
    # What the quarter won, as the aggregates read it: 100 in its first month.
    monkeypatch.setattr(accuracy, "won_by_month", lambda months: {months[0]: 100.0})


def _snapshot(method: str, value: float) -> None:
    snapshots.snapshot_row(datetime.date(2024, 2, 4), ENDED, "company", method, value, None, None, 0, 0)


def test_without_learned_snapshots_the_headline_is_not_measured(won_100):
    _snapshot(ForecastMethod.WEIGHTED_DEFAULT, 60)
    assert accuracy.forecast_accuracy(today=timezone.localdate())["headline"] is None


def test_without_learned_snapshots_statement_1_is_not_measured(won_100):
    _snapshot(ForecastMethod.WEIGHTED_DEFAULT, 60)
    assert statement_1(timezone.now()).measured is False


def test_the_other_methods_are_still_scored(won_100):
    _snapshot(ForecastMethod.WEIGHTED_DEFAULT, 60)
    methods = accuracy.forecast_accuracy(today=timezone.localdate())["methods"]
    assert methods[ForecastMethod.WEIGHTED_DEFAULT]["wape"] == pytest.approx(0.4)


def test_with_learned_snapshots_statement_1_is_one_minus_their_wape(won_100):
    _snapshot(ForecastMethod.WEIGHTED_DEFAULT, 60)
    _snapshot(ForecastMethod.WEIGHTED_LEARNED, 90)
    assert statement_1(timezone.now()).ratio == pytest.approx(0.9)
