"""The forecast's per-deal answers, recomputed in plain Python from the stage history: each
open deal's learned chance of being won inside the period, the expected wins each recent
arrival stands for, and the CRM-default weighting — and the figures built on them (the
expected value and the weighted pipeline at CRM probabilities) under every filter.

The glossary (``scorecard.forecast_expected``, ``scorecard.forecast_default``) defines them;
here they are worked out from ``.values()`` of the stage events with nothing but Python's
arithmetic, following the model the forecasting library documents:

- every entry of a deal into an open stage is a *spell*; it ends at the deal's first win or
  loss on or after the entry, or is still running (censored) on the snapshot day;
- per stage, the Aalen–Johansen estimate over those spells: on day t after entry,
  h_won(t) = spells won on day t ÷ spells still there at day t (likewise lost),
  S(t) = Π (1 − h_won − h_lost), CIF_won(t) = Σ S(t − 1) · h_won(t);
- an open deal in stage s for a days: P(won on a day in [lo, hi] | still open at a) =
  (CIF_won(hi) − CIF_won(max(lo, a + 1) − 1)) ÷ S(a), lo and hi the period's first day
  still to come and its last day counted from the deal's entry into s;
- each deal created in the 90 days to the snapshot stands for 1/90 of a day's arrivals,
  and an arrival on day t is won in the period with the CIF_won of the stage it was
  created in, between the period's bounds counted from t;
- CRM default: the stage's fixed probability for an open deal whose nominal close (entry
  into its stage + the median days to a win from the stage most deals are created in,
  30 with no win; never before the day after the snapshot) falls in the period; for an
  arrival, its creation stage's probability for each day t whose t + that median falls
  in the period.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.crm.models import Opportunity, StageEvent
from hamsu.crm.stages import DEFAULT_PROBABILITY, OPEN_STAGES
from hamsu.scorecard import aggregates, snapshots
from hamsu.scorecard.models import ForecastLine
from hamsu.scorecard.periods import GREGORIAN, parse_period
from tests.reconcile.scorecard_company import build, companies
from tests.reconcile.scorecard_reads import DIMS, filters, ids, local_day

OUTCOMES = ("won", "lost")
ENTRY = "prospecting"
LOOKBACK = 90
CRM_DEFAULT = {stage.value: DEFAULT_PROBABILITY[stage] / 100 for stage in OPEN_STAGES}
# (period, snapshot day): under way, not started, ended the day before, a month.
SNAPSHOTS = [
    ("2026-Q1", datetime.date(2026, 2, 15)),
    ("2026-Q2", datetime.date(2026, 2, 15)),
    ("2025-Q4", datetime.date(2026, 1, 4)),
    ("2026-Q2", datetime.date(2026, 5, 31)),
    ("2025-12", datetime.date(2025, 11, 9)),
]

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Table:
    """Cumulative incidence of a win and survival by whole days since entering a stage."""

    def __init__(self, spells: list[tuple[int, str | None]]):
        self.last = max(days for days, _ in spells)
        self.cif_won, self.survival = [], []
        alive, cif = 1.0, 0.0
        for t in range(self.last + 1):
            at_risk = sum(1 for days, _ in spells if days >= t)
            won = sum(1 for days, outcome in spells if days == t and outcome == "won")
            lost = sum(1 for days, outcome in spells if days == t and outcome == "lost")
            h_won = won / at_risk if at_risk else 0.0
            h_all = min((won + lost) / at_risk, 1.0) if at_risk else 0.0
            cif += alive * h_won
            alive *= 1.0 - h_all
            self.cif_won.append(cif)
            self.survival.append(max(0.0, min(1.0, alive)))

    def won_by(self, day: int) -> float:
        return 0.0 if day < 0 else self.cif_won[min(day, self.last)]

    def still_there(self, day: int) -> float:
        return 1.0 if day < 0 else self.survival[min(day, self.last)]

    def won_between(self, age: int, lo: int, hi: int) -> float:
        lo = max(lo, age + 1)
        alive = self.still_there(age)
        if alive <= 0 or hi < lo:
            return 0.0
        return min(1.0, max(0.0, (self.won_by(hi) - self.won_by(lo - 1)) / alive))


def expected_lines(period, as_of: datetime.date) -> dict:
    """Per deal id: kind, value, dimensions, learned probability and CRM default probability."""
    events = defaultdict(list)
    for e in (
        StageEvent.objects.filter(object_type="opportunity")
        .order_by("id")
        .values("object_id", "from_stage", "to_stage", "at")
    ):
        day = local_day(e["at"])
        if day <= as_of:
            events[e["object_id"]].append({**e, "day": day})
    deals = {
        d["id"]: d
        for d in Opportunity.objects.values(
            "id", "amount_base", "team_id", "segment_id", "product_id", "owner_id", "source"
        )
    }
    spells = defaultdict(list)  # stage -> [(days, outcome or None)]
    for history in events.values():
        history = sorted(history, key=lambda e: e["day"])  # stable: same-day events keep their order
        for e in history:
            if e["to_stage"] in OUTCOMES:
                continue
            ended = next((o for o in history if o["to_stage"] in OUTCOMES and o["day"] >= e["day"]), None)
            until = ended["day"] if ended else as_of
            spells[e["to_stage"]].append(((until - e["day"]).days, ended["to_stage"] if ended else None))
    tables = {stage: Table(rows) for stage, rows in spells.items()}
    first = max(period.start, as_of + datetime.timedelta(days=1))
    # Where deals are created: each deal's first event (an import may start them late).
    created_in = {
        deal_id: (e["day"], e["to_stage"])
        for deal_id, history in events.items()
        for e in history[:1]
        if e["from_stage"] == ""
    }
    # The typical time to a win, from the stage most deals are created in.
    counts = defaultdict(int)
    for _day, stage in created_in.values():
        counts[stage] += 1
    entry = min(counts, key=lambda stage: (-counts[stage], stage)) if counts else ENTRY
    to_win = [days for days, outcome in spells.get(entry, []) if outcome == "won"]
    cycle = int(statistics.median(to_win)) if to_win else 30
    lines = {}
    for deal_id, history in events.items():
        history = sorted(history, key=lambda e: e["day"])
        deal = deals[deal_id]
        if any(
            e["to_stage"] == "won" and period.start <= e["day"] <= min(as_of, period.end) for e in history
        ):
            lines[deal_id] = {**deal, "kind": "won", "p": 1.0, "default": 1.0}
            continue
        last = history[-1]
        if as_of >= period.end or last["to_stage"] in OUTCOMES:
            continue
        entered = last["day"]
        close = max(entered + datetime.timedelta(days=cycle), as_of + datetime.timedelta(days=1))
        lines[deal_id] = {
            **deal,
            "kind": "open",
            "p": tables[last["to_stage"]].won_between(
                (as_of - entered).days, (first - entered).days, (period.end - entered).days
            ),
            "default": CRM_DEFAULT[last["to_stage"]] if first <= close <= period.end else 0.0,
        }
    if as_of < period.end:
        days_left = (period.end - as_of).days
        lo, hi = (first - as_of).days, (period.end - as_of).days
        for deal_id, (day, stage) in created_in.items():
            if day <= as_of - datetime.timedelta(days=LOOKBACK):
                continue
            # An arrival on day t after the snapshot is won in the period with its entry
            # stage's CIF between the period's bounds counted from t; at the CRM default,
            # with the stage's probability if t + the typical time to a win is in it.
            table = tables.get(stage)
            per_arrival = (
                sum(
                    min(1.0, max(0.0, table.won_by(hi - t) - table.won_by(lo - t - 1)))
                    for t in range(1, days_left + 1)
                )
                if table
                else 0.0
            )
            default = CRM_DEFAULT.get(stage, 0.0) * sum(
                1 for t in range(1, days_left + 1) if lo <= t + cycle <= hi
            )
            if per_arrival > 0 or default > 0:
                lines[("new", deal_id)] = {
                    **deals[deal_id],
                    "kind": "new",
                    "p": per_arrival / LOOKBACK,
                    "default": default / LOOKBACK,
                }
    return lines


def _selected(line: dict, query: dict) -> bool:
    return all(query.get(n) is None or line[f"{n}_id"] == query[n] for n in DIMS) and (
        not query.get("source") or line["source"] == query["source"]
    )


@pytest.fixture
def forecast_api(client, head_of_sales):
    client.force_login(head_of_sales.user)

    def get(period_key: str, query: dict) -> dict:
        response = client.get("/api/v1/scorecard/forecast", {"period": period_key, **query})
        assert response.status_code == 200, response.content
        return response.json()["learned"]

    return get


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_deals=16), snapshot=st.sampled_from(SNAPSHOTS))
def test_every_deals_learned_chance_is_what_its_stage_history_says(company, snapshot, rep, other_rep):
    period_key, as_of = snapshot
    period = parse_period(period_key, GREGORIAN)
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        snapshots.snapshot_take(as_of=as_of, periods=[period], products=False)
        expected = expected_lines(period, as_of)
        stored = {
            (line["opportunity_id"] if line["kind"] != "new" else ("new", line["opportunity_id"])): line
            for line in ForecastLine.objects.filter(period_key=period.key, taken_on=as_of).values(
                "kind", "opportunity_id", "probability", "default_probability"
            )
        }
        assert set(stored) == set(expected)
        for key, line in stored.items():
            assert line["kind"] == expected[key]["kind"], key
            assert line["probability"] == pytest.approx(expected[key]["p"], abs=1e-9), key
            assert line["default_probability"] == pytest.approx(expected[key]["default"], abs=1e-12), key
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(
    company=companies(max_deals=16),
    snapshot=st.sampled_from(SNAPSHOTS),
    chosen=st.lists(filters, min_size=1, max_size=3),
)
def test_expected_value_and_crm_weighting_are_what_the_deals_say_under_every_filter(
    company, snapshot, chosen, forecast_api, rep, other_rep
):
    period_key, as_of = snapshot
    period = parse_period(period_key, GREGORIAN)
    with transaction.atomic():
        built = build(company, sellers=[rep, other_rep])
        aggregates.fill()
        snapshots.snapshot_take(as_of=as_of, periods=[period], products=False)
        lines = expected_lines(period, as_of)
        for picked in [{}, *chosen]:
            query = ids(built, picked)
            mine = [line for line in lines.values() if _selected(line, query)]
            won = sum(float(line["amount_base"]) for line in mine if line["kind"] == "won")
            shown = forecast_api(period_key, query)
            assert shown["expected"] == pytest.approx(
                sum(float(line["amount_base"]) * line["p"] for line in mine), abs=0.01
            ), picked
            assert shown["weighted_default"] == pytest.approx(
                won
                + sum(
                    float(line["amount_base"]) * line["default"] for line in mine if line["kind"] == "open"
                ),
                abs=0.01,
            ), picked
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(company=companies(max_deals=16), snapshot=st.sampled_from(SNAPSHOTS))
def test_chances_are_probabilities_and_the_crm_weighting_never_exceeds_the_pipeline(
    company, snapshot, forecast_api, rep, other_rep
):
    period_key, as_of = snapshot
    period = parse_period(period_key, GREGORIAN)
    with transaction.atomic():
        build(company, sellers=[rep, other_rep])
        snapshots.snapshot_take(as_of=as_of, periods=[period], products=False)
        for line in ForecastLine.objects.filter(period_key=period.key).values("kind", "probability"):
            assert 0 <= line["probability"] <= (math.inf if line["kind"] == "new" else 1), line
        shown = forecast_api(period_key, {})
        if shown is not None:
            assert shown["weighted_default"] <= shown["won_to_date"] + shown["open_pipeline"] + 0.01
        transaction.set_rollback(True)
