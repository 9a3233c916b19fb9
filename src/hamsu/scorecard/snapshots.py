"""The weekly forecast snapshots: derived data the weekly job writes (not audited; the
job's own run is the record). Each period's snapshot replaces that day's rows in one
transaction, so a rerun of the same day never counts twice."""

from __future__ import annotations

import datetime
from decimal import Decimal

import polars as pl
from django.db import transaction

from hamsu.core.money import quantize
from hamsu.scorecard import selectors
from hamsu.scorecard.models import (
    ForecastLine,
    ForecastMethod,
    ForecastSnapshot,
)
from hamsu.scorecard.periods import Period
from hamsu.scorecard.services import period_fields


@transaction.atomic
def snapshot_take(
    *,
    as_of: datetime.date,
    periods: list[Period],
    history=None,
    products: bool = True,
    calls: bool = True,
    lines: bool | set[str] = True,
) -> list[ForecastSnapshot]:
    """Record every method's forecast of each period as known at the end of ``as_of``.

    Re-taking the same day replaces that day's rows (the job is idempotent). The deals'
    lines of each period (``ForecastLine``, what filtered forecasts sum over) are replaced
    too; ``lines`` may name the period keys to keep lines for (a back-fill keeps only the
    newest snapshot's, as the weekly job would have left them).
    """
    from hamsu.scorecard import forecast_selection, forecasts

    history = history or forecasts.load_history()
    written = []
    for period in periods:
        period_lines = forecasts.forecast_lines(history, period, as_of)
        result = forecasts.figures(period_lines, seed=forecasts.seed_for(as_of))
        if lines is True or (lines and period.key in lines):
            _replace_lines(period, as_of, period_lines)
        # One model, two summaries: its mean (the learned weighted forecast) and its
        # median; both carry the same P10–P90 range.
        figures = {
            ForecastMethod.WEIGHTED_DEFAULT: (result.weighted_default, None, None),
            ForecastMethod.WEIGHTED_LEARNED: (result.expected, result.p10, result.p90),
            ForecastMethod.MONTE_CARLO: (result.p50, result.p10, result.p90),
            # The CRM default with the deals still to come: each line at its fixed probability.
            ForecastMethod.WEIGHTED_DEFAULT_NEW: (
                float((period_lines["value"] * period_lines["default_probability"]).sum()),
                None,
                None,
            ),
        }
        # The baselines the forecast shown by default is chosen against (forecast_selection).
        for method, rest in forecast_selection.baseline_forecasts(history, period, as_of).items():
            if rest is not None:
                figures[ForecastMethod(method)] = (result.won_to_date + rest, None, None)
        if calls:
            made = selectors.calls_made_by(period, as_of)
            if made:
                figures[ForecastMethod.CALL_COMMIT] = (
                    float(sum(c.effective_commit for c in made)),
                    None,
                    None,
                )
                figures[ForecastMethod.CALL_BEST_CASE] = (
                    float(sum(c.effective_best_case for c in made)),
                    None,
                    None,
                )
        for method, (value, p10, p90) in figures.items():
            written.append(
                snapshot_row(
                    as_of,
                    period,
                    "company",
                    method,
                    value,
                    p10,
                    p90,
                    result.won_to_date,
                    result.open_pipeline,
                )
            )
        if products:
            # Each product's expected value: the same lines, narrowed to its deals.
            by_product = period_lines.group_by("product_id").agg(
                expected=(pl.col("value") * pl.col("probability")).sum(),
                won=pl.col("value").filter(pl.col("kind") == forecasts.WON_LINE).sum(),
                open=pl.col("value").filter(pl.col("kind") == forecasts.OPEN_LINE).sum(),
            )
            found = {row["product_id"]: row for row in by_product.iter_rows(named=True)}
            from hamsu.crm.models import Product

            for product_id in Product.objects.values_list("pk", flat=True):
                row = found.get(product_id) or {"expected": 0.0, "won": 0.0, "open": 0.0}
                written.append(
                    snapshot_row(
                        as_of,
                        period,
                        f"product:{product_id}",
                        ForecastMethod.WEIGHTED_LEARNED,
                        row["expected"],
                        None,
                        None,
                        row["won"],
                        row["open"],
                    )
                )
    return written


def _replace_lines(period: Period, as_of: datetime.date, lines) -> None:
    ForecastLine.objects.filter(calendar=period.calendar, period_key=period.key).delete()
    ForecastLine.objects.bulk_create(
        (
            ForecastLine(
                taken_on=as_of,
                calendar=period.calendar,
                period_key=period.key,
                kind=row["kind"],
                opportunity_id=row["opportunity_id"],
                team_id=row["team_id"],
                segment_id=row["segment_id"],
                product_id=row["product_id"],
                owner_id=row["owner_id"],
                source=row["source"],
                value=_cents(row["value"]),
                probability=row["probability"],
                default_probability=row["default_probability"],
            )
            for row in lines.iter_rows(named=True)
        ),
        batch_size=5000,
    )


def _q(value) -> Decimal | None:
    return None if value is None else _cents(value)


def _cents(value) -> Decimal:
    return quantize(Decimal(str(round(float(value), 2))))


def snapshot_row(as_of, period, scope, method, value, p10, p90, won, open_value) -> ForecastSnapshot:
    row, _created = ForecastSnapshot.objects.update_or_create(
        taken_on=as_of,
        calendar=period.calendar,
        period_key=period.key,
        scope=scope,
        method=method,
        defaults={
            **period_fields(period),
            "forecast": _q(value),
            "p10": _q(p10),
            "p90": _q(p90),
            "won_to_date": _q(won),
            "open_pipeline": _q(open_value),
        },
    )
    return row
