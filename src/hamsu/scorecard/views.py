"""HTML views of the scorecard: parse the request, call a selector or service, render.

Every dashboard table can be downloaded with ``?export=csv|xlsx&table=<name>``.
"""

from __future__ import annotations

import datetime
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.core.company import company_currency, company_settings
from hamsu.core.errors import DomainError
from hamsu.core.forms import apply_domain_errors
from hamsu.core.http import int_or_none
from hamsu.core.list_buttons import act_as_shown
from hamsu.core.numbers import currency_unit
from hamsu.core.versioning import StaleVersion
from hamsu.crm.models import Product, Segment, Source
from hamsu.directory.models import Person, Team
from hamsu.directory.visibility import person_of
from hamsu.scorecard import aggregates, dashboards, exports, forecast_selection, metrics, selectors, services
from hamsu.scorecard.forms import ADJUST_LABELS, CallForm, CostForm, OverrideForm, PlanForm, TargetForm
from hamsu.scorecard.models import CostEntry, ForecastCall, FunnelPlan, PlanStatus, Target
from hamsu.scorecard.periods import KINDS, QUARTER, parse_period


def _filters(request) -> selectors.Filters:
    get = request.GET
    calendar = company_settings().fiscal_calendar
    try:
        period = parse_period(get["period"], calendar) if get.get("period") else None
    except ValueError:
        messages.error(request, _("Unknown period; showing the current quarter."))
        period = None
    if period is None:
        kind = get.get("kind") if get.get("kind") in KINDS else QUARTER
        period = selectors.current_period(kind)
    filters = selectors.Filters(
        period=period,
        team=int_or_none(get.get("team")),
        segment=int_or_none(get.get("segment")),
        product=int_or_none(get.get("product")),
        owner=int_or_none(get.get("owner")),
        source=get.get("source", "") if get.get("source") in Source.values else "",
    )
    return selectors.restrict_filters(request.user, filters)


def _filter_context(filters: selectors.Filters) -> dict:
    return {
        "filters": filters,
        "period": filters.period,
        "previous_period": filters.period.previous(),
        "next_period": filters.period.next(),
        "teams": Team.objects.order_by("name"),
        "segments": Segment.objects.order_by("name"),
        "products": Product.objects.order_by("name"),
        "sellers": Person.objects.filter(function="sales", is_active=True).order_by("full_name"),
        "sources": Source.choices,
        "fill_state": aggregates.fill_state(),
    }


def _maybe_export(request, name: str, tables: dict):
    fmt = request.GET.get("export")
    if fmt not in ("csv", "xlsx"):
        return None
    key = request.GET.get("table") or next(iter(tables))
    table = tables.get(key)
    if table is None:
        raise Http404
    return exports.export(f"{name}-{key}", fmt, table.export_header, table.rows)


@login_required
@permission_required("scorecard.view_target", raise_exception=True)
def dashboard(request):
    filters = _filters(request)
    data = dashboards.overview(filters, user=request.user)
    response = _maybe_export(request, "number", data["tables"])
    if response:
        return response
    funnel = dashboards.funnel(filters)
    return render(request, "scorecard/dashboard.html", {**data, "funnel": funnel, **_filter_context(filters)})


@login_required
@permission_required("scorecard.view_target", raise_exception=True)
def funnel_view(request):
    filters = _filters(request)
    data = dashboards.funnel(filters)
    trend = dashboards.trends(filters)
    tables = {**data["tables"], **trend["tables"]}
    response = _maybe_export(request, "funnel", tables)
    if response:
        return response
    return render(
        request,
        "scorecard/funnel.html",
        {**data, "trend": trend, "all_tables": tables, **_filter_context(filters)},
    )


@login_required
@permission_required("scorecard.view_target", raise_exception=True)
def scorecard_view(request):
    filters = _filters(request)
    group = request.GET.get("group") if request.GET.get("group") in metrics.GROUP_LABELS else None
    data = dashboards.scorecard(filters, group)
    response = _maybe_export(request, "scorecard", data["tables"])
    if response:
        return response
    person = Person.objects.filter(pk=filters.owner).first() if filters.owner else None
    return render(
        request,
        "scorecard/scorecard.html",
        {
            **data,
            "group": group,
            "group_labels": metrics.GROUP_LABELS,
            "person": person,
            **_filter_context(filters),
        },
    )


@login_required
@permission_required("scorecard.view_target", raise_exception=True)
def catalogue_view(request):
    return render(
        request,
        "scorecard/catalogue.html",
        {
            "metrics": metrics.catalogue(),
            "group_labels": metrics.GROUP_LABELS,
            "period_labels": metrics.PERIOD_LABELS,
        },
    )


# ---------------------------------------------------------------- targets


@login_required
@permission_required("scorecard.view_target", raise_exception=True)
def target_list(request):
    filters = _filters(request)
    form = TargetForm(request.POST or None, initial={"period": filters.period.key, "scope": "company"})
    if request.method == "POST":
        if not request.user.has_perm("scorecard.change_target"):
            raise Http404
        if form.is_valid():
            try:
                services.target_set(actor=request.user, via="ui", **form.cleaned_data)
            except DomainError as error:
                apply_domain_errors(form, error)
            else:
                messages.success(request, _("Target saved."))
                return redirect(f"{request.path}?period={form.cleaned_data['period']}")
    targets = selectors.target_list(period=filters.period)
    table = dashboards.Table(
        [_("Period"), _("Scope"), _("For"), _("Amount"), _("Note")],
        [
            [
                t.period_key,
                t.get_scope_display(),
                str(t.team or t.segment or t.product or t.person or ""),
                t.amount,
                t.note,
            ]
            for t in targets
        ],
        units=["", "", "", "money", ""],
    )
    response = _maybe_export(request, "targets", {"targets": table})
    if response:
        return response
    return render(
        request, "scorecard/targets.html", {"targets": targets, "form": form, **_filter_context(filters)}
    )


@login_required
@require_POST
@permission_required("scorecard.delete_target", raise_exception=True)
def target_delete(request, pk: int):
    target = get_object_or_404(Target, pk=pk)
    act_as_shown(
        request,
        functools.partial(services.target_delete, actor=request.user, target=target, via="ui"),
        done=_("Target deleted."),
    )
    return redirect(f"{reverse('scorecard:targets')}?period={target.period_key}")


# ---------------------------------------------------------------- costs


@login_required
@permission_required("scorecard.view_costentry", raise_exception=True)
def cost_list(request):
    filters = _filters(request)
    form = CostForm(request.POST or None, initial={"currency": company_settings().base_currency})
    if request.method == "POST":
        if not request.user.has_perm("scorecard.add_costentry"):
            raise Http404
        if form.is_valid():
            try:
                services.cost_entry_create(actor=request.user, via="ui", **form.cleaned_data)
            except DomainError as error:
                apply_domain_errors(form, error)
            else:
                messages.success(request, _("Cost recorded."))
                return redirect(request.get_full_path())
    entries = list(
        CostEntry.objects.filter(
            month__gte=filters.period.start, month__lte=filters.period.end
        ).select_related("segment")[:500]
    )
    table = dashboards.Table(
        [
            _("Month"),
            _("Function"),
            _("Category"),
            _("Amount"),
            _("Currency"),
            _("Amount in %(currency)s") % {"currency": currency_unit(company_currency())},
            _("Segment"),
            _("Note"),
        ],
        [
            [
                e.month.isoformat(),
                e.get_function_display(),
                e.get_category_display(),
                e.amount,
                e.currency,
                e.amount_base,
                str(e.segment or ""),
                e.note,
            ]
            for e in entries
        ],
    )
    response = _maybe_export(request, "costs", {"costs": table})
    if response:
        return response
    return render(
        request, "scorecard/costs.html", {"entries": entries, "form": form, **_filter_context(filters)}
    )


@login_required
@require_POST
@permission_required("scorecard.delete_costentry", raise_exception=True)
def cost_delete(request, pk: int):
    entry = get_object_or_404(CostEntry, pk=pk)
    act_as_shown(
        request,
        functools.partial(services.cost_entry_delete, actor=request.user, entry=entry, via="ui"),
        done=_("Cost entry deleted."),
    )
    return redirect("scorecard:costs")


# ---------------------------------------------------------------- the plan


@login_required
@permission_required("scorecard.view_funnelplan", raise_exception=True)
def plan_list(request):
    filters = _filters(request)
    form = PlanForm(request.POST or None, initial={"period": filters.period.key})
    if request.method == "POST":
        if not request.user.has_perm("scorecard.add_funnelplan"):
            raise Http404
        if form.is_valid():
            try:
                plan = services.plan_create(
                    actor=request.user,
                    period=form.cleaned_data["period"],
                    target_amount=form.cleaned_data["target_amount"],
                    adjustments=form.adjustments(),
                    note=form.cleaned_data["note"],
                    via="ui",
                )
            except DomainError as error:
                apply_domain_errors(form, error)
            else:
                messages.success(request, _("Plan drafted."))
                return redirect("scorecard:plan", pk=plan.pk)
    from hamsu.scorecard import plans

    measured = plans.measured_inputs(filters.period)
    return render(
        request,
        "scorecard/plans.html",
        {
            "plans": selectors.plan_list(),
            "form": form,
            "measured": measured,
            "window_from": datetime.date.fromisoformat(measured["window"]["from"]),
            # The window ends the day before the period starts (its "to" is its last month's first day).
            "window_to": filters.period.start - datetime.timedelta(days=1),
            "labels": ADJUST_LABELS,
            "input_terms": plans.INPUT_TERMS,
            **_filter_context(filters),
        },
    )


@login_required
@permission_required("scorecard.view_funnelplan", raise_exception=True)
def plan_detail(request, pk: int):
    plan = get_object_or_404(
        FunnelPlan.objects.select_related("sales_signed_by", "marketing_signed_by", "created_by"), pk=pk
    )
    initial = {"target_amount": plan.target_amount, "note": plan.note, **plan.inputs.get("adjustments", {})}
    form = PlanForm(request.POST or None, initial=initial, with_period=False)
    status = 200
    if request.method == "POST":
        if not request.user.has_perm("scorecard.change_funnelplan"):
            raise Http404
        if form.is_valid():
            try:
                if plan.status == PlanStatus.DRAFT:
                    plan = services.plan_adjust(
                        actor=request.user,
                        plan=plan,
                        target_amount=form.cleaned_data["target_amount"],
                        adjustments=form.adjustments(),
                        note=form.cleaned_data["note"],
                        via="ui",
                        # The figures the page showed: adjusted meanwhile, nothing is saved.
                        expected_version=int_or_none(request.POST.get("edit_version")),
                    )
                    messages.success(request, _("Plan adjusted; any signature was withdrawn."))
                else:
                    plan = services.plan_create(
                        actor=request.user,
                        period=plan.period_key,
                        target_amount=form.cleaned_data["target_amount"],
                        adjustments=form.adjustments(),
                        note=form.cleaned_data["note"],
                        via="ui",
                    )
                    messages.success(request, _("New version drafted."))
            except StaleVersion as stale:
                # Nothing saved: the page shows the plan as it is now (theirs) and the form
                # keeps what this user typed (yours); saving again keeps theirs-or-yours
                # as the form then says, against the version now shown.
                form.add_error(None, stale.message)
                status = 409
                plan = get_object_or_404(
                    FunnelPlan.objects.select_related("sales_signed_by", "marketing_signed_by", "created_by"),
                    pk=pk,
                )
            except DomainError as error:
                apply_domain_errors(form, error)
            else:
                return redirect("scorecard:plan", pk=plan.pk)
    from hamsu.scorecard import plans

    rows = plans.display_rows(plan.rows)
    table = dashboards.Table(
        [_("Stage"), _("Needed"), _("Conversion to next"), _("Start by"), _("Owner")],
        [
            [
                str(r["stage_label"]),
                r["needed"] if r["measured"] else _("not measured yet"),
                r["conversion_to_next"],
                r["start_by"],
                str(r["owner_label"]),
            ]
            for r in rows
        ],
    )
    response = _maybe_export(request, f"plan-{plan.period_key}-v{plan.version}", {"plan": table})
    if response:
        return response
    keys = list(ADJUST_LABELS)
    inputs = [
        (
            ADJUST_LABELS[k],
            plan.inputs.get("measured", {}).get(k),
            plan.inputs.get("adjustments", {}).get(k),
            plan.inputs.get("used", {}).get(k),
            plans.INPUT_TERMS[k],
        )
        for k in keys
    ]
    return render(
        request,
        "scorecard/plan_detail.html",
        {"plan": plan, "rows": rows, "form": form, "inputs": inputs},
        status=status,
    )


@login_required
@require_POST
@permission_required("scorecard.view_funnelplan", raise_exception=True)
def plan_sign(request, pk: int):
    plan = get_object_or_404(FunnelPlan, pk=pk)
    try:
        services.plan_sign(
            actor=request.user,
            plan=plan,
            side=request.POST.get("side", ""),
            via="ui",
            # The figures the signer saw: adjusted since, the signature is refused.
            expected_version=int_or_none(request.POST.get("edit_version")),
        )
    except StaleVersion as stale:
        messages.error(request, stale.message)  # who adjusted it; the page shows the figures now
    except DomainError as error:
        messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms) or error.message)
    else:
        messages.success(request, _("Signed."))
    return redirect("scorecard:plan", pk=pk)


# ---------------------------------------------------------------- forecast and calls


@login_required
@permission_required("scorecard.view_forecastcall", raise_exception=True)
def forecast_view(request):
    filters = _filters(request)
    form = CallForm(request.POST or None, initial={"period": filters.period.key})
    if request.method == "POST":
        if not request.user.has_perm("scorecard.add_forecastcall"):
            raise Http404
        if form.is_valid():
            try:
                services.call_submit(actor=request.user, via="ui", **form.cleaned_data)
            except DomainError as error:
                apply_domain_errors(form, error)
            else:
                messages.success(request, _("Your call is recorded."))
                return redirect(f"{request.path}?period={form.cleaned_data['period']}")
    calls = selectors.calls_for(selectors.call_list(user=request.user, period=filters.period), filters)
    calls_split = calls is not None
    calls = calls or []
    totals = selectors.call_totals(calls)
    data = dashboards.overview(filters, user=request.user)
    accuracy = selectors.forecast_accuracy(None)
    calls_table = dashboards.Table(
        [
            _("Seller"),
            _("Team"),
            _("Commit"),
            _("Best case"),
            _("Manager's commit"),
            _("Manager's best case"),
            _("Effective commit"),
            _("Effective best case"),
        ],
        [
            [
                c.person.full_name,
                str(c.team or ""),
                c.commit,
                c.best_case,
                c.override_commit,
                c.override_best_case,
                c.effective_commit,
                c.effective_best_case,
            ]
            for c in calls
        ],
        terms=[
            None,
            None,
            "scorecard.call_commit",
            "scorecard.call_best_case",
            "scorecard.call_override",
            "scorecard.call_override",
            "scorecard.call_commit",
            "scorecard.call_best_case",
        ],
    )
    track = forecast_selection.track_record()
    track_table = dashboards.Table(
        [
            _("Forecast of"),
            _("Method"),
            _("Forecasts scored"),
            _("WAPE (rest of the quarter)"),
            _("Bias (rest of the quarter)"),
            _("Shortest horizon (weeks)"),
            _("Longest horizon (weeks)"),
            _("Compared on the same forecasts"),
            _("Shown by default"),
        ]
    )
    for part in track["targets"]:
        for r in part["records"]:
            track_table.rows.append(
                [
                    part["label"],
                    r["label"],
                    r["n"],
                    r["wape"],
                    r["bias"],
                    r["horizon_min_weeks"],
                    r["horizon_max_weeks"],
                    _("yes") if r["compared"] else _("no"),
                    _("yes") if r["selected"] else _("no"),
                ]
            )
    accuracy_table = dashboards.Table(
        [
            _("Method"),
            _("Horizon (weeks)"),
            _("Snapshots"),
            _("MAPE (whole period)"),
            _("WAPE (whole period)"),
            _("Bias (whole period)"),
        ],
        terms=[
            None,
            None,
            "scorecard.accuracy_snapshots",
            "scorecard.accuracy_mape",
            "scorecard.accuracy_wape",
            "scorecard.accuracy_bias",
        ],
    )
    for method in accuracy["methods"].values():
        for row in method["by_horizon"]:
            accuracy_table.rows.append(
                [method["label"], row["horizon_weeks"], row["n"], row["mape"], row["wape"], row["bias"]]
            )
    tables = {"calls": calls_table, "accuracy": accuracy_table, "track_record": track_table, **data["tables"]}
    response = _maybe_export(request, "forecast", tables)
    if response:
        return response
    me = person_of(request.user)
    return render(
        request,
        "scorecard/forecast.html",
        {
            **data,
            "calls": calls,
            "calls_split": calls_split,
            "totals": totals,
            "form": form,
            "override_form": OverrideForm(),
            "accuracy": accuracy,
            "track": track,
            "can_override": request.user.has_perm("scorecard.override_forecastcall"),
            "me": me,
            **_filter_context(filters),
        },
    )


@login_required
@require_POST
@permission_required("scorecard.override_forecastcall", raise_exception=True)
def call_override(request, pk: int):
    call = get_object_or_404(ForecastCall, pk=pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.call_override(actor=request.user, call=call, via="ui", **form.cleaned_data)
        except DomainError as error:
            messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms) or error.message)
        else:
            messages.success(request, _("Call overridden."))
    else:
        messages.error(request, "; ".join(m for ms in form.errors.values() for m in ms))
    return redirect(f"{reverse('scorecard:forecast')}?period={call.period_key}")
