"""The CRO's day on the home page, reconciled with the raw rows (issue 16, item 1).

The figures are the scorecard's and the diagnostic's own (``scorecard.target``,
``scorecard.call_commit``, ``scorecard.forecast_range``, ``alignment.total``); here they are
recomputed from the target, call, snapshot and response rows as their glossary entries
say, for random values, and compared with what the home page shows."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.alignment.models import Response, Round
from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.core import roles
from hamsu.directory.models import Function, RoleTitle, Team
from hamsu.scorecard.models import ForecastCall, ForecastSnapshot, Target
from hamsu.scorecard.selectors import current_period

SETTINGS = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
amounts = st.integers(min_value=0, max_value=900_000)


@pytest.fixture
def company(make_person):
    team = Team.objects.create(name="East", function=Function.SALES)
    sellers = [make_person(f"Seller {n}", team=team) for n in range(3)]
    cro = make_person(
        "Cyrus Chief", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    return {"sellers": sellers, "cro": cro}


def _period_fields() -> dict:
    period = current_period()
    return {
        "period_kind": period.kind,
        "calendar": period.calendar,
        "period_key": period.key,
        "period_start": period.start,
        "period_end": period.end,
    }


def amount_shown(html: str, key: str) -> int | None:
    found = re.search(rf'data-figure="{re.escape(key)}"[^>]*>\s*([\d,]+) USD', html)
    return None if found is None else int(found.group(1).replace(",", ""))


@pytest.mark.django_db
@SETTINGS
@given(
    target=st.one_of(st.none(), amounts),
    calls=st.lists(st.tuples(amounts, st.one_of(st.none(), amounts)), max_size=3),
    ratings=st.lists(st.integers(min_value=1, max_value=5), min_size=3, max_size=6),
    spread=st.tuples(amounts, amounts, amounts),
)
def test_the_cros_day_shows_what_the_rows_say(target, calls, ratings, spread, company, client):
    with transaction.atomic():
        if target is not None:
            Target.objects.create(scope="company", amount=Decimal(target), **_period_fields())
        for seller, (commit, override) in zip(company["sellers"], calls, strict=False):
            ForecastCall.objects.create(
                person=seller,
                team=seller.team,
                commit=Decimal(commit),
                best_case=Decimal(commit),
                override_commit=None if override is None else Decimal(override),
                **_period_fields(),
            )
        p10, p50, p90 = sorted(spread)
        for method, value in (("weighted_learned", p50), ("monte_carlo", p50)):
            ForecastSnapshot.objects.create(
                taken_on=timezone.localdate(),
                method=method,
                forecast=Decimal(value),
                p10=Decimal(p10),
                p90=Decimal(p90),
                **_period_fields(),
            )
        round_ = Round.objects.create(
            name="Round",
            opens_at=timezone.now() - datetime.timedelta(days=9),
            closes_at=timezone.now() - datetime.timedelta(days=1),
            status=Round.Status.CLOSED,
            anonymous=False,
            min_group_size=3,
        )
        Response.objects.bulk_create(
            [Response(round=round_, function="sales", **dict.fromkeys(KEYS, rating)) for rating in ratings]
        )
        client.force_login(company["cro"].user)
        html = client.get("/").content.decode()

        targets = [t["amount"] for t in Target.objects.values("scope", "period_key", "amount")]
        assert amount_shown(html, "scorecard.target") == (int(targets[0]) if targets else None)
        rows = ForecastCall.objects.values("commit", "override_commit")
        commit = sum(
            (r["override_commit"] if r["override_commit"] is not None else r["commit"]) for r in rows
        )
        assert amount_shown(html, "scorecard.call_commit") == (int(commit) if rows else None)
        range_text = html.split('data-testid="forecast-range"')[1].split("(P10")[0]
        assert [int(n.replace(",", "")) for n in re.findall(r"[\d,]+\d|\d", range_text)] == [p10, p90]
        answers = list(Response.objects.values_list(*KEYS))
        total = sum(sum(a) for a in answers) / len(answers)
        assert html.split('data-figure="alignment.total">')[1].split("<")[0] == f"{total:.1f}"
        transaction.set_rollback(True)
