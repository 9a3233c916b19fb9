"""The metrics with their definitions, and the funnel table."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Schema

from hamsu.core.api_figures import figure
from hamsu.core.api_kit import ERRORS, base_currency_field, require_perm
from hamsu.scorecard import dashboards, metrics
from hamsu.scorecard.api.common import FilterQuery, filters_of, router
from hamsu.scorecard.glossary import metric_key


class MetricDefinition(Schema):
    code: str
    label: str
    group: str
    owner: str
    direction: Literal["up", "down"]
    unit: str
    period: str
    definition: str = Field(description="What the metric means, in words")
    formula: str = Field(description="How it is computed, in words (its glossary entry's formula)")
    glossary: str = Field(description="Key of its glossary entry (GET /api/v1/glossary)")


class MetricValue(MetricDefinition):
    value: Decimal | None = figure(keyed_by="glossary")
    status: Literal["measured", "not_measured"]
    note: str
    drill: str | None


def _definition(m: metrics.Metric) -> dict:
    return {
        "code": m.code,
        "label": str(m.label),
        "group": m.group,
        "owner": m.owner,
        "direction": m.direction,
        "unit": m.unit,
        "period": m.period,
        "definition": str(m.definition),
        "formula": str(m.formula),
        "glossary": metric_key(m.code),
    }


@router.get("/metrics/definitions", response={200: list[MetricDefinition], **ERRORS})
def metric_definitions(request):
    """The metric catalogue: definition and formula in words, owner, direction, period."""
    require_perm(request, "scorecard.view_target")
    return [_definition(m) for m in metrics.catalogue()]


class MetricsOut(Schema):
    period: str
    period_start: datetime.date
    period_end: datetime.date
    items: list[MetricValue]
    base_currency: str = base_currency_field()


@router.get("/metrics", response={200: MetricsOut, **ERRORS})
def metric_values(request, query: Query[FilterQuery], group: str | None = None):
    """Every metric's value for the period and filters, with its definition (or "not measured yet")."""
    require_perm(request, "scorecard.view_target")
    filters = filters_of(request, query)
    items = [
        {
            **_definition(v["metric"]),
            "value": v["value"],
            "status": v["status"],
            "note": v["note"],
            "drill": v["drill"],
        }
        for v in metrics.evaluate(filters)
        if group is None or v["metric"].group == group
    ]
    p = filters.period
    return {"period": p.key, "period_start": p.start, "period_end": p.end, "items": items}


class FunnelRow(Schema):
    stage: str
    reached: int = figure("scorecard.stage_reached")
    conversion_to_next: float | None = figure("scorecard.stage_conversion")
    leaked: int = figure("scorecard.stage_lost")
    mean_days_in_stage: float | None = figure("scorecard.stage_days")
    open_deals: int = figure("scorecard.stage_open")
    open_value: Decimal = figure("scorecard.stage_open_value")
    base_currency: str = base_currency_field()


@router.get("/funnel", response={200: list[FunnelRow], **ERRORS})
def funnel(request, query: Query[FilterQuery]):
    require_perm(request, "scorecard.view_target")
    data = dashboards.funnel(filters_of(request, query))
    out = []
    for chart_row, row in zip(data["chart"], data["tables"]["funnel"].rows, strict=True):
        out.append(
            {
                "stage": chart_row["stage"],
                "reached": row[1],
                "conversion_to_next": None if row[2] is None else float(row[2]),
                "leaked": row[4],
                "mean_days_in_stage": None if row[5] is None else float(row[5]),
                "open_deals": row[6],
                "open_value": row[7],
            }
        )
    return out
