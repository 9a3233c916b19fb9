"""HTML views for campaigns, spend, imports, attribution and the closed loop: parse the
request, call a selector or service, render. No figures are computed here."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamsu.campaigns import imports, report_period, selectors, services
from hamsu.campaigns.attribution_runs import MODEL_LABELS, MODELS, compare_models, explain_deal
from hamsu.campaigns.closed_loop import closed_loop
from hamsu.campaigns.explain_reasons import reason_text
from hamsu.campaigns.exports import table_response
from hamsu.campaigns.forms import CampaignForm, CostLineForm, UploadForm
from hamsu.campaigns.journeys import JOURNEYS, LEVELS, MEASURES, key_label
from hamsu.campaigns.models import Campaign, CampaignStatus, CampaignType, Channel, CostLine, Touchpoint
from hamsu.core.dates import parse_date
from hamsu.core.errors import DomainError
from hamsu.core.form_versions import conflict_context, redrawn
from hamsu.core.forms import apply_domain_errors
from hamsu.core.http import int_or_none
from hamsu.core.list_buttons import act_as_shown
from hamsu.core.versioning import StaleVersion
from hamsu.crm.models import Opportunity
from hamsu.directory.visibility import visible

MEASURE_LABELS = {
    "conversions": gettext_lazy("Won deals"),
    "revenue": gettext_lazy("Revenue"),
    "pipeline": gettext_lazy("Pipeline"),
}


def _campaign_or_404(pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("segment", "product", "owner").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    return campaign


# ---------------------------------------------------------------- campaigns


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_list(request):
    get = request.GET
    filters = selectors.CampaignFilters(
        q=get.get("q", "")[:100],
        channel=get.get("channel", "") if get.get("channel") in Channel.values else "",
        status=get.get("status", "") if get.get("status") in CampaignStatus.values else "",
        type=get.get("type", "") if get.get("type") in CampaignType.values else "",
    )
    campaigns = list(selectors.campaign_list(user=request.user, filters=filters)[:500])
    return render(
        request,
        "campaigns/list.html",
        {
            "campaigns": campaigns,
            "filters": filters,
            "channels": Channel.choices,
            "statuses": CampaignStatus.choices,
            "types": CampaignType.choices,
        },
    )


def _form_data(form) -> dict:
    data = form.changes()
    for key in ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term", "description"):
        data[key] = data.get(key) or ""
    return data


@login_required
@permission_required("campaigns.add_campaign", raise_exception=True)
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, via="web", **_form_data(form))
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Campaign created."))
            return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/form.html", {"form": form, "title": _("New campaign")})


@login_required
@permission_required("campaigns.change_campaign", raise_exception=True)
def campaign_edit(request, pk: int):
    campaign = _campaign_or_404(pk)
    form = CampaignForm(request.POST or None, initial=_initial(campaign))
    conflict = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(
                campaign=campaign,
                actor=request.user,
                via="web",
                expected_version=form.cleaned_data["version"],
                **_form_data(form),
            )
        except StaleVersion as stale:
            # Nothing saved: the campaign as it is now, the user's edits on top, yours/theirs.
            form = redrawn(form, stale, initial=_initial(_campaign_or_404(pk)))
            conflict = conflict_context(stale)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("campaigns:detail", campaign.pk)
    return render(
        request,
        "campaigns/form.html",
        {"form": form, "title": campaign.name, "campaign": campaign, **conflict},
        status=409 if conflict else 200,
    )


def _initial(campaign: Campaign) -> dict:
    return {name: getattr(campaign, name) for name in CampaignForm.base_fields}


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def campaign_detail(request, pk: int, cost_form: CostLineForm | None = None):
    try:
        campaign = selectors.campaign_get(user=request.user, pk=pk)
    except DomainError as error:
        raise Http404 from error
    touches = (
        selectors.touchpoints_visible(user=request.user)
        .filter(campaign=campaign)
        .select_related("contact", "account")
        .order_by("-occurred_at")[:20]
    )
    return render(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "cost_lines": selectors.cost_lines(campaign=campaign),
            "by_kind": selectors.touch_counts_by_kind(campaign=campaign),
            "touches": touches,
            "cost_form": cost_form or CostLineForm(initial={"currency": campaign.currency}),
        },
    )


@login_required
@permission_required("campaigns.add_costline", raise_exception=True)
@require_POST
def cost_line_create(request, pk: int):
    campaign = _campaign_or_404(pk)
    form = CostLineForm(request.POST)
    if form.is_valid():
        try:
            services.cost_line_create(actor=request.user, campaign=campaign, via="web", **form.cleaned_data)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Cost line added."))
            return redirect("campaigns:detail", campaign.pk)
    return campaign_detail(request, pk, cost_form=form)


@login_required
@permission_required("campaigns.delete_costline", raise_exception=True)
@require_POST
def cost_line_delete(request, pk: int, line_id: int):
    line = CostLine.objects.filter(pk=line_id, campaign_id=pk).first()
    if line is None:
        raise Http404
    act_as_shown(
        request,
        functools.partial(services.cost_line_delete, actor=request.user, cost_line=line, via="web"),
        done=_("Cost line removed."),
    )
    return redirect("campaigns:detail", pk)


# ---------------------------------------------------------------- imports


def _import_page(request, *, run, title: str, columns: list[str], example: str):
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = run(actor=request.user, upload=form.cleaned_data["file"])
        if report.ok:
            messages.success(request, _("Imported %(n)s row(s).") % {"n": report.created})
    return render(
        request,
        "campaigns/import.html",
        {"form": form, "report": report, "title": title, "columns": columns, "example": example},
    )


@login_required
@permission_required("campaigns.add_costline", raise_exception=True)
def spend_import(request):
    return _import_page(
        request,
        run=imports.spend_import,
        title=_("Import spend"),
        columns=imports.SPEND_COLUMNS,
        example="campaign,period_start,period_end,amount,currency,note\nspring-26,2026-04-01,2026-04-30,1200.00,USD,Google Ads",
    )


@login_required
@permission_required("campaigns.add_touchpoint", raise_exception=True)
def touchpoint_import(request):
    return _import_page(
        request,
        run=imports.touchpoint_import,
        title=_("Import touchpoints"),
        columns=imports.TOUCH_COLUMNS,
        example="kind,occurred_at,contact_email,landing_url,external_id\n"
        "form_fill,2026-04-02T10:15:00+03:30,sara@example.com,"
        "https://example.com/demo?utm_source=google&utm_medium=cpc&utm_campaign=spring-26,crm-8812",
    )


# ---------------------------------------------------------------- attribution and closed loop


@dataclass
class ReportParams:
    measure: str = "revenue"
    level: str = "channel"
    journey: str = "opportunity"
    model: str = "position_based"
    lookback_days: int | None = 180
    period: str = report_period.DEFAULT_PERIOD
    since: datetime.date | None = None
    until: datetime.date | None = None

    def moment(self, day: datetime.date | None) -> datetime.datetime | None:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time())) if day else None


def _params(request) -> ReportParams:
    """Report parameters from the query string; the period by ``report_period``'s rule,
    the same as the API's (the last twelve months unless dates or all time are asked)."""
    get = request.GET
    params = ReportParams()
    if get.get("measure") in MEASURES:
        params.measure = get["measure"]
    if get.get("level") in LEVELS:
        params.level = get["level"]
    if get.get("journey") in JOURNEYS:
        params.journey = get["journey"]
    if get.get("model") in MODELS:
        params.model = get["model"]
    if "lookback" in get:
        lookback = int_or_none(get.get("lookback"))
        params.lookback_days = lookback if lookback and 0 < lookback <= 3650 else None
    days: dict[str, datetime.date | None] = {"since": None, "until": None}
    for name in days:
        if get.get(name):
            try:
                days[name] = parse_date(get[name])
            except (ValueError, TypeError):
                messages.error(request, _("Enter a valid date as YYYY-MM-DD (Gregorian or Jalali)."))
    period = get.get("period") if get.get("period") in report_period.PERIODS else None
    window = report_period.report_window(period=period, **days)
    params.period, params.since, params.until = window.period, window.since, window.until
    return params


def _period_context(params: ReportParams) -> dict:
    return {"periods": report_period.PERIOD_CHOICES, "dates_given": params.period == report_period.DATES}


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def attribution(request):
    params = _params(request)
    comparison = compare_models(
        measure=params.measure,
        level=params.level,
        journey=params.journey,
        lookback_days=params.lookback_days,
        since=params.moment(params.since),
        until=params.moment(params.until),
        background=True,
    )
    rows = comparison.rows()
    for row in rows:
        row["label"] = key_label(params.level, row["key"])
    models = [m for m in comparison.models if m not in comparison.errors]
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [params.level, "label", *models, "min", "max"]
        table = [
            [row["key"], row["label"], *(row["figures"][m] for m in models), row["min"], row["max"]]
            for row in rows
        ]
        return table_response(
            fmt, f"attribution-{params.measure}-{params.level}", [(_("Attribution"), header, table)]
        )
    chart = {
        "keys": [row["label"] for row in rows],
        "series": [
            {"name": str(MODEL_LABELS[m]), "data": [round(row["figures"][m], 2) for row in rows]}
            for m in models
        ],
    }
    return render(
        request,
        "campaigns/attribution.html",
        {
            "params": params,
            **_period_context(params),
            "comparison": comparison,
            "rows": rows,
            "models": [(m, MODEL_LABELS[m]) for m in models],
            "failed": {MODEL_LABELS[m]: e for m, e in comparison.errors.items()},
            "chart": chart,
            "measures": MEASURE_LABELS,
            "coverage": comparison.value_touched / comparison.value if comparison.value else None,
        },
    )


@login_required
@permission_required("campaigns.view_campaign", raise_exception=True)
def closed_loop_view(request):
    params = _params(request)
    loop = closed_loop(
        since=params.moment(params.since),
        until=params.moment(params.until),
        model=params.model,
        lookback_days=params.lookback_days,
        background=True,
    )
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = [
            "key",
            "label",
            "channel",
            "spend",
            "attributed_revenue",
            "attributed_pipeline",
            "won",
            "roas",
            "roi",
        ]

        def table(rows):
            return [
                [
                    r["key"],
                    r["label"],
                    r["channel"],
                    r["spend"],
                    r["revenue"],
                    r["pipeline"],
                    r["won"],
                    r["roas"],
                    r["roi"],
                ]
                for r in rows
            ]

        summary = [
            [name, split.count, split.amount]
            for group, splits in (("pipeline", loop.pipeline), ("revenue", loop.revenue))
            for name, split in ((f"{group}_{k}", v) for k, v in splits.items())
        ]
        summary += [
            ["influence_window_days", loop.influence_days, None],
            ["marketing_spend", None, loop.marketing_spend],
            ["campaign_spend", None, loop.campaign_spend],
            ["other_marketing_spend", None, loop.other_marketing_spend],
            ["cost_per_mql", loop.mqls, loop.cost_per_mql],
            ["cost_per_sql", loop.sqls, loop.cost_per_sql],
            ["cost_per_won_deal", loop.revenue["influenced_or_sourced"].count, loop.cost_per_won_deal],
            ["revenue_attributed_to_campaigns_that_spent", None, loop.returned],
            ["roas", None, loop.roas],
            ["roi", None, loop.roi],
        ]
        return table_response(
            fmt,
            f"closed-loop-{params.model}",
            [
                (_("By campaign"), header, table(loop.by_campaign)),
                (_("By channel"), header, table(loop.by_channel)),
                (_("Summary"), ["figure", "count", "amount"], summary),
            ],
        )
    return render(
        request,
        "campaigns/closed_loop.html",
        {
            "params": params,
            **_period_context(params),
            "loop": loop,
            "models": [(m, MODEL_LABELS[m]) for m in MODELS],
        },
    )


@login_required
@permission_required("crm.view_opportunity", raise_exception=True)
def deal_explanation(request, opportunity_id: int):
    opportunity = (
        visible(Opportunity.objects.select_related("account"), request.user).filter(pk=opportunity_id).first()
    )
    if opportunity is None:
        raise Http404
    params = _params(request)
    explanation = explain_deal(
        opportunity=opportunity, model=params.model, level=params.level, lookback_days=params.lookback_days
    )
    details = Touchpoint.objects.select_related("campaign", "contact").in_bulk(explanation.touch_ids)
    rows = [
        (
            share,
            details.get(pk),
            key_label(params.level, share.channel),
            reason_text(share.reason, level=params.level),
        )
        for share, pk in zip(explanation.touches, explanation.touch_ids, strict=True)
    ]
    return render(
        request,
        "campaigns/explanation.html",
        {
            "opportunity": opportunity,
            "explanation": explanation,
            "rows": rows,
            "params": params,
            "models": [(m, MODEL_LABELS[m]) for m in MODELS],
        },
    )


@login_required
@permission_required("campaigns.view_touchpoint", raise_exception=True)
def touchpoint_list(request):
    get = request.GET
    filters = {name: int_or_none(get.get(name)) for name in ("campaign", "contact", "account")}
    before_id = int_or_none(get.get("before"))
    touches = selectors.touchpoint_list(user=request.user, limit=101, before_id=before_id, **filters)
    more = len(touches) > 100
    touches = touches[:100]
    return render(
        request,
        "campaigns/touchpoints.html",
        {
            "touches": touches,
            "filters": filters,
            "next_before": touches[-1].pk if more and touches else None,
        },
    )
