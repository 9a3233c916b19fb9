"""Pages of key accounts: the list, account plans, their items, stakeholders and participation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamsu.collaboration import forms as f
from hamsu.collaboration import selectors, services
from hamsu.collaboration.models import (
    PlanItem,
)
from hamsu.collaboration.views._common import _flash_errors, _form_page, _submit
from hamsu.collaboration.views.form_actions import CreatePage, RecordAction, create_view, record_action_view
from hamsu.core.errors import DomainError
from hamsu.core.http import int_or_none
from hamsu.directory.visibility import person_of

# ---------------------------------------------------------------- key accounts


@login_required
@permission_required("collaboration.view_accountplan", raise_exception=True)
def key_accounts(request):
    # A segment that is not one (a stale link, a typed id) is a field error on the form,
    # and the table then shows every segment rather than pretending to filter.
    form = f.KeyAccountFilterForm(request.GET or None)
    segment = form.cleaned_data["segment"] if form.is_valid() else None
    return render(
        request,
        "collaboration/key_accounts.html",
        {
            "form": form,
            "ranking": selectors.top_accounts(user=request.user, segment=segment),
            "participation": selectors.marketing_participation_summary(),
        },
    )


def _new_plan_initial(request) -> dict:
    """The user as the sales owner; ``?account=`` (an account page's link) pre-fills the account."""
    initial = {"sales_owner": person_of(request.user)}
    if request.GET.get("account"):
        initial["account"] = request.GET["account"]
    return initial


def _plan_page(plan) -> str:
    return reverse("collaboration:plan", args=[plan.pk])


plan_create = create_view(
    CreatePage(
        permission="collaboration.add_accountplan",
        form=f.PlanForm,
        service=services.account_plan_create,
        success=gettext_lazy("Joint plan created."),
        then=_plan_page,
        title=gettext_lazy("New joint account plan"),
        initial=_new_plan_initial,
    )
)


def _plan_or_404(request, pk: int):
    plan = selectors.plan_detail(user=request.user, pk=pk)
    if plan is None:
        raise Http404
    return plan


@login_required
@permission_required("collaboration.view_accountplan", raise_exception=True)
def plan_detail(request, pk: int):
    plan = _plan_or_404(request, pk)
    return render(
        request,
        "collaboration/plan.html",
        {
            "plan": plan,
            "item_form": f.PlanItemForm(),
            "stakeholder_form": f.StakeholderForm(),
            "participation_form": f.ParticipationForm(),
            "statuses": f.ActionStatusForm.base_fields["status"].choices,
        },
    )


@login_required
@permission_required("collaboration.change_accountplan", raise_exception=True)
def plan_edit(request, pk: int):
    plan = _plan_or_404(request, pk)

    def initial(plan=plan) -> dict:
        return {
            "version": plan.version,
            "sales_owner": plan.sales_owner_id,
            "marketing_owner": plan.marketing_owner_id,
            "objectives": plan.objectives,
            "status": plan.status,
        }

    form = f.PlanEditForm(request.POST or None, initial=initial())
    done = _submit(
        request,
        form,
        lambda d: services.account_plan_update(
            plan=plan, actor=request.user, via="ui", expected_version=form.cleaned_data["version"], **d
        ),
        success=_("Plan saved."),
        redirect_to=reverse("collaboration:plan", args=[pk]),
    )
    return done or _form_page(
        request, form, str(plan.account), current=lambda: initial(_plan_or_404(request, pk))
    )


plan_item_add = record_action_view(
    RecordAction(
        permission="collaboration.change_accountplan",
        record=_plan_or_404,
        form=f.PlanItemForm,
        service=services.plan_item_add,
        record_as="plan",
        success=gettext_lazy("Added to the plan."),
        back=_plan_page,
    )
)


@login_required
@require_POST
@permission_required("collaboration.change_accountplan", raise_exception=True)
def plan_item_status(request, pk: int):
    item = get_object_or_404(PlanItem, pk=pk)
    if selectors.plan_detail(user=request.user, pk=item.plan_id) is None:
        raise Http404
    form = f.ActionStatusForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_update(
                item=item,
                actor=request.user,
                status=form.cleaned_data["status"],
                via="ui",
                expected_version=int_or_none(request.POST.get("version")),  # as the page showed it
            )
        except DomainError as error:
            _flash_errors(request, error)
    return redirect("collaboration:plan", pk=item.plan_id)


stakeholder_add = record_action_view(
    RecordAction(
        permission="collaboration.change_accountplan",
        record=_plan_or_404,
        form=f.StakeholderForm,
        service=services.stakeholder_add,
        record_as="plan",
        success=gettext_lazy("Stakeholder added."),
        back=_plan_page,
    )
)
participation_add = record_action_view(
    RecordAction(
        permission="collaboration.view_accountplan",
        record=_plan_or_404,
        form=f.ParticipationForm,
        service=services.participation_record,
        record_as="plan",
        success=gettext_lazy("Marketing participation recorded."),
        back=_plan_page,
    )
)
