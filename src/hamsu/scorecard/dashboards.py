"""What each dashboard shows, as plain tables (header + rows) and chart series.

Views render these and export them unchanged, so what is downloaded is what is on the
screen. Everything here reads the aggregate tables through ``selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from hamsu.core.company import company_currency
from hamsu.core.numbers import currency_unit
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.funnel.models import LeadState
from hamsu.scorecard import forecast_selection, metrics, selectors
from hamsu.scorecard.aggregates import LEAD_ORDER, SALES_ORDER
from hamsu.scorecard.glossary import metric_key
from hamsu.scorecard.models import ForecastMethod
from hamsu.scorecard.periods import MONTH, Period

ZERO = Decimal("0")


@dataclass
class Table:
    header: list[str]
    rows: list[list] = field(default_factory=list)
    units: list[str] | None = None  # per column, for display only ("ratio" shows as %)
    # Per column, the glossary key of the figure it shows (None: a label, not a figure).
    terms: list[str | None] | None = None
    # Per row, the glossary key of the figure in the column whose term is ROW_TERM: a
    # table listing a different figure on each row (the scorecard's "All figures").
    row_terms: list[str | None] | None = None

    ROW_TERM = "@row"

    @property
    def columns(self):
        terms = self.terms or []
        return [
            (h, terms[i] if i < len(terms) and terms[i] != self.ROW_TERM else None)
            for i, h in enumerate(self.header)
        ]

    @property
    def export_header(self) -> list[str]:
        """The header of a download: a column of amounts names the company currency, since a
        spreadsheet's cells carry only the numbers."""
        units = self.units or []
        currency = currency_unit(company_currency())
        return [
            f"{h} ({currency})" if i < len(units) and units[i] == "money" else str(h)
            for i, h in enumerate(self.header)
        ]

    @property
    def display(self):
        """Each row as (value, unit, glossary key) cells; the key is None in a label column."""
        units = self.units or []
        terms = self.terms or []
        row_terms = self.row_terms or []
        for r, row in enumerate(self.rows):
            cells = []
            for i, value in enumerate(row):
                key = terms[i] if i < len(terms) else None
                if key == self.ROW_TERM:
                    key = row_terms[r] if r < len(row_terms) else None
                cells.append((value, units[i] if i < len(units) else "", key))
            yield cells


def _f(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _div(a, b):
    return None if not b else Decimal(a) / Decimal(b)


def overview(filters: selectors.Filters, *, user) -> dict:
    """The number vs forecast vs actual for this period and the four before it."""
    periods = [filters.period]
    for _i in range(4):
        periods.append(periods[-1].previous())
    periods.reverse()
    table = Table(
        [_("Period"), _("Target"), _("Forecast"), _("Actual (won)"), _("Attainment")],
        units=["", "money", "money", "money", "ratio"],
        terms=[
            None,
            "scorecard.target",
            "scorecard.forecast",
            "scorecard.won",
            metric_key("quota_attainment"),
        ],
    )
    series = {"periods": [], "target": [], "forecast": [], "actual": []}
    # The whole company's forecast is the method with the best track record; a narrowed
    # page shows the learned model, the one method that splits by every filter.
    records = None if filters.narrowed else forecast_selection.selected_records()
    for period in periods:
        f = selectors.Filters(
            period=period,
            team=filters.team,
            segment=filters.segment,
            product=filters.product,
            owner=filters.owner,
            source=filters.source,
        )
        target = selectors.target_for(f)
        actual = selectors.stage_totals(f)["won"]["reached_amount"]
        if records is None:
            view = selectors.forecast_view(f)
            forecast_value = view.figures.p50 if view else None
        else:
            shown = forecast_selection.default_forecast(period, records=records)
            forecast_value = shown.forecast if shown else None
        table.rows.append([period.label, target, forecast_value, actual, _div(actual, target)])
        series["periods"].append(period.label)
        series["target"].append(_f(target))
        series["forecast"].append(_f(forecast_value))
        series["actual"].append(_f(actual))
    context = metrics.Context(filters)
    headline = metrics.evaluate(
        filters,
        [
            "quota_attainment",
            "win_rate",
            "avg_deal_size",
            "sales_cycle_days",
            "sales_cycle_median_days",
            "pipeline_coverage",
            "new_customers",
        ],
        context=context,
    )
    open_total = sum((row["amount"] for row in context.open.values()), ZERO)
    view = selectors.forecast_view(filters)
    shown = None if records is None else forecast_selection.default_forecast(filters.period, records=records)
    forecast_table = forecast_methods(filters, view, user=user)
    history_dates: list = []
    history_series: dict[str, list] = {}
    if not filters.narrowed:
        # Weekly history is kept for the whole company only (a snapshot's deal lines are
        # replaced by the next one), so a filtered page shows no company history.
        history = selectors.snapshot_history(filters.period)
        history_dates = sorted({s.taken_on for s in history})
        for s in history:
            history_series.setdefault(s.method, [None] * len(history_dates))[
                history_dates.index(s.taken_on)
            ] = _f(s.forecast)
    return {
        "target": context.target,
        "actual": context.won(),
        "open_total": open_total,
        "headline": headline,
        "forecast_view": view,
        "forecast_shown": shown,
        "min_forecasts": forecast_selection.MIN_FORECASTS,
        "tables": {"number": table, "forecast": forecast_table},
        "chart": series,
        "history": {
            "dates": [d.isoformat() for d in history_dates],
            "series": {str(ForecastMethod(k).label): v for k, v in history_series.items()},
        },
    }


def forecast_methods(filters: selectors.Filters, view: selectors.ForecastView | None, *, user) -> Table:
    """Every forecast method's latest figure for the filters (a method that cannot be split
    by them is left out rather than shown for the whole company). The calls' totals are
    shown to ``user`` only when they may see every call summed (``sees_every_call``)."""
    table = Table(
        [_("Method"), _("Taken on"), _("Forecast"), _("P10"), _("P90"), _("Won to date")],
        units=["", "", "money", "money", "money", "money"],
        terms=[
            None,
            None,
            "scorecard.forecast",
            "scorecard.forecast_range",
            "scorecard.forecast_range",
            "scorecard.won",
        ],
    )
    if view is None:
        return table
    fig = view.figures
    taken = view.taken_on.isoformat()
    rows = [
        (ForecastMethod.WEIGHTED_DEFAULT, fig.weighted_default, None, None),
        (ForecastMethod.WEIGHTED_LEARNED, fig.expected, fig.p10, fig.p90),
        (ForecastMethod.MONTE_CARLO, fig.p50, fig.p10, fig.p90),
    ]
    calls = selectors.calls_for(selectors.calls_made_by(filters.period, view.taken_on), filters)
    if calls and selectors.sees_every_call(user, calls):
        totals = selectors.call_totals(calls)
        rows += [
            (ForecastMethod.CALL_COMMIT, totals.commit, None, None),
            (ForecastMethod.CALL_BEST_CASE, totals.best_case, None, None),
        ]
    if not filters.narrowed:
        # The baselines the shown forecast is chosen against: whole company only.
        snaps = selectors.latest_snapshots(filters.period)
        for method in forecast_selection.BASELINES:
            snap = snaps.get(method)
            if snap is not None:
                rows.append((ForecastMethod(method), snap.forecast, None, None))
    for method, value, p10, p90 in rows:
        table.rows.append([str(method.label), taken, value, p10, p90, fig.won_to_date])
    return table


def funnel(filters: selectors.Filters) -> dict:
    """Each stage: reached, conversion to the next, drop-off, leaked, days in stage, open now."""
    totals = selectors.stage_totals(filters)
    open_now = selectors.open_pipeline(filters)
    table = Table(
        units=["", "count", "ratio", "ratio", "count", "days", "count", "money"],
        header=[
            _("Stage"),
            _("Reached"),
            _("Conversion to next"),
            _("Drop-off"),
            _("Lost from here"),
            _("Mean days in stage"),
            _("Open now"),
            _("Open value"),
        ],
        terms=[
            None,
            "scorecard.stage_reached",
            "scorecard.stage_conversion",
            "scorecard.stage_dropoff",
            "scorecard.stage_lost",
            "scorecard.stage_days",
            "scorecard.stage_open",
            "scorecard.stage_open_value",
        ],
    )
    chart = []
    for i, stage in enumerate(SALES_ORDER):
        row = totals[stage]
        nxt = totals[SALES_ORDER[i + 1]]["cohort_reached"] if i + 1 < len(SALES_ORDER) else None
        conversion = _div(nxt, row["cohort_reached"]) if nxt is not None else None
        days = _div(row["exit_seconds"], row["exits"] * 86400) if row["exits"] else None
        table.rows.append(
            [
                str(Stage(stage).label),
                row["reached"],
                conversion,
                None if conversion is None else 1 - conversion,
                row["leaked"],
                days,
                open_now.get(stage, {}).get("deals", 0),
                open_now.get(stage, {}).get("amount", ZERO),
            ]
        )
        chart.append({"name": str(Stage(stage).label), "value": row["reached"], "stage": stage})
    leads = None
    # Lead stages are counted for the whole company (no team, segment, product, seller or
    # source split): a filtered page leaves them out and says so.
    if selectors.leads_measured() and not filters.narrowed:
        lead_totals = selectors.lead_totals(filters.period.months())
        leads = Table(
            [_("Lead stage"), _("Reached"), _("Conversion to next"), _("Mean days in stage")],
            terms=[None, "scorecard.lead_reached", "scorecard.lead_conversion", "scorecard.lead_days"],
        )
        for i, stage in enumerate(LEAD_ORDER):
            row = lead_totals.get(stage) or {"reached": 0, "exits": 0, "exit_seconds": 0, "cohort_reached": 0}
            nxt = (
                (lead_totals.get(LEAD_ORDER[i + 1]) or {}).get("cohort_reached", 0)
                if i + 1 < len(LEAD_ORDER)
                else None
            )
            leads.rows.append(
                [
                    str(LeadState(stage).label),
                    row["reached"],
                    _div(nxt, row.get("cohort_reached", 0)) if nxt is not None else None,
                    _div(row["exit_seconds"], (row["exits"] or 0) * 86400),
                ]
            )
    return {
        "tables": {"funnel": table, **({"leads": leads} if leads else {})},
        "chart": chart,
        "leads_measured": leads is not None,
        "leads_unsplit": filters.narrowed and selectors.leads_measured(),
    }


def trends(filters: selectors.Filters, months: int = 12) -> dict:
    """Velocity and cycle length per fiscal month, over the twelve months to the period's end."""
    last = Period(MONTH, filters.period.calendar, *_last_month(filters.period))
    span = [last]
    for _i in range(months - 1):
        span.append(span[-1].previous())
    span.reverse()
    month_starts = [p.start for p in span]
    stages = [s.value for s in OPEN_STAGES] + ["won", "lost"]
    data = selectors.monthly_series(filters, month_starts, stages)
    header = [
        _("Month"),
        _("Won"),
        _("Revenue won"),
        _("Win rate"),
        _("Mean sales cycle (days)"),
        _("Median sales cycle (days)"),
    ] + [_("Days in %(s)s") % {"s": Stage(s).label} for s in [x.value for x in OPEN_STAGES]]
    table = Table(
        header,
        units=["", "count", "money", "ratio", "days", "days"] + ["days"] * len(OPEN_STAGES),
        terms=[
            None,
            metric_key("sales_closed"),
            "scorecard.won",
            metric_key("win_rate"),
            metric_key("sales_cycle_days"),
            metric_key("sales_cycle_median_days"),
        ]
        + [metric_key(f"velocity_{s.value}") for s in OPEN_STAGES],
    )
    chart = {
        "months": [p.key for p in span],
        "cycle": [],
        "median_cycle": [],
        "won": [],
        "velocity": {str(Stage(s.value).label): [] for s in OPEN_STAGES},
    }
    for p in span:
        won = data.get((p.start, "won")) or {}
        lost = data.get((p.start, "lost")) or {}
        won_n, lost_n = won.get("reached") or 0, lost.get("reached") or 0
        cycle = _div(won.get("cycle_seconds") or 0, won_n * 86400) if won_n else None
        median_seconds = selectors.median_cycle_seconds(filters, [p.start]) if won_n else None
        median = None if median_seconds is None else Decimal(str(median_seconds)) / 86400
        velocity = []
        for s in OPEN_STAGES:
            row = data.get((p.start, s.value)) or {}
            v = (
                _div(row.get("exit_seconds") or 0, (row.get("exits") or 0) * 86400)
                if row.get("exits")
                else None
            )
            velocity.append(v)
            chart["velocity"][str(s.label)].append(_f(v))
        table.rows.append(
            [
                p.key,
                won_n,
                won.get("reached_amount") or ZERO,
                _div(won_n, won_n + lost_n),
                cycle,
                median,
                *velocity,
            ]
        )
        chart["cycle"].append(_f(cycle))
        chart["median_cycle"].append(_f(median))
        chart["won"].append(_f(won.get("reached_amount") or 0))
    charts = {
        "velocity": {"x": chart["months"], "series": chart["velocity"]},
        "cycle": {
            "x": chart["months"],
            "series": {
                _("Mean sales cycle (days)"): chart["cycle"],
                _("Median sales cycle (days)"): chart["median_cycle"],
            },
        },
    }
    return {"tables": {"trends": table}, "chart": chart, "charts": charts}


def _last_month(period: Period) -> tuple[int, int]:
    months_in = {"month": 1, "quarter": 3, "year": 12}[period.kind]
    y, m = period.year, period.first_month + months_in - 1
    return y, m


def scorecard(filters: selectors.Filters, group: str | None = None) -> dict:
    """The metric catalogue's values, grouped by function (one function with ``group``)."""
    values = metrics.evaluate(filters)
    table = Table(
        [
            _("Group"),
            _("Metric"),
            _("Value"),
            _("Unit"),
            _("Direction"),
            _("Owner"),
            _("Status"),
            _("Definition"),
        ],
        terms=[None, None, Table.ROW_TERM],
        row_terms=[],
    )
    grouped: dict[str, list] = {}
    for v in values:
        m = v["metric"]
        if group and m.group != group:
            continue
        grouped.setdefault(m.group, []).append(v)
        table.row_terms.append(metric_key(m.code))
        table.rows.append(
            [
                str(metrics.GROUP_LABELS[m.group]),
                str(m.label),
                v["value"],
                str(metrics.UNIT_LABELS.get(m.unit, m.unit)),
                str(metrics.DIRECTION_LABELS[m.direction]),
                str(metrics.GROUP_LABELS.get(m.owner, m.owner)),
                _("measured") if v["status"] == "measured" else f"{_('not measured yet')}: {v['note']}",
                str(m.definition),
            ]
        )
    return {
        "groups": [(metrics.GROUP_LABELS[g], rows) for g, rows in grouped.items()],
        "tables": {"scorecard": table},
    }
