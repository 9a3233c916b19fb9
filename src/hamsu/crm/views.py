"""HTML views for the CRM: parse the request, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.core import record_links
from hamsu.core.errors import DomainError
from hamsu.core.form_versions import after_conflict, conflict_context
from hamsu.core.forms import apply_domain_errors, form_error_text
from hamsu.core.http import csv_response, int_or_none
from hamsu.core.versioning import StaleVersion
from hamsu.crm import selectors, services
from hamsu.crm.forms import (
    AccountForm,
    ActivityForm,
    ContactForm,
    MoveForm,
    OpportunityForm,
    TaskDoneForm,
    TaskForm,
    TaskSnoozeForm,
)
from hamsu.crm.models import Segment, Source
from hamsu.crm.selectors_tasks import HAPPENED, next_step_of
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.directory.models import Team
from hamsu.directory.visibility import person_of


def _filters(request) -> selectors.OpportunityFilters:
    get = request.GET
    return selectors.OpportunityFilters(
        q=get.get("q", "")[:100],
        stage=get.get("stage", "") if get.get("stage") in Stage.values else "",
        owner=int_or_none(get.get("owner")),
        team=int_or_none(get.get("team")),
        segment=int_or_none(get.get("segment")),
        source=get.get("source", "") if get.get("source") in Source.values else "",
        open_only=get.get("open") == "1",
    )


def _filter_context(filters) -> dict:
    return {
        "filters": filters,
        "stages": Stage.choices,
        "sources": Source.choices,
        "teams": Team.objects.order_by("name"),
        "segments": Segment.objects.order_by("name"),
    }


def _page_or_400(call):
    try:
        return call(), None
    except DomainError as error:
        return None, error


@login_required
@permission_required("crm.view_opportunity", raise_exception=True)
def opportunity_list(request):
    filters = _filters(request)
    sort = request.GET.get("sort", "-created")
    page, error = _page_or_400(
        lambda: selectors.opportunity_list(
            user=request.user, filters=filters, sort=sort, cursor=request.GET.get("cursor")
        )
    )
    if error:
        messages.error(request, error.summary())
        return redirect("crm:opportunities")
    template = (
        "crm/_opportunity_rows.html"
        if request.htmx and request.htmx.target == "opportunity-rows"
        else "crm/opportunity_list.html"
    )
    return render(request, template, {"page": page, "sort": sort, **_filter_context(filters)})


@login_required
@permission_required("crm.view_opportunity", raise_exception=True)
def opportunity_export(request):
    rows = selectors.opportunity_export_rows(user=request.user, filters=_filters(request))
    header = [
        "id",
        "name",
        "account",
        "owner",
        "stage",
        "amount",
        "currency",
        "amount_base",
        "gross_profit",
        "probability",
        "expected_close",
        "source",
        "created_at",
    ]
    return csv_response("opportunities.csv", header, rows)


@login_required
@permission_required("crm.view_opportunity", raise_exception=True)
def pipeline(request):
    filters = _filters(request)
    columns = selectors.pipeline_board(user=request.user, filters=filters)
    template = "crm/_board.html" if request.htmx else "crm/pipeline.html"
    return render(
        request, template, {"columns": columns, "all_stages": Stage.choices, **_filter_context(filters)}
    )


@login_required
@permission_required("crm.view_opportunity", raise_exception=True)
def opportunity_detail(request, pk: int):
    opportunity = selectors.opportunity_detail(user=request.user, pk=pk)
    if opportunity is None:
        raise Http404
    return render(
        request,
        "crm/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "timeline": selectors.opportunity_timeline(opportunity),
            "participants": opportunity.participants.select_related("person"),
            "move_form": MoveForm(initial={"stage": opportunity.stage}),
            "activity_form": ActivityForm(),
            "task_form": TaskForm(prefix="task"),
            "done_form": TaskDoneForm(),
            "snooze_form": TaskSnoozeForm(),
            "next_step": next_step_of(opportunity),
            "open_stages": OPEN_STAGES,
            "related_links": record_links.links_for(record_links.OPPORTUNITY, opportunity, request.user),
        },
    )


def _me_or_default_owner(request):
    return person_of(request.user)


@login_required
@permission_required("crm.add_opportunity", raise_exception=True)
def opportunity_create(request):
    initial = {
        "owner": _me_or_default_owner(request),
        "quantity": 1,
        "currency": "USD",
        "source": Source.SALES,
    }
    if request.GET.get("account"):
        initial["account"] = request.GET["account"]
    form = OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(actor=request.user, via="ui", **form.changes())
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Opportunity created."))
            return redirect("crm:opportunity", pk=opportunity.pk)
    return render(
        request, "crm/form.html", {"form": form, "title": _("New opportunity"), "account_picker": True}
    )


@login_required
@permission_required("crm.change_opportunity", raise_exception=True)
def opportunity_edit(request, pk: int):
    opportunity = selectors.opportunity_detail(user=request.user, pk=pk)
    if opportunity is None:
        raise Http404
    form = OpportunityForm(request.POST or None, initial=OpportunityForm.initial_from(opportunity))
    extra = {}
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            services.opportunity_update(
                opportunity=opportunity,
                actor=request.user,
                via="ui",
                expected_version=form.cleaned_data["version"],
                **data,
            )
        except StaleVersion as stale:
            fresh = selectors.opportunity_detail(user=request.user, pk=pk)
            form = after_conflict(OpportunityForm, stale, data, initial=OpportunityForm.initial_from(fresh))
            extra = conflict_context(stale)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect("crm:opportunity", pk=opportunity.pk)
    return render(
        request,
        "crm/form.html",
        {"form": form, "title": opportunity.name, "account_picker": True, **extra},
        status=409 if extra else 200,
    )


@login_required
@require_POST
@permission_required("crm.change_opportunity", raise_exception=True)
def opportunity_move(request, pk: int):
    opportunity = selectors.opportunity_detail(user=request.user, pk=pk)
    if opportunity is None:
        raise Http404
    form = MoveForm(request.POST)
    error_text = ""
    stale_move = False
    if form.is_valid():
        try:
            services.opportunity_move_stage(
                opportunity=opportunity,
                to_stage=form.cleaned_data["stage"],
                from_stage=form.cleaned_data["from_stage"] or None,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                via="ui",
            )
        except StaleVersion as stale:
            error_text = stale.message
            stale_move = True
        except DomainError as error:
            error_text = error.summary()
    else:
        error_text = "; ".join(m for ms in form.errors.values() for m in ms)
    if request.htmx:
        if stale_move:
            # The board the mover saw is out of date: say so and have it redrawn.
            response = HttpResponse(error_text, status=409)
            response["HX-Trigger"] = "pipeline-changed"
            return response
        if error_text:
            return HttpResponse(error_text, status=422)
        response = HttpResponse(status=204)
        response["HX-Trigger"] = "pipeline-changed"
        return response
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, _("Stage changed."))
    return redirect("crm:opportunity", pk=pk)


@login_required
@require_POST
@permission_required("crm.add_activity", raise_exception=True)
def activity_create(request, pk: int):
    opportunity = selectors.opportunity_detail(user=request.user, pk=pk)
    if opportunity is None:
        raise Http404
    form = ActivityForm(request.POST)
    owner = person_of(request.user) or opportunity.owner
    if form.is_valid():
        try:
            services.activity_create(
                actor=request.user, owner=owner, opportunity=opportunity, via="ui", **form.cleaned_data
            )
            messages.success(request, _("Activity logged."))
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, form_error_text(form))
    return redirect("crm:opportunity", pk=pk)


# ---------------------------------------------------------------- accounts


@login_required
@permission_required("crm.view_account", raise_exception=True)
def account_list(request):
    q = request.GET.get("q", "")[:100]
    segment = int_or_none(request.GET.get("segment"))
    sort = request.GET.get("sort", "name")
    page, error = _page_or_400(
        lambda: selectors.account_list(
            user=request.user, q=q, segment=segment, sort=sort, cursor=request.GET.get("cursor")
        )
    )
    if error:
        messages.error(request, error.message)
        return redirect("crm:accounts")
    return render(
        request,
        "crm/account_list.html",
        {"page": page, "q": q, "segment": segment, "segments": Segment.objects.all(), "sort": sort},
    )


@login_required
@permission_required("crm.view_account", raise_exception=True)
def account_detail(request, pk: int):
    account = selectors.account_detail(user=request.user, pk=pk)
    if account is None:
        raise Http404
    opportunities = (
        selectors.opportunities_visible(request.user)
        .filter(account=account)
        .select_related("owner")
        .order_by("-created_at")[:50]
    )
    contacts = account.contacts.order_by("last_name")[:50]
    return render(
        request,
        "crm/account_detail.html",
        {
            "account": account,
            "opportunities": opportunities,
            "contacts": contacts,
            "timeline": selectors.account_timeline(account),
            "related_links": record_links.links_for(record_links.ACCOUNT, account, request.user),
        },
    )


def _model_form_view(
    request, *, form_class, instance, service_create, service_update, permission_title, success_url
):
    initial = {"version": instance.version} if instance is not None else None
    form = form_class(request.POST or None, instance=instance, initial=initial)
    extra = {}
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        data = {name: changes[name] for name in form.Meta.fields if name in changes}
        try:
            if instance is None:
                saved = service_create(actor=request.user, via="ui", **data)
            else:
                # The form has already written its values onto ``instance``; hand the service a
                # fresh copy so its audit entry records the real before/after difference.
                fresh = type(instance).objects.get(pk=instance.pk)
                saved = service_update(
                    fresh, actor=request.user, via="ui", expected_version=form.cleaned_data["version"], **data
                )
        except StaleVersion as stale:
            fresh = type(instance).objects.get(pk=instance.pk)
            form = after_conflict(form_class, stale, data, initial={}, instance=fresh)
            extra = conflict_context(stale)
        except DomainError as error:
            apply_domain_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(success_url, pk=saved.pk)
    return render(
        request,
        "crm/form.html",
        {"form": form, "title": permission_title, "account_picker": "account" in form.fields, **extra},
        status=409 if extra else 200,
    )


@login_required
@permission_required("crm.add_account", raise_exception=True)
def account_create(request):
    return _model_form_view(
        request,
        form_class=AccountForm,
        instance=None,
        service_create=services.account_create,
        service_update=None,
        permission_title=_("New account"),
        success_url="crm:account",
    )


@login_required
@permission_required("crm.change_account", raise_exception=True)
def account_edit(request, pk: int):
    account = selectors.account_detail(user=request.user, pk=pk)
    if account is None:
        raise Http404
    return _model_form_view(
        request,
        form_class=AccountForm,
        instance=account,
        service_create=None,
        service_update=lambda obj, **kw: services.account_update(account=obj, **kw),
        permission_title=account.name,
        success_url="crm:account",
    )


# ---------------------------------------------------------------- contacts


@login_required
@permission_required("crm.view_contact", raise_exception=True)
def contact_list(request):
    q = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "name")
    page, error = _page_or_400(
        lambda: selectors.contact_list(
            user=request.user,
            q=q,
            account=int_or_none(request.GET.get("account")),
            sort=sort,
            cursor=request.GET.get("cursor"),
        )
    )
    if error:
        messages.error(request, error.message)
        return redirect("crm:contacts")
    return render(request, "crm/contact_list.html", {"page": page, "q": q, "sort": sort})


@login_required
@permission_required("crm.view_contact", raise_exception=True)
def contact_detail(request, pk: int):
    contact = selectors.contact_detail(user=request.user, pk=pk)
    if contact is None:
        raise Http404
    activities = contact.activities.filter(HAPPENED).select_related("owner").order_by("-occurred_at")[:50]
    return render(request, "crm/contact_detail.html", {"contact": contact, "activities": activities})


@login_required
@permission_required("crm.add_contact", raise_exception=True)
def contact_create(request):
    return _model_form_view(
        request,
        form_class=ContactForm,
        instance=None,
        service_create=services.contact_create,
        service_update=None,
        permission_title=_("New contact"),
        success_url="crm:contact",
    )


@login_required
@permission_required("crm.change_contact", raise_exception=True)
def contact_edit(request, pk: int):
    contact = selectors.contact_detail(user=request.user, pk=pk)
    if contact is None:
        raise Http404
    return _model_form_view(
        request,
        form_class=ContactForm,
        instance=contact,
        service_create=None,
        service_update=lambda obj, **kw: services.contact_update(contact=obj, **kw),
        permission_title=str(contact),
        success_url="crm:contact",
    )
