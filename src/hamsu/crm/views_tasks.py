"""Pages for tasks and next steps: my tasks, planning a deal's next step, done, put off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.core import glossary
from hamsu.core.errors import DomainError
from hamsu.core.forms import form_error_text
from hamsu.core.http import int_or_none
from hamsu.crm import selectors, services, services_tasks
from hamsu.crm.forms import TaskDoneForm, TaskForm, TaskSnoozeForm, snooze_until
from hamsu.crm.models import Activity
from hamsu.crm.selectors_tasks import (
    LIST_LIMIT,
    deals_without_next_step,
    quiet_deals,
    task_buckets,
    task_counts,
)
from hamsu.directory.models import Person
from hamsu.directory.visibility import person_of, visible


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


FIGURES = ("tasks.overdue", "tasks.due_today", "tasks.upcoming", "tasks.no_next_step", "tasks.quiet")


@login_required
@permission_required("crm.view_activity", raise_exception=True)
def task_list(request):
    """One person's open tasks (the reader's, or a seller a manager picks) and their deals
    that need a next step or have gone quiet."""
    me = person_of(request.user)
    owner = me
    picked = int_or_none(request.GET.get("owner"))
    if picked and picked != getattr(me, "pk", None):
        owner = Person.objects.filter(pk=picked, is_active=True).first() or me
    people = Person.objects.filter(
        is_active=True, pk__in=visible(Activity.objects.all(), request.user).values("owner_id")
    ).order_by("full_name")
    context = {"owner": owner, "people": people, "snooze_form": TaskSnoozeForm(), "done_form": TaskDoneForm()}
    if owner is not None:
        buckets = task_buckets(user=request.user, owner=owner)
        counts = task_counts(user=request.user, owner=owner)
        sections = [
            (_("Overdue"), "tasks.overdue", buckets.overdue),
            (_("Due today"), "tasks.due_today", buckets.today),
            (_("Next seven days"), "tasks.upcoming", buckets.upcoming),
        ]
        deal_sections = [
            (
                _("Deals without a next step"),
                "tasks.no_next_step",
                deals_without_next_step(user=request.user, owner=owner)[:LIST_LIMIT],
            ),
            (_("Deals gone quiet"), "tasks.quiet", quiet_deals(user=request.user, owner=owner)[:LIST_LIMIT]),
        ]
        context |= {
            "figures": [(key, glossary.term(key).name, counts[key.split(".")[1]]) for key in FIGURES],
            "task_sections": sections,
            "deal_sections": deal_sections,
        }
    return render(request, "crm/tasks.html", context)


@login_required
@require_POST
@permission_required("crm.add_activity", raise_exception=True)
def opportunity_task_create(request, pk: int):
    opportunity = selectors.opportunity_detail(user=request.user, pk=pk)
    if opportunity is None:
        raise Http404
    form = TaskForm(request.POST, prefix="task")
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect("crm:opportunity", pk=pk)
    try:
        services.activity_create(
            actor=request.user,
            owner=person_of(request.user) or opportunity.owner,
            kind=form.cleaned_data["kind"],
            subject=form.cleaned_data["subject"],
            due_at=form.cleaned_data["due_at"],
            opportunity=opportunity,
            via="ui",
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Next step planned."))
    return redirect("crm:opportunity", pk=pk)


def _task_or_404(request, pk: int) -> Activity:
    task = visible(Activity.objects.all(), request.user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


@login_required
@require_POST
@permission_required("crm.change_activity", raise_exception=True)
def task_done(request, pk: int):
    task = _task_or_404(request, pk)
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return _back(request, "crm:tasks")
    data = form.cleaned_data
    try:
        _done, following = services_tasks.task_complete(
            activity=task,
            actor=request.user,
            outcome=data["outcome"],
            note=data["note"],
            next_subject=data["next_subject"],
            next_due_at=data["next_due_at"],
            expected_version=data["version"],
            via="ui",
        )
    except DomainError as error:
        details = " ".join(m for ms in error.errors.values() for m in ms)
        messages.error(request, f"{error.message} {details}".strip())
    else:
        messages.success(request, _("Done; next step planned.") if following else _("Marked done."))
    return _back(request, "crm:tasks")


@login_required
@require_POST
@permission_required("crm.change_activity", raise_exception=True)
def task_snooze(request, pk: int):
    task = _task_or_404(request, pk)
    form = TaskSnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return _back(request, "crm:tasks")
    try:
        services_tasks.task_snooze(
            activity=task,
            actor=request.user,
            until=snooze_until(form.cleaned_data["until"]),
            expected_version=form.cleaned_data["version"],
            via="ui",
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Put off."))
    return _back(request, "crm:tasks")
