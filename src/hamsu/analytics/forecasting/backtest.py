"""Back-test: rebuild weekly pipeline snapshots from history and score every method.

At each weekly snapshot date d the methods see only what was known at d: deals engaged on
or before d, outcomes recorded on or before d (to learn probabilities and durations), and
deal values estimated the same way for every method (the product's list price; the true
value of an open deal is unknown). Two periods are forecast from each snapshot:

- ``next_quarter``: the calendar quarter after the one containing d;
- ``current_rest``: the rest of d's quarter, days d+1 … quarter end.

and two scopes are scored:

- ``bookings``: all revenue won in the period (what the business is judged on), which
  includes deals that do not exist yet at d;
- ``pipeline``: revenue won in the period from deals already open at d only, so the
  CRM-default weighted pipeline (which cannot see future deals) is compared like for like.

Methods:
- ``hubspot_default`` / ``salesforce_default``: fixed stage probabilities, deals counted in
  the period of their nominal close date (see :func:`nominal_close_dates`);
- ``learned_stage_rate``: the company's own stage win rate (share of closed deals won,
  smoothed toward HubSpot's default), with the same CRM-style timing;
- ``learned_weighted``: per-deal P(won inside the period | stage, age) from a
  censoring-aware exit table; in ``bookings`` scope plus the expected value of deals that
  will arrive at the recent rate;
- ``monte_carlo_p50``: the median of the simulated won value (same tables, same arrivals,
  the arrival rate itself varied by its own historical 13-week error); its P10/P90 are
  reported too;
- ``hubspot_default+new``: the CRM default plus new deals at the same recent rate and the
  fixed entry probability, to separate "learned probabilities" from "counting new deals";
- ``learned_weighted_cal`` / ``monte_carlo_cal_p50``: the same two with calendar-aware
  (quarter-lag) exit tables — a variant added after the first results, reported as such.

Baselines a sceptic would try, in ``bookings`` scope, each given the same information
(what was known at d, the same left-truncation of outcomes, the same look-back):

- ``run_rate``: won revenue per day over the 13 weeks up to d × days to come;
- ``seasonal_naive``: won in the same days of the last quarter that had ended by d;
- ``seasonal_naive_year``: won in the same days of the same quarter a year earlier (no
  row while history is shorter than that);
- ``salesforce_default+new``: as ``hubspot_default+new`` with Salesforce's probability.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import cast

import numpy as np
import polars as pl

from hamsu.analytics.forecasting.baselines import calendar_quarter, run_rate_forecast, seasonal_naive_forecast
from hamsu.analytics.forecasting.calendar import fit_calendar_tables
from hamsu.analytics.forecasting.maven import ENGAGING
from hamsu.analytics.forecasting.monte_carlo import Arrivals, Window, simulate_won_value
from hamsu.analytics.forecasting.snapshots import (
    LOST,
    WON,
    next_quarter,
    open_deals_as_of,
    outcome_spells_as_of,
    quarter_end,
    quarter_label,
    stage_spells_as_of,
    weekly_snapshot_dates,
)
from hamsu.analytics.forecasting.stage_probabilities import (
    HUBSPOT_DEFAULT_PROBABILITIES,
    MAVEN_TO_HUBSPOT,
    MAVEN_TO_SALESFORCE,
    SALESFORCE_DEFAULT_PROBABILITIES,
    fit_outcome_tables,
    fit_stage_tables,
    mapped_probabilities,
    stage_win_rates,
)
from hamsu.analytics.forecasting.survival import ExitTable
from hamsu.analytics.forecasting.weighted import (
    arrival_rate,
    arrival_rate_log_sd,
    expected_new_pipeline,
    fixed_new_pipeline,
    fixed_weighted_forecast,
    learned_weighted_forecast,
    nominal_close_dates,
)

HUBSPOT_P = mapped_probabilities(MAVEN_TO_HUBSPOT, HUBSPOT_DEFAULT_PROBABILITIES)
SALESFORCE_P = mapped_probabilities(MAVEN_TO_SALESFORCE, SALESFORCE_DEFAULT_PROBABILITIES)


@dataclass(frozen=True)
class BacktestConfig:
    """Knobs fixed before looking at any result (none is tuned on the test quarters)."""

    n_draws: int = 10_000
    seed: int = 20170301
    lookback_days: int = 91  # arrival rate and value mix: the last 13 weeks known at d
    min_closed: int = 100  # learning starts once this many outcomes are on record
    fallback_cycle_days: int = 90
    prior_strength: float = 20.0  # pseudo-deals pulling learned stage rates toward the default
    snapshot_weekday: int = 6  # Sunday: week-end snapshots
    left_truncate: bool = True  # outcomes only recorded from the first close on file
    calendar_max_lag: int = 2  # quarter-lag strata of the calendar-aware variant: 0, 1, 2+
    calendar_variant: bool = True  # also run the calendar-aware methods (*_cal)
    rate_uncertainty: bool = True  # MC: new-deal rate varies by its historical 13-week error


@dataclass(frozen=True)
class BacktestResult:
    forecasts: pl.DataFrame  # snapshot_date, target, scope, period, method, forecast, p10, p90
    actuals: pl.DataFrame  # snapshot_date, target, scope, period, period_end, actual


def forecast_windows(d: dt.date) -> list[tuple[str, str, dt.date, dt.date]]:
    """(target, period label, first day, last day) of what is forecast at snapshot ``d``."""
    out = []
    qe = quarter_end(d)
    if qe > d:
        out.append(("current_rest", f"{quarter_label(d)}-rest", d + dt.timedelta(days=1), qe))
    ns, ne = next_quarter(d)
    out.append(("next_quarter", quarter_label(ns), ns, ne))
    return out


def _date(value: object) -> dt.date:
    """A date column's min/max: Polars types it as any literal, here it is a date."""
    return cast(dt.date, value)


def _won_value(opps: pl.DataFrame, start: dt.date, end: dt.date, engaged_by: dt.date | None) -> float:
    m = (pl.col("deal_stage") == "Won") & pl.col("close_date").is_between(start, end)
    if engaged_by is not None:
        m &= pl.col("engage_date") <= engaged_by
    return float(opps.filter(m)["close_value"].sum())


def snapshot_dates(opps: pl.DataFrame, config: BacktestConfig) -> list[dt.date]:
    """Weekly snapshots from the first week with ``min_closed`` outcomes on record."""
    closes = opps["close_date"].drop_nulls().sort()
    if closes.len() < config.min_closed:
        return []
    first = closes[config.min_closed - 1]
    last = max(_date(opps["close_date"].max()), _date(opps["engage_date"].max()))
    return weekly_snapshot_dates(first, last, weekday=config.snapshot_weekday)


def forecast_snapshot(
    opps: pl.DataFrame, events: pl.DataFrame, d: dt.date, config: BacktestConfig
) -> list[dict[str, object]]:
    """All methods' forecasts for both periods and scopes at snapshot ``d``."""
    windows = forecast_windows(d)
    price = opps.select(pl.col("opportunity_id").alias("object_id"), pl.col("list_price").alias("value"))
    open_deals = open_deals_as_of(events, d).join(price, on="object_id", how="left")
    closed = opps.filter(pl.col("close_date") <= d)
    observed_from = _date(closed["close_date"].min()) if config.left_truncate and closed.height else None

    outcome_spells = outcome_spells_as_of(events, d)
    outcome_tables = fit_outcome_tables(outcome_spells, observed_from=observed_from)
    stage_tables = fit_stage_tables(stage_spells_as_of(events, d), observed_from=observed_from)
    rates = stage_win_rates(outcome_spells, prior=HUBSPOT_P, prior_strength=config.prior_strength)
    learned_p = dict(zip(rates["stage"].to_list(), rates["probability"].to_list(), strict=True))

    won = closed.filter(pl.col("deal_stage") == "Won")
    cycle = (
        int(np.median((won["close_date"] - won["engage_date"]).dt.total_days().to_numpy()))
        if won.height
        else config.fallback_cycle_days
    )
    expected_close = nominal_close_dates(open_deals, start_col="entered_at", cycle_days=cycle, as_of=d)

    engaged = opps.filter(pl.col("engage_date").is_not_null())
    rate, mean_value, pool = arrival_rate(
        engaged["engage_date"], engaged["list_price"], as_of=d, lookback_days=config.lookback_days
    )
    rate_sd = (
        arrival_rate_log_sd(engaged["engage_date"], as_of=d, lookback_days=config.lookback_days)
        if config.rate_uncertainty
        else 0.0
    )
    table = outcome_tables.get(ENGAGING)
    if config.calendar_variant:
        cal_out = fit_calendar_tables(
            outcome_spells,
            destination_col="outcome",
            destination_names=(WON, LOST),
            max_lag=config.calendar_max_lag,
            observed_from=observed_from,
        )
        cal_stage = fit_calendar_tables(
            stage_spells_as_of(events, d),
            destination_col="exit_to",
            max_lag=config.calendar_max_lag,
            observed_from=observed_from,
        )

        def cal_outcome_table(stage: str, entered: dt.date | None) -> ExitTable | None:
            h = cal_out.get(stage)
            return h.table_for(entered) if h is not None and entered is not None else None

        def cal_stage_table(stage: str, offset: int) -> ExitTable | None:
            h = cal_stage.get(stage)
            return h.table_for(d + dt.timedelta(days=offset)) if h is not None else None

    mc_windows = [Window((s - d).days, (e - d).days) for _, _, s, e in windows]
    mc_pipe = simulate_won_value(
        open_deals["stage"].to_numpy(),
        open_deals["age_days"].to_numpy(),
        open_deals["value"].to_numpy(),
        stage_tables,
        mc_windows,
        n_draws=config.n_draws,
        seed=config.seed,
    )
    mc_new = simulate_won_value(
        np.array([], dtype=object),
        np.array([], dtype=np.int64),
        np.array([], dtype=np.float64),
        stage_tables,
        mc_windows,
        n_draws=config.n_draws,
        seed=config.seed + 1,
        arrivals=Arrivals(rate_per_day=rate, stage=ENGAGING, values=pool, rate_log_sd=rate_sd),
    )
    if config.calendar_variant:
        mc_cal_pipe = simulate_won_value(
            open_deals["stage"].to_numpy(),
            open_deals["age_days"].to_numpy(),
            open_deals["value"].to_numpy(),
            {},
            mc_windows,
            n_draws=config.n_draws,
            seed=config.seed + 2,
            table_for=cal_stage_table,
        )
        mc_cal_new = simulate_won_value(
            np.array([], dtype=object),
            np.array([], dtype=np.int64),
            np.array([], dtype=np.float64),
            {},
            mc_windows,
            n_draws=config.n_draws,
            seed=config.seed + 3,
            arrivals=Arrivals(rate_per_day=rate, stage=ENGAGING, values=pool, rate_log_sd=rate_sd),
            table_for=cal_stage_table,
        )
    rows: list[dict[str, object]] = []
    for w, (target, period, start, end) in enumerate(windows):
        weighted = partial(
            fixed_weighted_forecast, expected_close=expected_close, period_start=start, period_end=end
        )
        hub = weighted(open_deals, HUBSPOT_P)
        sf = weighted(open_deals, SALESFORCE_P)
        lsr = weighted(open_deals, learned_p)
        lw = learned_weighted_forecast(open_deals, outcome_tables, period_start=start, period_end=end)
        new_learned = (
            expected_new_pipeline(
                rate_per_day=rate,
                mean_value=mean_value,
                table=table,
                as_of=d,
                period_start=start,
                period_end=end,
            )
            if table is not None
            else 0.0
        )
        new_fixed = fixed_new_pipeline(
            rate_per_day=rate,
            mean_value=mean_value,
            probability=HUBSPOT_P[ENGAGING],
            cycle_days=cycle,
            as_of=d,
            period_start=start,
            period_end=end,
        )
        new_fixed_sf = new_fixed * SALESFORCE_P[ENGAGING] / HUBSPOT_P[ENGAGING]
        seasonal = partial(
            seasonal_naive_forecast,
            won["close_date"],
            won["close_value"],
            as_of=d,
            period_start=start,
            period_end=end,
            observed_from=observed_from,
            season=calendar_quarter,
        )
        baselines = {
            "run_rate": run_rate_forecast(
                won["close_date"],
                won["close_value"],
                as_of=d,
                period_start=start,
                period_end=end,
                observed_from=observed_from,
                lookback_days=config.lookback_days,
            ),
            "seasonal_naive": seasonal(),
            "seasonal_naive_year": seasonal(cycle=4),
        }
        pipe_draws = mc_pipe.draws[w]
        total_draws = pipe_draws + mc_new.draws[w]
        base = {"snapshot_date": d, "target": target, "period": period}
        per_scope = {
            "pipeline": {
                "hubspot_default": (hub, None, None),
                "salesforce_default": (sf, None, None),
                "learned_stage_rate": (lsr, None, None),
                "learned_weighted": (lw, None, None),
                "monte_carlo_p50": tuple(np.quantile(pipe_draws, [0.5, 0.1, 0.9])),
            },
            "bookings": {
                **{m: (f, None, None) for m, f in baselines.items() if f is not None},
                "hubspot_default": (hub, None, None),
                "salesforce_default": (sf, None, None),
                "hubspot_default+new": (hub + new_fixed, None, None),
                "salesforce_default+new": (sf + new_fixed_sf, None, None),
                "learned_stage_rate": (lsr, None, None),
                "learned_weighted": (lw + new_learned, None, None),
                "monte_carlo_p50": tuple(np.quantile(total_draws, [0.5, 0.1, 0.9])),
            },
        }
        if config.calendar_variant:
            lw_cal = learned_weighted_forecast(
                open_deals, cal_outcome_table, period_start=start, period_end=end
            )
            new_cal = expected_new_pipeline(
                rate_per_day=rate,
                mean_value=mean_value,
                table=lambda e: cal_outcome_table(ENGAGING, e),
                as_of=d,
                period_start=start,
                period_end=end,
            )
            cal_pipe = mc_cal_pipe.draws[w]
            cal_total = cal_pipe + mc_cal_new.draws[w]
            per_scope["pipeline"]["learned_weighted_cal"] = (lw_cal, None, None)
            per_scope["pipeline"]["monte_carlo_cal_p50"] = tuple(np.quantile(cal_pipe, [0.5, 0.1, 0.9]))
            per_scope["bookings"]["learned_weighted_cal"] = (lw_cal + new_cal, None, None)
            per_scope["bookings"]["monte_carlo_cal_p50"] = tuple(np.quantile(cal_total, [0.5, 0.1, 0.9]))
        for scope, methods in per_scope.items():
            for method, (f, p10, p90) in methods.items():
                rows.append(
                    base
                    | {
                        "scope": scope,
                        "method": method,
                        "forecast": float(f),
                        "p10": None if p10 is None else float(p10),
                        "p90": None if p90 is None else float(p90),
                    }
                )
    return rows


def actuals_for(opps: pl.DataFrame, dates: list[dt.date], data_end: dt.date) -> pl.DataFrame:
    """What was actually won per snapshot, period and scope (periods past ``data_end`` omitted)."""
    rows = []
    for d in dates:
        for target, period, start, end in forecast_windows(d):
            if end > data_end:
                continue
            base = {"snapshot_date": d, "target": target, "period": period, "period_end": end}
            rows.append(base | {"scope": "bookings", "actual": _won_value(opps, start, end, None)})
            rows.append(base | {"scope": "pipeline", "actual": _won_value(opps, start, end, d)})
    return pl.DataFrame(rows)


def run_backtest(
    opps: pl.DataFrame,
    events: pl.DataFrame,
    config: BacktestConfig | None = None,
    *,
    dates: list[dt.date] | None = None,
    data_end: dt.date | None = None,
) -> BacktestResult:
    """Forecast at every snapshot and collect the matching actuals."""
    cfg = config or BacktestConfig()
    ds = dates if dates is not None else snapshot_dates(opps, cfg)
    end = data_end or _date(opps["close_date"].max())
    rows: list[dict[str, object]] = []
    for d in ds:
        rows.extend(forecast_snapshot(opps, events, d, cfg))
    forecasts = pl.DataFrame(rows, schema_overrides={"p10": pl.Float64, "p90": pl.Float64})
    return BacktestResult(forecasts=forecasts, actuals=actuals_for(opps, ds, end))


__all__ = [
    "HUBSPOT_P",
    "SALESFORCE_P",
    "WON",
    "BacktestConfig",
    "BacktestResult",
    "actuals_for",
    "forecast_snapshot",
    "forecast_windows",
    "run_backtest",
    "snapshot_dates",
]
