"""Every scorecard page in Persian shows no English UI text and no raw code.

A company with won, lost and open deals, leads through their stages, targets, costs, a
weekly forecast snapshot, a seller's call and a signed-off plan draft; every page of the
scorecard (filtered and not) is read in Persian and must show no word in Latin letters
but the acronyms Persian writes that way (MQL, P10 …) and the names the test stored.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from hamsu.crm.models import Account, Opportunity, Product, Segment, StageEvent
from hamsu.directory.models import Person, Team
from hamsu.funnel.models import Lead, LeadQueue
from hamsu.scorecard import aggregates, services, snapshots
from hamsu.scorecard.models import FunnelPlan
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.persian_text import latin_words
from tests.scorecard.conftest import aware

PERIOD = "2026-Q1"


def _leads():
    for n, path in enumerate(
        [["inquiry", "mql", "sal", "sql", "opportunity"], ["inquiry", "mql", "nurture"], ["inquiry"]]
    ):
        at = aware(2026, 1, 5 + n)
        lead = Lead.objects.create(
            last_name=f"Lead {n}",
            state=path[-1],
            queue=LeadQueue.MARKETING,
            created_at=at,
            state_changed_at=at,
        )
        previous = ""
        for step, state in enumerate(path):
            StageEvent.objects.create(
                object_type="lead",
                object_id=lead.pk,
                from_stage=previous,
                to_stage=state,
                at=at + datetime.timedelta(days=3 * step),
            )
            previous = state


def _stored_names() -> tuple[str, ...]:
    names = [
        *Team.objects.values_list("name", flat=True),
        *Person.objects.values_list("full_name", flat=True),
        *Product.objects.values_list("name", flat=True),
        *Segment.objects.values_list("name", flat=True),
        *Account.objects.values_list("name", flat=True),
        *Opportunity.objects.values_list("name", flat=True),
    ]
    return tuple(sorted(set(names), key=len, reverse=True))


@pytest.fixture
def company(history, head_of_sales, rep, catalogue):
    _leads()
    aggregates.fill()
    services.target_set(
        actor=head_of_sales.user, period=PERIOD, scope="company", amount=Decimal("20000"), via="test"
    )
    services.cost_entry_create(
        actor=head_of_sales.user,
        month=datetime.date(2026, 1, 1),
        function="marketing",
        category="market_entry",
        amount=Decimal("700"),
        currency="USD",
        segment=catalogue["segment"],
        via="test",
    )
    snapshots.snapshot_take(as_of=datetime.date(2026, 2, 15), periods=[parse_period(PERIOD, GREGORIAN)])
    services.call_submit(
        actor=rep.user, period=PERIOD, commit=Decimal("4000"), best_case=Decimal("6000"), via="test"
    )
    # The plan measures the twelve months before its period: those of this history.
    services.plan_create(
        actor=head_of_sales.user, period="2026-Q3", target_amount=Decimal("30000"), via="test"
    )
    return head_of_sales


def _pages(rep, team) -> list[str]:
    plan = FunnelPlan.objects.get()
    q = f"?period={PERIOD}"
    return [
        f"/scorecard/{q}",
        f"/scorecard/{q}&team={team.pk}",
        f"/scorecard/funnel/{q}",
        f"/scorecard/metrics/{q}",
        f"/scorecard/metrics/{q}&owner={rep.pk}",
        "/scorecard/metrics/catalogue/",
        f"/scorecard/forecast/{q}",
        f"/scorecard/forecast/{q}&team={team.pk}",
        f"/scorecard/targets/{q}",
        "/scorecard/plans/?period=2026-Q3",
        f"/scorecard/plans/{plan.pk}/",
        f"/scorecard/costs/{q}",
    ]


@pytest.mark.django_db
def test_every_scorecard_page_reads_in_persian(client, company, rep, teams):
    client.force_login(company.user)
    data = _stored_names()
    shown = {}
    for url in _pages(rep, teams["enterprise"]):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fa")
        assert response.status_code == 200, url
        shown[url] = latin_words(response.content.decode(), data=data)
    found = {url: words for url, words in shown.items() if words}
    assert found == {}
