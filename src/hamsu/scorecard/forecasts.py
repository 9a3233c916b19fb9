"""Adapter from the company's records to the pure forecasting library.

``hamsu.analytics.forecasting`` works on Polars frames; this module builds them from the
stage-event log (opportunities only) and deal values, then forecasts one period as seen
on one day. Everything "as of" a day uses only events up to that day, so back-filled
snapshots are honest about what was known then. Forecasts are of revenue *won in the
period*, including what was already won in it.

The learned forecast is one model with one answer per deal (``forecast_lines``): a deal
won in the period so far counts for its value, an open deal for its value times its
learned P(won inside the period | stage, days in stage), and the deals still to come
for the recent arrivals' values times their expected wins. Its expected value (the
"learned weighted" forecast) is the sum of the lines and its range (P10/P50/P90) the
quantiles of simulating the same lines (``figures``). Any filter — team, segment,
product, seller, source — selects lines, so a filtered forecast is the same model over
the filtered deals, and the expected values of the parts add up to the whole.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.utils import timezone

from hamsu.analytics import forecasting as fc
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.crm.stages import DEFAULT_PROBABILITY, OPEN_STAGES
from hamsu.scorecard.periods import Period

ENTRY_STAGE = OPEN_STAGES[0].value
ARRIVAL_LOOKBACK_DAYS = 90
DEFAULT_PROBS = {stage.value: DEFAULT_PROBABILITY[stage] / 100 for stage in OPEN_STAGES}
# Draws of every forecast range. Fixed (with the seed taken from the snapshot day) so the
# range of a filter that selects every deal is exactly the company's stored range.
RANGE_DRAWS = 1000
DIMENSIONS = ("team_id", "segment_id", "product_id", "owner_id", "source")
LINE_SCHEMA = {
    "kind": pl.String,
    "opportunity_id": pl.Int64,
    "team_id": pl.Int64,
    "segment_id": pl.Int64,
    "product_id": pl.Int64,
    "owner_id": pl.Int64,
    "source": pl.String,
    "value": pl.Float64,
    "probability": pl.Float64,
    "default_probability": pl.Float64,
}
WON_LINE, OPEN_LINE, NEW_LINE = "won", "open", "new"


@dataclass
class History:
    """All opportunity stage events (local dates) and each deal's value and dimensions."""

    events: pl.DataFrame  # object_id, from_stage, to_stage, at (date)
    deals: pl.DataFrame  # object_id, value, team_id, segment_id, product_id, owner_id, source


def load_history() -> History:
    rows = StageEvent.objects.filter(object_type="opportunity").values_list(
        "object_id", "from_stage", "to_stage", "at"
    )
    tz = timezone.get_current_timezone()
    ids, froms, tos, ats = [], [], [], []
    for object_id, from_stage, to_stage, at in rows.order_by("id").iterator(chunk_size=20_000):
        ids.append(object_id)
        froms.append(from_stage)
        tos.append(to_stage)
        # The company's local day, as the aggregate tables bucket events: a deal won late
        # on the last evening of a quarter is in that quarter on every page.
        ats.append(at.astimezone(tz).date())
    events = pl.DataFrame(
        {"object_id": ids, "from_stage": froms, "to_stage": tos, "at": ats},
        schema={"object_id": pl.Int64, "from_stage": pl.String, "to_stage": pl.String, "at": pl.Date},
    )
    fields = ("id", "amount_base", "team_id", "segment_id", "product_id", "owner_id", "source")
    deal_rows = list(Opportunity.objects.values_list(*fields).iterator(chunk_size=20_000))
    deals = pl.DataFrame(
        {
            "object_id": [r[0] for r in deal_rows],
            "value": [round(float(r[1]), 2) for r in deal_rows],
            **{name: [r[i + 2] or 0 for r in deal_rows] for i, name in enumerate(DIMENSIONS[:4])},
            "source": [r[6] or "" for r in deal_rows],
        },
        schema={
            "object_id": pl.Int64,
            "value": pl.Float64,
            **dict.fromkeys(DIMENSIONS[:4], pl.Int64),
            "source": pl.String,
        },
    )
    return History(events=events, deals=deals)


@dataclass
class Figures:
    """What the learned forecast says about a set of lines (one filter's deals)."""

    won_to_date: float
    open_pipeline: float
    open_expected: float  # Σ value × P(won in the period) over open deals
    new_expected: float  # expected won value of deals still to come
    weighted_default: float  # won so far + the CRM-default weighting of the open deals
    p10: float
    p50: float
    p90: float

    @property
    def expected(self) -> float:
        """The learned weighted forecast: the mean of the distribution P10–P90 summarise."""
        return self.won_to_date + self.open_expected + self.new_expected


def _empty_lines() -> pl.DataFrame:
    return pl.DataFrame(schema=LINE_SCHEMA)


def forecast_lines(history: History, period: Period, as_of: datetime.date) -> pl.DataFrame:
    """Every deal's part in the learned forecast of ``period`` known at the end of ``as_of``.

    Sorted by kind and deal id: the order :func:`figures` simulates them in.
    """
    events = history.events.filter(pl.col("at") <= as_of)
    deal_cols = ["object_id", "value", *DIMENSIONS]
    won = (
        events.filter(
            (pl.col("to_stage") == fc.WON)
            & (pl.col("at") >= period.start)
            & (pl.col("at") <= min(as_of, period.end))
        )
        .select("object_id")
        .unique()
        .join(history.deals.select(deal_cols), on="object_id", how="inner")
        .with_columns(kind=pl.lit(WON_LINE), probability=pl.lit(1.0), default_probability=pl.lit(1.0))
    )
    parts = [won]
    if as_of < period.end:
        start = max(period.start, as_of + datetime.timedelta(days=1))
        open_deals = fc.open_deals_as_of(events, as_of).join(
            history.deals.select(deal_cols), on="object_id", how="inner"
        )
        outcome_spells = fc.outcome_spells_as_of(events, as_of)
        outcome_tables = fc.fit_outcome_tables(outcome_spells) if outcome_spells.height else {}
        # Deals are created in the first stage here, but an imported history may start
        # them further on (Maven's deals enter at qualifying): arrivals and the typical
        # time to a win are measured from the stage deals are actually created in.
        lo = as_of - datetime.timedelta(days=ARRIVAL_LOOKBACK_DAYS)
        created = (
            events.filter((pl.col("from_stage") == "") & (pl.col("at") > lo))
            .select("object_id", pl.col("to_stage").alias("entry_stage"))
            .unique("object_id", keep="first")
            .join(history.deals.select(deal_cols), on="object_id", how="inner")
        )
        cycle = _median_days_to_win(outcome_spells, _entry_stage(events))
        if open_deals.height:
            learned = fc.deal_win_probabilities_in_period(
                open_deals, outcome_tables, period_start=start, period_end=period.end, fallback=DEFAULT_PROBS
            )
            # CRM default: the stage probability if the deal's nominal close (entry into
            # its stage + the typical time to a win) falls in the period.
            closes = fc.nominal_close_dates(open_deals, start_col="entered_at", cycle_days=cycle, as_of=as_of)
            in_period = ((closes >= start) & (closes <= period.end)).to_numpy()
            stage_p = open_deals["stage"].replace_strict(DEFAULT_PROBS, default=0.0, return_dtype=pl.Float64)
            parts.append(
                open_deals.select(deal_cols).with_columns(
                    kind=pl.lit(OPEN_LINE),
                    probability=pl.Series(np.clip(learned, 0.0, 1.0)),
                    default_probability=pl.Series(np.where(in_period, stage_p.to_numpy(), 0.0)),
                )
            )
        for (stage,), arrivals in created.group_by(["entry_stage"], maintain_order=True):
            # Each deal created in the look-back stands for 1/L of a day's arrivals; a deal
            # arriving on day t is won in the period with its entry stage's probability
            # for that window, so each stands for wins_per_daily_arrival / L expected wins.
            table = outcome_tables.get(stage)
            window = {"as_of": as_of, "period_start": start, "period_end": period.end}
            wins_per_daily_arrival = (
                fc.expected_new_pipeline(rate_per_day=1.0, mean_value=1.0, table=table, **window)
                if table is not None
                else 0.0
            )
            # The CRM-default counterpart (the "+ new deals" baseline): the stage's fixed
            # probability, counted if created + the typical time to a win is in the period.
            default_wins = fc.fixed_new_pipeline(
                rate_per_day=1.0,
                mean_value=1.0,
                probability=DEFAULT_PROBS.get(stage, 0.0),
                cycle_days=cycle,
                **window,
            )
            if wins_per_daily_arrival > 0 or default_wins > 0:
                parts.append(
                    arrivals.drop("entry_stage").with_columns(
                        kind=pl.lit(NEW_LINE),
                        probability=pl.lit(wins_per_daily_arrival / ARRIVAL_LOOKBACK_DAYS),
                        default_probability=pl.lit(default_wins / ARRIVAL_LOOKBACK_DAYS),
                    )
                )
    lines = pl.concat(
        [p.rename({"object_id": "opportunity_id"}).select(list(LINE_SCHEMA)).cast(LINE_SCHEMA) for p in parts]
    )
    return lines.sort("kind", "opportunity_id") if lines.height else _empty_lines()


def figures(lines: pl.DataFrame, *, seed: int) -> Figures:
    """The learned forecast of these lines: parts of the expected value and the range.

    The range simulates the same model whose mean is the expected value: every open deal
    won with its own probability, the won deals counted, and the deals still to come
    drawn as a Poisson number of wins with values resampled from the recent arrivals.
    """

    def of(kind: str) -> pl.DataFrame:
        return lines.filter(pl.col("kind") == kind)

    won, open_, new = of(WON_LINE), of(OPEN_LINE), of(NEW_LINE)
    won_to_date = float(won["value"].sum())
    open_values = open_["value"].to_numpy()
    open_p = open_["probability"].to_numpy()
    sim = fc.simulate_independent_wins(
        open_p,
        open_values,
        arrival_values=new["value"].to_numpy(),
        arrival_wins=float(new["probability"].sum()),
        n_draws=RANGE_DRAWS,
        seed=seed,
    )
    p10, p50, p90 = (won_to_date + float(v) for v in sim.quantiles((0.1, 0.5, 0.9))[:, 0])
    return Figures(
        won_to_date=won_to_date,
        open_pipeline=float(open_values.sum()),
        open_expected=float((open_values * open_p).sum()),
        new_expected=float((new["value"] * new["probability"]).sum()),
        weighted_default=won_to_date + float((open_values * open_["default_probability"].to_numpy()).sum()),
        p10=p10,
        p50=p50,
        p90=p90,
    )


def seed_for(taken_on: datetime.date) -> int:
    return taken_on.toordinal()


def _entry_stage(events: pl.DataFrame) -> str:
    """The stage most deals are created in (the first stage when none was created yet)."""
    created = events.filter(pl.col("from_stage") == "")["to_stage"]
    return str(created.mode().sort()[0]) if created.len() else ENTRY_STAGE


def _median_days_to_win(outcome_spells: pl.DataFrame, entry_stage: str = ENTRY_STAGE) -> int:
    """Median days from entering ``entry_stage`` to a win, as measured (30 with no history)."""
    if not outcome_spells.height:
        return 30
    won = outcome_spells.filter((pl.col("stage") == entry_stage) & (pl.col("outcome") == fc.WON))
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
