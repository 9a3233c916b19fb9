"""One definition of "a lead reached a stage" (issue 13, defect 5): the closed loop counted
SQLs from explicit SQL events only (0 for leads imported MQL → deal → won, as the Olist
bundle writes them) while the scorecard counted the skipped stages (SAL → SQL 1.0). Both
now count with ``hamsu.funnel.reach``, as the funnel page does."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.crm.models import StageEvent
from hamsu.funnel import reach
from hamsu.funnel.models import Lead, LeadQueue

pytestmark = pytest.mark.django_db

QUARTER = "2026-Q2"
SINCE = timezone.make_aware(datetime.datetime(2026, 4, 1))
UNTIL = timezone.make_aware(datetime.datetime(2026, 7, 1))


def _imported_lead(*path_and_days):
    """A lead with one stage event per (stage, day of May 2026), as the bundle import writes."""
    first_at = timezone.make_aware(datetime.datetime(2026, 5, path_and_days[0][1], 12))
    lead = Lead.objects.create(
        state=path_and_days[-1][0], queue=LeadQueue.HANDOFF, created_at=first_at, state_changed_at=first_at
    )
    previous = ""
    for stage, day in path_and_days:
        StageEvent.objects.create(
            object_type="lead",
            object_id=lead.pk,
            from_stage=previous,
            to_stage=stage,
            at=timezone.make_aware(datetime.datetime(2026, 5, day, 12)),
            via="import",
        )
        previous = stage
    return lead


@pytest.fixture
def olist_like():
    # Two MQLs whose deals were won (MQL → opportunity → won), one MQL still waiting.
    _imported_lead(("inquiry", 2), ("mql", 2), ("opportunity", 10), ("won", 20))
    _imported_lead(("inquiry", 3), ("mql", 3), ("opportunity", 11), ("won", 21))
    _imported_lead(("inquiry", 4), ("mql", 4))


def _closed_loop():
    from hamsu.campaigns.closed_loop import closed_loop

    return closed_loop(since=SINCE, until=UNTIL)


def _scorecard(code: str):
    from hamsu.scorecard import aggregates, metrics, selectors
    from hamsu.scorecard.periods import parse_period

    aggregates.fill()
    filters = selectors.Filters(period=parse_period(QUARTER, "gregorian"))
    return metrics.evaluate(filters, [code])[0]["value"]


def test_the_closed_loop_counts_leads_that_passed_sql_on_the_way(olist_like):
    assert _closed_loop().sqls == 2


def test_the_closed_loop_and_the_funnel_definition_count_the_same_sqls(olist_like):
    assert _closed_loop().sqls == reach.reached_between("sql", since=SINCE, until=UNTIL)


def test_the_closed_loop_and_the_scorecard_count_the_same_mqls(olist_like):
    assert _closed_loop().mqls == _scorecard("mqls")


def test_the_scorecard_s_sal_to_sql_agrees_with_the_closed_loop_s_sqls(olist_like):
    sqls = _closed_loop().sqls
    sals = reach.reached_between("sal", since=SINCE, until=UNTIL)
    assert _scorecard("sal_to_sql") == pytest.approx(sqls / sals)


def test_a_lead_reaches_a_stage_when_it_first_got_there_or_further():
    _imported_lead(("inquiry", 2), ("mql", 2), ("opportunity", 10))
    may_10 = timezone.make_aware(datetime.datetime(2026, 5, 10))
    assert reach.reached_between("sql", since=may_10, until=UNTIL) == 1


def test_a_lead_that_went_back_reached_the_stage_once():
    # Accepted, returned to nurture, an MQL again and accepted again: one SAL, not two.
    _imported_lead(("inquiry", 2), ("mql", 2), ("sal", 3), ("nurture", 4), ("mql", 5), ("sal", 6))
    assert reach.reached_between("sal", since=SINCE, until=UNTIL) == 1


def test_a_lost_lead_had_reached_opportunity():
    _imported_lead(("inquiry", 2), ("lost", 9))
    assert reach.reached_between("opportunity", since=SINCE, until=UNTIL) == 1
