"""The SLA pages: the policies with who hears of a breach, their forms, and business
calendars."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hamsu.directory.models import Person, RoleTitle
from hamsu.funnel import rule_text
from hamsu.funnel.forms import (
    BusinessCalendarForm,
    SlaPolicyForm,
)
from hamsu.funnel.models import BusinessCalendar, SlaPolicy
from hamsu.funnel.services import handoff as handoff_services
from hamsu.funnel.views_rules.common import (
    act,
    after_conflict,
    form_page,
    page_view,
    post_view,
    save_form,
    shown_version,
)


def _escalation_targets(policies: list[SlaPolicy]) -> dict[int, str]:
    """Who hears about a breach under each policy: the seller's manager (else the team's)
    and the team's marketing liaisons — the same people sla_check notifies."""
    team_ids = [p.team_id for p in policies if p.team_id]
    liaisons: dict[int, list[str]] = {}
    for team_id, name in Person.objects.filter(
        team_id__in=team_ids, role_title=RoleTitle.MARKETING_LIAISON, is_active=True
    ).values_list("team_id", "full_name"):
        liaisons.setdefault(team_id, []).append(name)
    targets = {}
    for policy in policies:
        if policy.team_id is None:
            targets[policy.pk] = _(
                "each seller's manager (else the team's manager) and the team's marketing liaisons"
            )
            continue
        manager = policy.team.manager.full_name if policy.team.manager_id else _("no team manager")
        names = ", ".join(liaisons.get(policy.team_id, [])) or _("no liaison")
        targets[policy.pk] = _("the seller's manager or %(manager)s; liaisons: %(liaisons)s") % {
            "manager": manager,
            "liaisons": names,
        }
    return targets


@page_view("funnel.view_slapolicy")
def sla_list(request):
    policies = list(
        SlaPolicy.objects.select_related("team__manager", "calendar").order_by("team__name", "name")
    )
    targets = _escalation_targets(policies)
    rows = [
        {"policy": p, "calendar": rule_text.describe_calendar(p.calendar), "escalation": targets[p.pk]}
        for p in policies
    ]
    in_use: dict[int, int] = {}
    for policy in policies:
        in_use[policy.calendar_id] = in_use.get(policy.calendar_id, 0) + 1
    calendars = [
        {"calendar": c, "text": rule_text.describe_calendar(c), "policies": in_use.get(c.pk, 0)}
        for c in BusinessCalendar.objects.order_by("name")
    ]
    return render(
        request,
        "funnel/rules/sla_list.html",
        {
            "rows": rows,
            "calendars": calendars,
            "has_default": any(p.team_id is None for p in policies),
            "section": "sla",
        },
    )


def _policy_write(request, policy=None, version=None):
    def write(data):
        if policy is None:
            return handoff_services.sla_policy_create(actor=request.user, via="ui", **data)
        return handoff_services.sla_policy_update(
            policy=policy, actor=request.user, via="ui", expected_version=version, **data
        )

    return write


@page_view("funnel.add_slapolicy")
def sla_create(request):
    form = SlaPolicyForm(request.POST or None, initial=SlaPolicyForm.DEFAULTS)
    if request.method == "POST" and save_form(
        request, form, _policy_write(request), done=_("SLA policy created.")
    ):
        return redirect("funnel:rules_sla")
    extra = {"no_calendar": not BusinessCalendar.objects.exists()}
    return form_page(
        request, form, title=_("New SLA policy"), section="sla", cancel="funnel:rules_sla", extra=extra
    )


@page_view("funnel.change_slapolicy")
def sla_edit(request, pk: int):
    policy = get_object_or_404(SlaPolicy, pk=pk)
    form = SlaPolicyForm(request.POST or None, initial=SlaPolicyForm.initial_for(policy))
    if request.method == "POST" and save_form(
        request,
        form,
        lambda data: _policy_write(request, policy, form.cleaned_data["version"])(data),
        done=_("SLA policy saved."),
    ):
        return redirect("funnel:rules_sla")
    form, conflict = after_conflict(form, policy)
    return form_page(
        request,
        form,
        title=_("SLA policy “%(name)s”") % {"name": policy.name},
        section="sla",
        cancel="funnel:rules_sla",
        extra={"retire_url": "funnel:rules_sla_retire", "policy": policy, **conflict},
        status=409 if conflict else 200,
    )


@post_view("funnel.change_slapolicy")
def sla_retire(request, pk: int):
    policy = get_object_or_404(SlaPolicy, pk=pk)
    name = policy.name
    act(
        request,
        lambda: handoff_services.sla_policy_retire(
            policy=policy, actor=request.user, via="ui", expected_version=shown_version(request)
        ),
        _("SLA policy “%(name)s” retired; its team now follows the default policy.") % {"name": name},
    )
    return redirect("funnel:rules_sla")


@page_view("funnel.add_businesscalendar")
def calendar_create(request):
    form = BusinessCalendarForm(request.POST or None)
    if request.method == "POST" and save_form(
        request,
        form,
        lambda data: handoff_services.business_calendar_create(actor=request.user, via="ui", **data),
        done=_("Business calendar created."),
    ):
        return redirect("funnel:rules_sla")
    return form_page(
        request, form, title=_("New business calendar"), section="sla", cancel="funnel:rules_sla"
    )
