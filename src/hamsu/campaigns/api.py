"""API v1 for campaigns, spend, touchpoints and attribution: the same services and
selectors as the pages, typed with ninja schemas. Mounted at /api/v1/campaigns."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpResponse
from ninja import Field, Router, Schema

from hamsu.campaigns import report_period, selectors, services
from hamsu.campaigns.attribution_runs import MODELS, compare_models, explain_deal
from hamsu.campaigns.closed_loop import closed_loop
from hamsu.campaigns.explain_reasons import reason_text
from hamsu.campaigns.journeys import key_label
from hamsu.campaigns.models import Campaign, CampaignStatus, CampaignType, Channel, CostLine, TouchpointKind
from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import (
    ERRORS,
    WRITE_ERRORS,
    Currency,
    Id,
    Int,
    Money,
    base_currency_field,
    get_or_404,
    not_found,
    require_perm,
)
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.crm.models import Account, Contact, Opportunity, Product, Segment
from hamsu.directory.models import Person
from hamsu.directory.visibility import visible

router = Router(tags=["campaigns"])
PREFIX = "campaigns"

Utm = Annotated[str, Field(max_length=100)]
ModelName = Literal[
    "first_touch", "last_touch", "linear", "position_based", "time_decay", "w_shaped", "markov", "shapley"
]


_LOOKUPS = {
    "segment_id": (Segment, "segment"),
    "product_id": (Product, "product"),
    "owner_id": (Person, "owner"),
}


def _fk_data(payload: dict) -> dict:
    data = {}
    for key, value in payload.items():
        if key in _LOOKUPS:
            model, name = _LOOKUPS[key]
            data[name] = get_or_404(model, value, name, field=f"{name}_id")
        else:
            data[key] = value
    return data


# ---------------------------------------------------------------- campaigns


class CampaignOut(Schema):
    id: int
    name: str
    channel: str
    type: str
    status: str
    segment_id: int | None
    product_id: int | None
    owner_id: int | None
    start_date: datetime.date | None
    end_date: datetime.date | None
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content: str
    utm_term: str
    budget: Decimal | None = stored()
    currency: str
    description: str
    spend_base: Decimal | None = figure("campaigns.spend", default=None)
    base_currency: str = base_currency_field()
    touch_count: int | None = figure("campaigns.touches", default=None)
    version: Annotated[int, Field(description=VERSION_DOC)]


class CampaignIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    channel: Channel
    type: CampaignType = CampaignType.OTHER
    status: CampaignStatus = CampaignStatus.PLANNED
    segment_id: Id | None = None
    product_id: Id | None = None
    owner_id: Id | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    utm_source: Utm = ""
    utm_medium: Utm = ""
    utm_campaign: Utm = ""
    utm_content: Utm = ""
    utm_term: Utm = ""
    budget: Money | None = None
    currency: Currency = "USD"
    description: Annotated[str, Field(max_length=5000)] = ""


class CampaignPatch(Patch):
    for_model = Campaign

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    channel: Channel | None = None
    type: CampaignType | None = None
    status: CampaignStatus | None = None
    segment_id: Id | None = None
    product_id: Id | None = None
    owner_id: Id | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    utm_source: Utm | None = None
    utm_medium: Utm | None = None
    utm_campaign: Utm | None = None
    utm_content: Utm | None = None
    utm_term: Utm | None = None
    budget: Money | None = None
    currency: Currency | None = None
    description: Annotated[str, Field(max_length=5000)] | None = None


@router.get("/", response={200: list[CampaignOut], **ERRORS})
def list_campaigns(request, q: str = "", channel: str = "", status: str = "", type: str = ""):
    require_perm(request, "campaigns.view_campaign")
    filters = selectors.CampaignFilters(q=q[:100], channel=channel, status=status, type=type)
    return list(selectors.campaign_list(user=request.user, filters=filters)[:1000])


@router.post("/", response={201: CampaignOut, **ERRORS})
def create_campaign(request, payload: CampaignIn):
    require_perm(request, "campaigns.add_campaign")
    campaign = services.campaign_create(actor=request.user, via="api", **_fk_data(payload.dict()))
    return 201, selectors.campaign_get(user=request.user, pk=campaign.pk)


@router.get("/{int:campaign_id}", response={200: CampaignOut, **ERRORS})
def get_campaign(request, response: HttpResponse, campaign_id: Id):
    require_perm(request, "campaigns.view_campaign")
    return with_etag(response, selectors.campaign_get(user=request.user, pk=campaign_id))


@router.patch("/{int:campaign_id}", response={200: CampaignOut, **WRITE_ERRORS})
def update_campaign(
    request, response: HttpResponse, campaign_id: Id, payload: CampaignPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "campaigns.change_campaign")
    campaign = get_or_404(Campaign, campaign_id, "campaign", field="campaign_id")
    services.campaign_update(
        campaign=campaign,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **_fk_data(payload.dict(exclude_unset=True)),
    )
    return with_etag(response, selectors.campaign_get(user=request.user, pk=campaign_id))


@router.delete("/{int:campaign_id}", response={204: None, **WRITE_ERRORS})
def delete_campaign(request, campaign_id: Id, if_match: IfMatch = None):
    require_perm(request, "campaigns.delete_campaign")
    services.campaign_delete(
        campaign=get_or_404(Campaign, campaign_id, "campaign", field="campaign_id"),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
    )
    return 204, None


# ---------------------------------------------------------------- spend


class CostLineOut(Schema):
    id: int
    campaign_id: int
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal = stored()
    currency: str
    amount_base: Decimal = figure("campaigns.cost_line_base")
    base_currency: str = base_currency_field()
    note: str
    version: Annotated[int, Field(description=VERSION_DOC)]


class CostLineIn(Schema):
    period_start: datetime.date
    period_end: datetime.date
    amount: Money
    currency: Currency | None = None
    note: Annotated[str, Field(max_length=300)] = ""


@router.get("/{int:campaign_id}/costs", response={200: list[CostLineOut], **ERRORS})
def list_cost_lines(request, campaign_id: Id):
    require_perm(request, "campaigns.view_costline")
    return list(
        selectors.cost_lines(campaign=get_or_404(Campaign, campaign_id, "campaign", field="campaign_id"))
    )


@router.post("/{int:campaign_id}/costs", response={201: CostLineOut, **ERRORS})
def create_cost_line(request, campaign_id: Id, payload: CostLineIn):
    require_perm(request, "campaigns.add_costline")
    campaign = get_or_404(Campaign, campaign_id, "campaign", field="campaign_id")
    data = payload.dict()
    return 201, services.cost_line_create(
        actor=request.user, campaign=campaign, via="api", **{**data, "currency": data["currency"] or ""}
    )


@router.get("/costs/{int:cost_line_id}", response={200: CostLineOut, **ERRORS})
def get_cost_line(request, response: HttpResponse, cost_line_id: Id):
    require_perm(request, "campaigns.view_costline")
    return with_etag(response, get_or_404(CostLine, cost_line_id, "cost_line", field="cost_line_id"))


@router.delete("/costs/{int:cost_line_id}", response={204: None, **WRITE_ERRORS})
def delete_cost_line(request, cost_line_id: Id, if_match: IfMatch = None):
    require_perm(request, "campaigns.delete_costline")
    services.cost_line_delete(
        actor=request.user,
        cost_line=get_or_404(CostLine, cost_line_id, "cost_line", field="cost_line_id"),
        via="api",
        expected_version=expected_version(if_match),
    )
    return 204, None


# ---------------------------------------------------------------- touchpoints


class TouchpointOut(Schema):
    id: int
    kind: str
    occurred_at: datetime.datetime
    channel: str
    channel_label: str
    campaign_id: int | None
    contact_id: int | None
    account_id: int | None
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content: str
    utm_term: str
    landing_url: str
    external_id: str


class TouchpointIn(Schema):
    kind: TouchpointKind
    occurred_at: datetime.datetime
    channel: Annotated[str, Field(max_length=32)] = ""
    campaign_id: Id | None = None
    contact_id: Id | None = None
    account_id: Id | None = None
    utm: dict[str, str] | None = None
    landing_url: Annotated[str, Field(max_length=2000)] = ""
    external_id: Annotated[str, Field(max_length=100)] = ""


class TouchRowIn(Schema):
    """Loosely typed on purpose: one bad row is reported by index, not a 422 for all."""

    kind: Any = None
    occurred_at: Any = None
    channel: Any = ""
    campaign_id: Any = None
    contact_id: Any = None
    account_id: Any = None
    utm: dict[str, Any] | None = None
    landing_url: Any = ""
    external_id: Any = ""


class CampaignBatchIn(Schema):
    touchpoints: Annotated[list[TouchRowIn], Field(max_length=services.BATCH_LIMIT)]
    all_or_nothing: bool = False


class RowError(Schema):
    row: Int
    field: str
    message: str


class Created(Schema):
    row: Int
    id: Id


class Duplicate(Schema):
    row: Int
    external_id: str
    id: Id | None


class CampaignBatchOut(Schema):
    received: int
    created: list[Created]
    duplicates: list[Duplicate]
    errors: list[RowError]


@router.get("/touchpoints", response={200: list[TouchpointOut], **ERRORS})
def list_touchpoints(
    request,
    campaign: Int | None = None,
    contact: Int | None = None,
    account: Int | None = None,
    before_id: Id | None = None,
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
):
    """Newest first; page with ``before_id`` = the last id you received."""
    require_perm(request, "campaigns.view_touchpoint")
    return selectors.touchpoint_list(
        user=request.user,
        campaign=campaign,
        contact=contact,
        account=account,
        limit=limit,
        before_id=before_id,
    )


@router.post("/touchpoints", response={201: TouchpointOut, **ERRORS})
def create_touchpoint(request, payload: TouchpointIn):
    require_perm(request, "campaigns.add_touchpoint")
    data = payload.dict()
    return 201, services.touchpoint_record(
        actor=request.user,
        via="api",
        kind=data["kind"],
        occurred_at=data["occurred_at"],
        channel=data["channel"],
        campaign=get_or_404(Campaign, data["campaign_id"], "campaign", field="campaign_id"),
        contact=get_or_404(Contact, data["contact_id"], "contact", field="contact_id"),
        account=get_or_404(Account, data["account_id"], "account", field="account_id"),
        utm=data["utm"],
        landing_url=data["landing_url"],
        external_id=data["external_id"],
    )


@router.post("/touchpoints/batch", response={200: CampaignBatchOut, **ERRORS})
def record_touchpoint_batch(request, payload: CampaignBatchIn):
    """Up to 10,000 touches. Idempotent by ``external_id``: a retried batch reports the
    touches it already sent as duplicates. Bad rows come back with field-level reasons;
    the good ones are written unless ``all_or_nothing`` is true."""
    require_perm(request, "campaigns.add_touchpoint")
    rows = [row.dict() for row in payload.touchpoints]
    result = services.touchpoint_record_batch(
        actor=request.user, rows=rows, via="api", all_or_nothing=payload.all_or_nothing
    )
    return {
        "received": len(rows),
        "created": [
            {"row": row, "id": t.pk} for row, t in zip(result.created_rows, result.created, strict=True)
        ],
        "duplicates": result.duplicates,
        "errors": [
            {"row": item["row"], "field": name, "message": str(message)}
            for item in result.errors
            for name, messages in item["errors"].items()
            for message in messages
        ],
    }


# ---------------------------------------------------------------- attribution


class Credit(Schema):
    key: str
    label: str = Field(description="the channel's or campaign's name in the language of the request")
    conversions: float = figure("attribution.credit")
    value: float = figure("attribution.credit")


class AttributionOut(Schema):
    model: str
    level: str
    measure: str
    lookback_days: int | None = stored()
    deals: int = figure("attribution.deals")
    deals_touched: int = figure("attribution.deals_touched")
    conversions: float = figure("attribution.total")
    value: float = figure("attribution.total")
    value_touched: float = figure("attribution.value_touched")
    base_currency: str = base_currency_field()
    credit: list[Credit]
    computed_at: datetime.datetime | None = Field(None, description="when these figures were computed")
    stale: bool = Field(False, description="newer data is being included in the background")
    pending: bool = Field(False, description="not computed yet; ask again in a minute")


Period = Annotated[
    Literal["last_12_months", "all_time"],
    Field(
        description="without since/until: the last 12 months (the default, as on the pages) "
        "or all time; since/until, when given, replace it"
    ),
]


@router.get("/attribution", response={200: AttributionOut, **ERRORS})
def attribution(
    request,
    model: ModelName = "position_based",
    level: Literal["channel", "campaign"] = "channel",
    measure: Literal["conversions", "revenue", "pipeline"] = "revenue",
    journey: Literal["opportunity", "contact"] = "opportunity",
    lookback_days: Annotated[int, Field(ge=1, le=3650)] | None = 180,
    period: Period = report_period.DEFAULT_PERIOD,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
):
    """Credit per channel or campaign under one model. ``value`` is revenue (won deals'
    base amount) or pipeline (created deals' amount); ``conversions`` counts deals."""
    require_perm(request, "campaigns.view_campaign")
    window = report_period.report_window(period=period, since=since, until=until)
    comparison = compare_models(
        measure=measure,
        level=level,
        journey=journey,
        lookback_days=lookback_days,
        since=window.start,
        until=window.end,
        models=(model,),
        background=True,
    )
    if model in comparison.errors:
        from hamsu.core.errors import ValidationFailed

        raise ValidationFailed(comparison.errors[model], errors={"model": [comparison.errors[model]]})
    credit = comparison.credit.get(model, {})
    return {
        "model": model,
        "level": level,
        "measure": measure,
        "lookback_days": lookback_days,
        "deals": comparison.deals,
        "deals_touched": comparison.deals_touched,
        "conversions": comparison.conversions,
        "value": comparison.value,
        "value_touched": comparison.value_touched,
        "credit": sorted(
            ({"key": key, "label": key_label(level, key), **figures} for key, figures in credit.items()),
            key=lambda c: (-c["value"], c["key"]),
        ),
    }


class PipelineSplitOut(Schema):
    """Deals created in the period that are sourced, influenced, either or neither."""

    count: int = figure("closed_loop.pipeline_count")
    amount: Decimal = figure("closed_loop.pipeline_amount")


class RevenueSplitOut(Schema):
    """Deals won in the period that are sourced, influenced, either or neither."""

    count: int = figure("closed_loop.revenue_count")
    amount: Decimal = figure("closed_loop.revenue_amount")


class ReturnRow(Schema):
    key: str
    label: str
    campaign_id: int | None
    channel: str
    spend: Decimal = figure("returns.spend")
    revenue: float = figure("returns.attributed_revenue")
    pipeline: float = figure("returns.attributed_pipeline")
    won: float = figure("returns.won_credit")
    roas: float | None = figure("returns.roas")
    roi: float | None = figure("returns.roi")


class ClosedLoopOut(Schema):
    model: str
    influence_lookback_days: int = figure(
        "closed_loop.influence_window",
        "marketing-influenced: a marketing touch on the deal's account in this many days "
        "before the deal was created (a company setting)",
    )
    pipeline: dict[str, PipelineSplitOut]
    revenue: dict[str, RevenueSplitOut]
    spend: Decimal = figure(
        "closed_loop.marketing_spend", "marketing spend: campaign spend plus other marketing costs"
    )
    marketing_spend_recorded: bool = Field(description="false: no spend was recorded in the period at all")
    campaign_spend: Decimal = figure("closed_loop.campaign_spend")
    other_marketing_spend: Decimal = figure("closed_loop.other_marketing_spend")
    mqls: int | None = figure("scorecard_metrics.mqls")
    sqls: int | None = figure("closed_loop.sqls")
    cost_per_mql: Decimal | None = figure("scorecard_metrics.cost_per_mql")
    cost_per_sql: Decimal | None = figure("closed_loop.cost_per_sql")
    cost_per_won_deal: Decimal | None = figure("closed_loop.cost_per_won_deal")
    returned: float | None = figure(
        "closed_loop.returned", "revenue attributed to the campaigns that spent in the period"
    )
    roas: float | None = figure("closed_loop.roas", "returned / campaign_spend")
    roi: float | None = figure("closed_loop.roi", "(returned - campaign_spend) / campaign_spend")
    by_campaign: list[ReturnRow]
    by_channel: list[ReturnRow]
    returns_computed_at: datetime.datetime | None = None
    returns_stale: bool = False
    returns_pending: bool = False
    base_currency: str = base_currency_field()


@router.get("/closed-loop", response={200: ClosedLoopOut, **ERRORS})
def closed_loop_report(
    request,
    model: ModelName = "position_based",
    period: Period = report_period.DEFAULT_PERIOD,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    lookback_days: Annotated[int, Field(ge=1, le=3650)] | None = 180,
):
    """Sourced vs influenced pipeline and revenue, marketing spend, cost per MQL/SQL/won
    deal (null when the lead funnel is not measured yet), campaign ROI and ROAS, and the
    returns by campaign and channel. Every figure is defined in `/api/v1/glossary`."""
    require_perm(request, "campaigns.view_campaign")
    window = report_period.report_window(period=period, since=since, until=until)
    loop = closed_loop(
        since=window.start, until=window.end, model=model, lookback_days=lookback_days, background=True
    )
    return {
        "model": loop.model,
        "influence_lookback_days": loop.influence_days,
        "pipeline": {k: vars(v) for k, v in loop.pipeline.items()},
        "revenue": {k: vars(v) for k, v in loop.revenue.items()},
        "spend": loop.spend,
        "marketing_spend_recorded": loop.marketing_spend is not None,
        "campaign_spend": loop.campaign_spend,
        "other_marketing_spend": loop.other_marketing_spend,
        "mqls": loop.mqls,
        "sqls": loop.sqls,
        "cost_per_mql": loop.cost_per_mql,
        "cost_per_sql": loop.cost_per_sql,
        "cost_per_won_deal": loop.cost_per_won_deal,
        "returned": loop.returned,
        "roas": loop.roas,
        "roi": loop.roi,
        "by_campaign": loop.by_campaign,
        "by_channel": loop.by_channel,
        "returns_computed_at": loop.computed_at,
        "returns_stale": loop.stale,
        "returns_pending": loop.pending,
    }


class TouchShareOut(Schema):
    position: int = stored()
    ts: datetime.datetime
    channel: str
    label: str
    share: float = figure("attribution.touch_share")
    conversions: float = figure("attribution.touch_credit")
    value: float = figure("attribution.touch_credit")
    reason: str = Field(description="why the touch got its share, in the language of the request")
    reason_code: str = Field(
        description="the rule behind the reason: first_touch, last_touch, linear, position_based, "
        "time_decay, w_shaped, shapley, markov, after_conversion or outside_lookback"
    )


class ExplanationOut(Schema):
    opportunity_id: int
    model: str
    measure: str
    converted: bool
    value: float = figure("attribution.deal_value")
    touches: list[TouchShareOut]
    base_currency: str = base_currency_field()


@router.get("/deals/{int:opportunity_id}/explanation", response={200: ExplanationOut, **ERRORS})
def deal_explanation(
    request,
    opportunity_id: Id,
    model: ModelName = "position_based",
    level: Literal["channel", "campaign"] = "channel",
    lookback_days: Annotated[int, Field(ge=1, le=3650)] | None = 180,
):
    """Which touches of this deal got what share under ``model``, and why."""
    require_perm(request, "crm.view_opportunity")
    opportunity = visible(Opportunity.objects.all(), request.user).filter(pk=opportunity_id).first()
    if opportunity is None:
        raise not_found(Opportunity, opportunity_id, "opportunity")
    explanation = explain_deal(opportunity=opportunity, model=model, level=level, lookback_days=lookback_days)
    return {
        "opportunity_id": opportunity.pk,
        "model": model,
        "measure": explanation.measure,
        "converted": explanation.converted,
        "value": explanation.value,
        "touches": [
            {
                **vars(t),
                "label": key_label(level, t.channel),
                "reason": reason_text(t.reason, level=level),
                "reason_code": t.reason.code,
            }
            for t in explanation.touches
        ],
    }


assert set(MODELS) <= set(ModelName.__args__)  # the Literal must list every model we run
