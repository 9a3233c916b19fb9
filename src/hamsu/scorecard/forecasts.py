"""Adapter from the company's records to the pure forecasting library.

``hamsu.analytics.forecasting`` works on Polars frames; this module builds them from the
stage-event log (opportunities only) and deal values, then runs, for one period as seen
on one day: the CRM-default weighted pipeline, the learned (age-aware) weighted pipeline,
and the Monte Carlo simulation (P10/P50/P90). Everything "as of" a day uses only events
up to that day, so back-filled snapshots are honest about what was known then.
Forecasts are of revenue *won in the period*, including what was already won in it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import polars as pl

from hamsu.analytics import forecasting as fc
from hamsu.crm.models import Opportunity
from hamsu.crm.stages import DEFAULT_PROBABILITY, OPEN_STAGES
from hamsu.funnel.models import StageEvent
from hamsu.scorecard.periods import Period

ENTRY_STAGE = OPEN_STAGES[0].value
ARRIVAL_LOOKBACK_DAYS = 90
DEFAULT_PROBS = {stage.value: DEFAULT_PROBABILITY[stage] / 100 for stage in OPEN_STAGES}


@dataclass
class History:
    """All opportunity stage events (dates) and each deal's value, product and creation day."""

    events: pl.DataFrame  # object_id, from_stage, to_stage, at (date)
    deals: pl.DataFrame  # object_id, value, product_id


def load_history() -> History:
    rows = StageEvent.objects.filter(object_type="opportunity").values_list(
        "object_id", "from_stage", "to_stage", "at"
    )
    ids, froms, tos, ats = [], [], [], []
    for object_id, from_stage, to_stage, at in rows.order_by("id").iterator(chunk_size=20_000):
        ids.append(object_id)
        froms.append(from_stage)
        tos.append(to_stage)
        ats.append(at.date())
    events = pl.DataFrame(
        {"object_id": ids, "from_stage": froms, "to_stage": tos, "at": ats},
        schema={"object_id": pl.Int64, "from_stage": pl.String, "to_stage": pl.String, "at": pl.Date},
    )
    deal_rows = list(
        Opportunity.objects.values_list("id", "amount_base", "product_id").iterator(chunk_size=20_000)
    )
    deals = pl.DataFrame(
        {
            "object_id": [r[0] for r in deal_rows],
            "value": [float(r[1]) for r in deal_rows],
            "product_id": [r[2] for r in deal_rows],
        },
        schema={"object_id": pl.Int64, "value": pl.Float64, "product_id": pl.Int64},
    )
    return History(events=events, deals=deals)


@dataclass
class PeriodForecast:
    won_to_date: float
    open_pipeline: float
    weighted_default: float
    weighted_learned: float
    mc_p10: float | None
    mc_p50: float | None
    mc_p90: float | None


def won_between(
    history: History, start: datetime.date, end: datetime.date, *, product_id: int | None = None
) -> float:
    won = history.events.filter(
        (pl.col("to_stage") == fc.WON) & (pl.col("at") >= start) & (pl.col("at") <= end)
    ).join(history.deals, on="object_id", how="inner")
    if product_id is not None:
        won = won.filter(pl.col("product_id") == product_id)
    return float(won["value"].sum()) if won.height else 0.0


def forecast_period(
    history: History,
    period: Period,
    as_of: datetime.date,
    *,
    n_draws: int = 2000,
    seed: int = 0,
    product_id: int | None = None,
    monte_carlo: bool = True,
) -> PeriodForecast:
    """All statistical forecasts of the period's won revenue, as known at the end of ``as_of``."""
    events = history.events.filter(pl.col("at") <= as_of)
    won_to_date = won_between(history, period.start, min(as_of, period.end), product_id=product_id)
    if as_of >= period.end:
        return PeriodForecast(
            won_to_date, 0.0, won_to_date, won_to_date, won_to_date, won_to_date, won_to_date
        )
    start = max(period.start, as_of + datetime.timedelta(days=1))
    open_deals = fc.open_deals_as_of(events, as_of).join(history.deals, on="object_id", how="inner")
    if product_id is not None:
        open_deals = open_deals.filter(pl.col("product_id") == product_id)
    open_value = float(open_deals["value"].sum()) if open_deals.height else 0.0

    outcome_spells = fc.outcome_spells_as_of(events, as_of)
    outcome_tables = fc.fit_outcome_tables(outcome_spells) if outcome_spells.height else {}
    # CRM default: stage probability × value for deals expected to close in the period,
    # each dated by the typical time from entering its stage to a win.
    cycle = _median_days_to_win(outcome_spells)
    if open_deals.height:
        closes = fc.nominal_close_dates(open_deals, start_col="entered_at", cycle_days=cycle, as_of=as_of)
        weighted_default = fc.fixed_weighted_forecast(
            open_deals, DEFAULT_PROBS, expected_close=closes, period_start=start, period_end=period.end
        )
        learned = fc.learned_weighted_forecast(
            open_deals, outcome_tables, period_start=start, period_end=period.end, fallback=DEFAULT_PROBS
        )
    else:
        weighted_default = learned = 0.0

    # Deals that do not exist yet: recent arrival rate into the first stage.
    created = events.filter(pl.col("from_stage") == "").join(history.deals, on="object_id", how="inner")
    if product_id is not None:
        created = created.filter(pl.col("product_id") == product_id)
    rate, mean_value, pool = fc.arrival_rate(
        created["at"], created["value"], as_of=as_of, lookback_days=ARRIVAL_LOOKBACK_DAYS
    )
    entry_table = outcome_tables.get(ENTRY_STAGE)
    if entry_table is not None:
        learned += fc.expected_new_pipeline(
            rate_per_day=rate,
            mean_value=mean_value,
            table=entry_table,
            as_of=as_of,
            period_start=start,
            period_end=period.end,
        )

    p10 = p50 = p90 = None
    if monte_carlo:
        stage_tables = fc.fit_stage_tables(fc.stage_spells_as_of(events, as_of))
        window = fc.Window(lo=(start - as_of).days, hi=(period.end - as_of).days)
        arrivals = fc.Arrivals(
            rate_per_day=rate, stage=ENTRY_STAGE, values=np.asarray(pool, dtype=np.float64)
        )
        sim = fc.simulate_won_value(
            open_deals["stage"].to_numpy() if open_deals.height else np.array([], dtype=object),
            open_deals["age_days"].to_numpy() if open_deals.height else np.array([], dtype=np.int64),
            open_deals["value"].to_numpy() if open_deals.height else np.array([], dtype=np.float64),
            stage_tables,
            [window],
            n_draws=n_draws,
            seed=seed,
            arrivals=arrivals if pool.size else None,
        )
        q = sim.quantiles((0.1, 0.5, 0.9))[:, 0]
        p10, p50, p90 = (won_to_date + float(v) for v in q)
    return PeriodForecast(
        won_to_date=won_to_date,
        open_pipeline=open_value,
        weighted_default=won_to_date + weighted_default,
        weighted_learned=won_to_date + learned,
        mc_p10=p10,
        mc_p50=p50,
        mc_p90=p90,
    )


def _median_days_to_win(outcome_spells: pl.DataFrame) -> int:
    """Median days from entering the first stage to a win, as measured (30 with no history)."""
    if not outcome_spells.height:
        return 30
    won = outcome_spells.filter((pl.col("stage") == ENTRY_STAGE) & (pl.col("outcome") == fc.WON))
    return int(won["days"].median()) if won.height else 30


def learned_stage_probabilities(history: History, as_of: datetime.date) -> dict[str, float]:
    """P(eventually won | reached the stage), learned from outcomes known on ``as_of``,
    shrunk toward the CRM defaults while history is thin (prior strength 20 deals)."""
    spells = fc.outcome_spells_as_of(history.events.filter(pl.col("at") <= as_of), as_of)
    if not spells.height:
        return {}
    rates = fc.stage_win_rates(spells, prior=DEFAULT_PROBS, prior_strength=20.0)
    return {
        row["stage"]: row["probability"]
        for row in rates.iter_rows(named=True)
        if row["probability"] is not None
    }
