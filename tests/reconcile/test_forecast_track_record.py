"""The forecast track record (glossary section forecast_methods), recomputed from the raw rows.

On small random companies (won deals and weekly snapshots of two quarters), the track
record the API shows — per kind of forecast and method: forecasts scored, WAPE, bias,
whether it was compared and which one is shown — must equal a plain computation over
``.values()`` of the snapshots, the stage events and the opportunities.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.crm import services as crm
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.scorecard import forecast_selection
from hamsu.scorecard.models import ForecastSnapshot
from hamsu.scorecard.periods import parse_period
from tests.scorecard.conftest import aware, frozen

Q1 = parse_period("2026-Q1", "gregorian")
Q2 = parse_period("2026-Q2", "gregorian")
SUNDAYS = [datetime.date(2026, 1, 4) + datetime.timedelta(weeks=w) for w in range(26)]  # 4 Jan – 28 Jun
METHODS = ["run_rate", "seasonal_naive", "weighted_learned", "monte_carlo"]
TODAY = datetime.date(2026, 7, 15)  # both quarters have ended
ORDER = forecast_selection.CANDIDATES
MIN_N = forecast_selection.MIN_FORECASTS


class _Rollback(Exception):
    pass


deals = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=180), st.integers(min_value=1, max_value=50).map(lambda k: k * 100)
    ),
    min_size=1,
    max_size=6,
)
snapshot_rows = st.lists(
    st.tuples(
        st.sampled_from(SUNDAYS),
        st.booleans(),  # taken in Q1: forecast Q2 (next quarter) instead of Q1
        st.dictionaries(
            st.sampled_from(METHODS), st.integers(min_value=0, max_value=200).map(lambda k: k * 50)
        ),
    ),
    min_size=1,
    max_size=14,
)


def common(by_method: dict[str, dict], methods: list[str]) -> set:
    """The (snapshot, period) pairs every one of ``methods`` forecast."""
    keys = set(by_method[methods[0]])
    for m in methods[1:]:
        keys &= set(by_method[m])
    return keys


def plain_records() -> dict[tuple[str, str], tuple]:
    """(target, method) -> (n, wape, bias, compared, selected), from the raw rows."""
    amount = dict(Opportunity.objects.values_list("id", "amount_base"))
    won = [
        (at.date(), float(amount[object_id]))
        for object_id, at in StageEvent.objects.filter(object_type="opportunity", to_stage="won").values_list(
            "object_id", "at"
        )
    ]
    snaps = [
        s
        for s in ForecastSnapshot.objects.filter(scope="company", period_kind="quarter").values()
        if s["period_end"] < TODAY and s["taken_on"] < s["period_end"] and s["method"] in ORDER
    ]
    ends = sorted({(s["period_end"], s["period_key"]) for s in snaps})[-forecast_selection.RECORD_QUARTERS :]
    keep = {key for _end, key in ends}
    rows: dict[str, dict[str, dict[tuple, tuple[float, float]]]] = {}
    for s in snaps:
        if s["period_key"] not in keep:
            continue
        target = "next_quarter" if s["taken_on"] < s["period_start"] else "current_rest"
        after = max(s["taken_on"], s["period_start"] - datetime.timedelta(days=1))
        actual = sum(v for day, v in won if after < day <= s["period_end"])
        forecast = float(s["forecast"]) - float(s["won_to_date"])
        rows.setdefault(target, {}).setdefault(s["method"], {})[(s["taken_on"], s["period_key"])] = (
            forecast,
            actual,
        )
    out = {}
    for target, by_method in rows.items():
        compared = [m for m in ORDER if m in by_method]
        scored = set().union(*(set(v) for v in by_method.values()))
        needed = max(MIN_N, math.ceil(0.5 * len(scored)))  # at least half of the record

        while compared and len(common(by_method, compared)) < needed:
            shortest = min(len(by_method[m]) for m in compared)
            compared.remove([m for m in compared if len(by_method[m]) == shortest][-1])
        keys = common(by_method, compared) if compared else set()
        best, best_wape = None, None
        for m in ORDER:
            if m not in by_method:
                continue
            pairs = [by_method[m][k] for k in (keys if m in compared else by_method[m])]
            total = sum(a for _f, a in pairs)
            wape = sum(abs(f - a) for f, a in pairs) / total if total else None
            bias = sum(f - a for f, a in pairs) / total if total else None
            out[(target, m)] = [len(pairs), wape, bias, m in compared, False]
            if m in compared and wape is not None and (best_wape is None or wape < best_wape):
                best, best_wape = m, wape
        if best is not None:
            out[(target, best)][4] = True
    return {k: tuple(v) for k, v in out.items()}


def shown_records(client) -> dict[tuple[str, str], tuple]:
    body = client.get("/api/v1/scorecard/forecast/track-record").json()
    return {
        (t["target"], r["method"]): (r["n"], r["wape"], r["bias"], r["compared"], r["selected"])
        for t in body["targets"]
        for r in t["records"]
    }


def rounded(records: dict) -> dict:
    return {k: tuple(round(x, 9) if isinstance(x, float) else x for x in v) for k, v in records.items()}


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(won=deals, snapshots=snapshot_rows)
def test_the_track_record_reconciles_with_the_raw_rows(
    won, snapshots, make_opportunity, rep, head_of_sales, client
):
    client.force_login(head_of_sales.user)
    try:
        with transaction.atomic():
            won_days = []
            for offset, amount in won:
                day = datetime.date(2026, 1, 1) + datetime.timedelta(days=offset)
                with frozen(aware(2026, 1, 1, 9)):
                    opp = make_opportunity(rep, amount=str(amount))
                crm.opportunity_move_stage(
                    opportunity=opp, to_stage="won", actor=None, at=aware(day.year, day.month, day.day)
                )
                won_days.append((day, amount))
            for taken_on, ahead, by_method in snapshots:
                period = Q2 if (ahead or taken_on > Q1.end) else Q1
                won_to_date = sum(a for d, a in won_days if period.start <= d <= taken_on)
                for method, rest in by_method.items():
                    ForecastSnapshot.objects.update_or_create(
                        taken_on=taken_on,
                        calendar=period.calendar,
                        period_key=period.key,
                        scope="company",
                        method=method,
                        defaults={
                            "period_kind": period.kind,
                            "period_start": period.start,
                            "period_end": period.end,
                            "forecast": Decimal(won_to_date + rest),
                            "won_to_date": Decimal(won_to_date),
                        },
                    )
            forecast_selection.track_record_refresh(today=TODAY)
            assert rounded(shown_records(client)) == rounded(plain_records())
            raise _Rollback
    except _Rollback:
        pass
