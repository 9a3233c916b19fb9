"""The routing rules' pages: the list, a rule's form, its order and switch, and the test
that shows which rule would take a lead now."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hamsu.funnel import rule_text
from hamsu.funnel.forms import (
    LeadPickForm,
    RoutingRuleForm,
)
from hamsu.funnel.models import RoutingRule
from hamsu.funnel.services import routing as routing_services
from hamsu.funnel.views_rules.common import (
    act,
    active_flag,
    after_conflict,
    form_page,
    lead_options,
    page_view,
    pick_lead,
    post_view,
    save_form,
    shown_version,
)


@page_view("funnel.view_routingrule")
def routing_list(request):
    rules = list(RoutingRule.objects.select_related("team", "segment").order_by("position", "pk"))
    rows = [
        {
            "rule": rule,
            "criteria": rule_text.describe_routing_criteria(rule),
            "target": rule_text.describe_routing_target(rule),
        }
        for rule in rules
    ]
    return render(request, "funnel/rules/routing_list.html", {"rows": rows, "section": "routing"})


@page_view("funnel.add_routingrule")
def routing_create(request):
    form = RoutingRuleForm(request.POST or None)
    if request.method == "POST" and save_form(
        request,
        form,
        lambda data: routing_services.routing_rule_create(actor=request.user, via="ui", **data),
        done=_("Routing rule created."),
    ):
        return redirect("funnel:rules_routing")
    return form_page(
        request, form, title=_("New routing rule"), section="routing", cancel="funnel:rules_routing"
    )


@page_view("funnel.change_routingrule")
def routing_edit(request, pk: int):
    rule = get_object_or_404(RoutingRule, pk=pk)
    form = RoutingRuleForm(request.POST or None, initial=RoutingRuleForm.initial_for(rule))
    if request.method == "POST" and save_form(
        request,
        form,
        lambda data: routing_services.routing_rule_update(
            rule=rule, actor=request.user, via="ui", expected_version=form.cleaned_data["version"], **data
        ),
        done=_("Routing rule saved."),
    ):
        return redirect("funnel:rules_routing")
    form, conflict = after_conflict(form, rule)
    return form_page(
        request,
        form,
        title=_("Routing rule “%(name)s”") % {"name": rule.name},
        section="routing",
        cancel="funnel:rules_routing",
        extra={"test_url": "funnel:rules_routing_test", "rule": rule, **conflict},
        status=409 if conflict else 200,
    )


@post_view("funnel.change_routingrule")
def routing_move(request, pk: int):
    rule = get_object_or_404(RoutingRule, pk=pk)
    act(
        request,
        lambda: routing_services.routing_rule_move(
            rule=rule, direction=request.POST.get("direction", ""), actor=request.user, via="ui"
        ),
    )
    return redirect("funnel:rules_routing")


@post_view("funnel.change_routingrule")
def routing_active(request, pk: int):
    rule = get_object_or_404(RoutingRule, pk=pk)
    active = active_flag(request)
    act(
        request,
        lambda: routing_services.routing_rule_update(
            rule=rule, actor=request.user, via="ui", expected_version=shown_version(request), is_active=active
        ),
        _("Rule “%(name)s” is active again.") % {"name": rule.name}
        if active
        else _("Rule “%(name)s” is deactivated: routing skips it.") % {"name": rule.name},
    )
    return redirect("funnel:rules_routing")


@page_view("funnel.change_routingrule")
def routing_test(request):
    """Pick a lead: which rule would take it now, and why — nothing is assigned."""
    focus = (
        RoutingRule.objects.filter(pk=request.GET.get("rule") or 0).first()
        if (request.GET.get("rule", "").isdigit())
        else None
    )
    form = LeadPickForm(request.GET if "lead" in request.GET else None)
    preview = lead = None
    if form.is_bound and form.is_valid():
        lead = pick_lead(request.user, form.cleaned_data["lead"])
        if lead is None:
            form.add_error("lead", _("No lead you can see matches this."))
        else:
            preview = routing_services.routing_preview(lead=lead)
    focus_trace = (
        next((t for t in preview.trace if focus and t.rule.pk == focus.pk), None) if preview else None
    )
    return render(
        request,
        "funnel/rules/routing_test.html",
        {
            "section": "routing",
            "form": form,
            "lead": lead,
            "preview": preview,
            "focus": focus,
            "focus_trace": focus_trace,
            "options": lead_options(request.user),
        },
    )
