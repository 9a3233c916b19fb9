"""HTML views for the funnel: parse, call a selector or service, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.core import versioning
from hamsu.core.errors import DomainError
from hamsu.core.forms import apply_domain_errors, form_error_messages
from hamsu.core.http import int_or_none
from hamsu.directory.visibility import person_of
from hamsu.funnel import selectors, selectors_capture
from hamsu.funnel.forms import (
    AssignForm,
    CaptureFormForm,
    DecisionForm,
    FunnelEditForm,
    FunnelFiltersForm,
    LeadConvertForm,
    ReasonForm,
    ReturnForm,
)
from hamsu.funnel.models import (
    CaptureForm,
    EngagementFiring,
    EngagementRule,
    FollowUpTask,
    FunnelKind,
    Lead,
    LeadDefinition,
    LeadQueue,
    LeadState,
    ReturnReason,
    RoutingRule,
    SlaPolicy,
)
from hamsu.funnel.permissions import may_see_the_queue
from hamsu.funnel.services import approvals
from hamsu.funnel.services import leads as lifecycle
from hamsu.funnel.services.capture import capture_form_create
from hamsu.funnel.services.engagement import task_complete
from hamsu.funnel.services.funnel import current_funnel_stages, current_funnel_version, funnel_version_publish


def _lead_or_404(request, pk: int) -> Lead:
    lead = selectors.lead_detail(user=request.user, pk=pk)
    if lead is None:
        raise Http404
    return lead


def _back(request, default: str):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _shown_version(request) -> int | None:
    """The version of the lead on the page the button was pressed on (None: not sent)."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _form_errors(request, form) -> None:
    """A quick action's form said no: the action rows have no room for errors under the
    fields, so each becomes a message on the page."""
    for message in form_error_messages(form):
        messages.error(request, message)


def _act(request, lead: Lead | None, call, done: str):
    """Run a quick action on ``lead`` only if it is still as the page showed it."""
    expected = _shown_version(request) if lead is not None else None
    try:
        with versioning.expecting(lead, expected, actor=request.user, via="ui"):
            call()
    except versioning.StaleVersion as stale:
        # Say who changed the lead; the page it returns to shows it as it is now.
        messages.error(request, stale.message)
    except DomainError as error:
        messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms) or error.message)
    else:
        messages.success(request, done)


@login_required
@permission_required("funnel.view_lead", raise_exception=True)
def overview(request):
    form = FunnelFiltersForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("That filter is not available; showing the default view."))
        form = FunnelFiltersForm({})
        form.is_valid()
    view = selectors.funnel_overview(filters=form.filters())
    lifecycle_rows = view.funnels.get(FunnelKind.LIFECYCLE, [])
    # The waterfall: the steps of the path only (recycled leads are not a step).
    chart = [{"name": row.name, "value": row.reached or 0} for row in lifecycle_rows if row.on_path]
    return render(
        request,
        "funnel/overview.html",
        {
            "funnels": [(FunnelKind(kind).label, rows) for kind, rows in view.funnels.items()],
            "since": view.since,
            "filters": view.filters,
            "form": form,
            "version": current_funnel_version(),
            "chart": chart,
        },
    )


@login_required
@permission_required("funnel.view_lead", raise_exception=True)
def inbox(request):
    return render(
        request,
        "funnel/inbox.html",
        {
            "leads": selectors.my_leads(user=request.user),
            "tasks": selectors.my_tasks(user=request.user),
            "return_form": ReturnForm(),
            "now": timezone.now(),
        },
    )


@login_required
def queue(request):
    if not may_see_the_queue(request.user):
        raise PermissionDenied
    assigns = request.user.has_perm("funnel.route_lead")
    return render(
        request,
        "funnel/queue.html",
        {
            "leads": selectors.handoff_queue(user=request.user),
            # Evaluated once: the template lists the same sellers on every row.
            "sellers": list(AssignForm().fields["person"].queryset.values_list("pk", "full_name"))
            if assigns
            else [],
            "now": timezone.now(),
        },
    )


@login_required
@permission_required("funnel.add_lead", raise_exception=True)
def recycle(request):
    return render(
        request,
        "funnel/recycle.html",
        {"leads": selectors.recycle_pool(), "reasons": dict(ReturnReason.choices)},
    )


@login_required
@permission_required("funnel.view_lead", raise_exception=True)
def lead_list(request):
    get = request.GET
    filters = selectors.LeadFilters(
        q=get.get("q", "")[:100],
        state=get.get("state", "") if get.get("state") in LeadState.values else "",
        queue=get.get("queue", "") if get.get("queue") in LeadQueue.values else "",
        owner=int_or_none(get.get("owner")),
    )
    sort = get.get("sort", "-created")
    try:
        page = selectors.lead_list(user=request.user, filters=filters, sort=sort, cursor=get.get("cursor"))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("funnel:leads")
    return render(
        request,
        "funnel/lead_list.html",
        {
            "page": page,
            "filters": filters,
            "states": LeadState.choices,
            "queues": LeadQueue.choices[1:],
            "sort": sort,
        },
    )


@login_required
@permission_required("funnel.view_lead", raise_exception=True)
def lead_detail(request, pk: int):
    return _lead_page(request, _lead_or_404(request, pk))


def _lead_page(request, lead: Lead, *, convert_form: LeadConvertForm | None = None):
    if convert_form is None and lead.state == LeadState.SQL:
        convert_form = LeadConvertForm()
    return render(
        request,
        "funnel/lead_detail.html",
        {
            "lead": lead,
            "events": selectors.lead_events(lead),
            "assignments": lead.assignments.select_related("person", "rule"),
            "handoffs": lead.handoffs.order_by("-opened_at"),
            "touches": lead.touches.order_by("-at")[:50],
            "return_form": ReturnForm(),
            "assign_form": AssignForm(),
            "convert_form": convert_form,
            "now": timezone.now(),
        },
    )


def _post_action(permission: str):
    def decorator(view):
        return login_required(require_POST(permission_required(permission, raise_exception=True)(view)))

    return decorator


@_post_action("funnel.accept_lead")
def lead_accept(request, pk: int):
    lead = _lead_or_404(request, pk)
    _act(
        request,
        lead,
        lambda: lifecycle.lead_accept(lead=lead, actor=request.user, via="ui"),
        _("Lead accepted."),
    )
    return _back(request, "funnel:inbox")


@_post_action("funnel.accept_lead")
def lead_return(request, pk: int):
    lead = _lead_or_404(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, "funnel:inbox")
    _act(
        request,
        lead,
        lambda: lifecycle.lead_return(
            lead=lead,
            actor=request.user,
            via="ui",
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
        _("Lead returned to marketing."),
    )
    return _back(request, "funnel:inbox")


@_post_action("funnel.accept_lead")
def lead_qualify(request, pk: int):
    lead = _lead_or_404(request, pk)
    _act(
        request,
        lead,
        lambda: lifecycle.lead_qualify(lead=lead, actor=request.user, via="ui"),
        _("Lead qualified (SQL)."),
    )
    return _back(request, "funnel:inbox")


@_post_action("funnel.change_lead")
def lead_follow_up(request, pk: int):
    lead = _lead_or_404(request, pk)
    _act(
        request,
        lead,
        lambda: lifecycle.lead_log_follow_up(lead=lead, actor=request.user, via="ui"),
        _("Follow-up logged."),
    )
    return _back(request, "funnel:inbox")


@_post_action("funnel.route_lead")
def lead_assign(request, pk: int):
    lead = _lead_or_404(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lead,
            lambda: lifecycle.lead_assign(
                lead=lead, person=form.cleaned_data["person"], actor=request.user, via="ui"
            ),
            _("Lead assigned."),
        )
    else:
        messages.error(request, _("Choose a seller."))
    return _back(request, "funnel:queue")


@_post_action("funnel.add_lead")
def lead_mql(request, pk: int):
    lead = _lead_or_404(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, "funnel:recycle")
    reason = form.cleaned_data["reason"]
    _act(
        request,
        lead,
        lambda: lifecycle.lead_mark_mql(lead=lead, actor=request.user, via="ui", reason=reason),
        _("Lead handed to sales."),
    )
    return _back(request, "funnel:recycle")


@_post_action("funnel.change_lead")
def lead_disqualify(request, pk: int):
    lead = _lead_or_404(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, "funnel:recycle")
    reason = form.cleaned_data["reason"]
    _act(
        request,
        lead,
        lambda: lifecycle.lead_disqualify(lead=lead, actor=request.user, via="ui", reason=reason),
        _("Lead disqualified."),
    )
    return _back(request, "funnel:recycle")


@_post_action("funnel.add_lead")
def lead_archive(request, pk: int):
    lead = _lead_or_404(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, "funnel:recycle")
    _act(
        request,
        lead,
        lambda: lifecycle.lead_archive(
            lead=lead, actor=request.user, via="ui", reason=form.cleaned_data["reason"]
        ),
        _("Lead archived."),
    )
    return _back(request, "funnel:recycle")


@_post_action("funnel.add_lead")
def lead_reopen(request, pk: int):
    lead = _lead_or_404(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, "funnel:recycle")
    _act(
        request,
        lead,
        lambda: lifecycle.lead_recycle(
            lead=lead, actor=request.user, via="ui", reason=form.cleaned_data["reason"] or _("reopened")
        ),
        _("Lead reopened into nurture."),
    )
    return _back(request, "funnel:recycle")


@_post_action("funnel.approve_leaddefinition")
def definition_decide(request, pk: int):
    definition = LeadDefinition.objects.filter(pk=pk).first()
    if definition is None:
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        _act(
            request,
            None,
            lambda: approvals.lead_definition_decide(
                definition=definition,
                actor=request.user,
                approve=form.cleaned_data["approve"],
                comment=form.cleaned_data["comment"],
                via="ui",
            ),
            _("Your decision is recorded."),
        )
    return redirect("funnel:definitions")


@login_required
@permission_required("funnel.view_handoff", raise_exception=True)
def sla(request):
    days = max(1, min(int_or_none(request.GET.get("days")) or 30, 366))
    start, end = selectors.sla_period(days=days)
    return render(
        request,
        "funnel/sla.html",
        {"rows": selectors.sla_adherence(start=start, end=end), "days": days, "start": start, "end": end},
    )


@login_required
def notifications(request):
    """The funnel's notices are in the one inbox every app writes to; old links land there."""
    return redirect("collaboration:notifications")


@login_required
@require_POST
def task_done(request, pk: int):
    task = FollowUpTask.objects.filter(pk=pk).first()
    person = person_of(request.user)
    if task is None or person is None:
        raise Http404
    _act(request, None, lambda: task_complete(task=task, person=person, via="ui"), _("Task done."))
    return _back(request, "funnel:inbox")


@_post_action("crm.add_opportunity")
def lead_convert(request, pk: int):
    """Open the deal from an SQL; a bad amount or currency is shown on its field."""
    lead = _lead_or_404(request, pk)
    form = LeadConvertForm(request.POST)
    if form.is_valid():
        try:
            with versioning.expecting(lead, _shown_version(request), actor=request.user, via="ui"):
                lifecycle.lead_convert(lead=lead, actor=request.user, via="ui", **form.cleaned_data)
        except versioning.StaleVersion as stale:
            # Someone changed the lead since the page was shown: it is shown as it is now.
            messages.error(request, stale.message)
            return redirect("funnel:lead", pk=pk)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Opportunity created from the lead."))
            return redirect("funnel:lead", pk=pk)
    lead.refresh_from_db()
    return _lead_page(request, lead, convert_form=form)


@login_required
@permission_required("funnel.add_funnelversion", raise_exception=True)
def funnel_edit(request):
    initial = {"stages": json.dumps(current_funnel_stages(), ensure_ascii=False, indent=2)}
    form = FunnelEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            funnel_version_publish(
                stages=form.cleaned_data["stages"],
                note=form.cleaned_data["note"],
                actor=request.user,
                via="ui",
            )
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("A new funnel version is published."))
            return redirect("funnel:overview")
    return render(request, "funnel/edit.html", {"form": form})


@login_required
@permission_required("funnel.view_routingrule", raise_exception=True)
def configuration(request):
    form = CaptureFormForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("funnel.add_captureform"):
            raise Http404
        if form.is_valid():
            try:
                capture_form_create(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                apply_domain_errors(form, error)
            else:
                messages.success(request, _("Capture form created."))
                return redirect("funnel:configuration")
    return render(
        request,
        "funnel/configuration.html",
        {
            "rules": RoutingRule.objects.select_related("segment", "team").order_by("position", "pk"),
            "policies": SlaPolicy.objects.select_related("team", "calendar").order_by("name"),
            "engagement_rules": EngagementRule.objects.order_by("position", "pk"),
            "firings": EngagementFiring.objects.select_related("rule").order_by("-at", "-pk")[:20],
            "forms": CaptureForm.objects.order_by("name")
            if request.user.has_perm("funnel.view_captureform")
            else [],
            "capture_form": form,
            "capture_failed": selectors_capture.failed_count()
            if request.user.has_perm("funnel.view_captureform")
            else 0,
        },
    )
