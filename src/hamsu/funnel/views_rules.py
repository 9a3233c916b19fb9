"""Pages to read and edit the funnel's rules: routing, SLA policies with their business
calendars, and rules of engagement.

Thin views: a form parses, a service writes (transactional, audited — the same services
as the API), and the permissions are the API's for the same objects. Everyone who may
see a list may read it; only those who may change it see the buttons, and a write by
anyone else is a 403.
"""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Max
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamsu.core.errors import DomainError
from hamsu.core.forms import apply_domain_errors
from hamsu.crm.selectors import opportunities_visible
from hamsu.directory.models import Person, RoleTitle
from hamsu.funnel import rule_text
from hamsu.funnel.conditions import SUBJECT_FIELDS
from hamsu.funnel.forms import (
    BusinessCalendarForm,
    EngagementRuleForm,
    LeadPickForm,
    RoutingRuleForm,
    SlaPolicyForm,
)
from hamsu.funnel.models import BusinessCalendar, EngagementRule, Lead, RoutingRule, SlaPolicy
from hamsu.funnel.selectors import leads_open_to
from hamsu.funnel.services import engagement as engagement_services
from hamsu.funnel.services import handoff as handoff_services
from hamsu.funnel.services import routing as routing_services
from hamsu.funnel.services.engagement_actions import PARTICIPANT_TITLES


def _page(permission: str):
    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


def _post(permission: str):
    def decorator(view):
        return login_required(require_POST(permission_required(permission, raise_exception=True)(view)))

    return decorator


def _get_or_404(model, pk: int):
    instance = model.objects.filter(pk=pk).first()
    if instance is None:
        raise Http404
    return instance


def _save(request, form, write, *, done: str) -> bool:
    """Run the service if the form is valid; its field errors land on the form."""
    if not form.is_valid():
        return False
    try:
        write(form.cleaned_data)
    except DomainError as error:
        apply_domain_errors(form, error)
        return False
    messages.success(request, done)
    return True


def _act(request, call, done: str = "") -> None:
    try:
        call()
    except DomainError as error:
        messages.error(request, error.summary())
    else:
        if done:
            messages.success(request, done)


def _form_page(request, form, *, title: str, section: str, cancel: str, extra: dict | None = None):
    return render(
        request,
        "funnel/rules/form.html",
        {"form": form, "title": title, "section": section, "cancel": cancel, **(extra or {})},
    )


def _active_flag(request) -> bool:
    return request.POST.get("active") == "1"


# ---------------------------------------------------------------- routing


@_page("funnel.view_routingrule")
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


@_page("funnel.add_routingrule")
def routing_create(request):
    form = RoutingRuleForm(request.POST or None)
    if request.method == "POST" and _save(
        request,
        form,
        lambda data: routing_services.routing_rule_create(actor=request.user, via="ui", **data),
        done=_("Routing rule created."),
    ):
        return redirect("funnel:rules_routing")
    return _form_page(
        request, form, title=_("New routing rule"), section="routing", cancel="funnel:rules_routing"
    )


@_page("funnel.change_routingrule")
def routing_edit(request, pk: int):
    rule = _get_or_404(RoutingRule, pk)
    form = RoutingRuleForm(request.POST or None, initial=RoutingRuleForm.initial_for(rule))
    if request.method == "POST" and _save(
        request,
        form,
        lambda data: routing_services.routing_rule_update(rule=rule, actor=request.user, via="ui", **data),
        done=_("Routing rule saved."),
    ):
        return redirect("funnel:rules_routing")
    return _form_page(
        request,
        form,
        title=_("Routing rule “%(name)s”") % {"name": rule.name},
        section="routing",
        cancel="funnel:rules_routing",
        extra={"test_url": "funnel:rules_routing_test", "rule": rule},
    )


@_post("funnel.change_routingrule")
def routing_move(request, pk: int):
    rule = _get_or_404(RoutingRule, pk)
    _act(
        request,
        lambda: routing_services.routing_rule_move(
            rule=rule, direction=request.POST.get("direction", ""), actor=request.user, via="ui"
        ),
    )
    return redirect("funnel:rules_routing")


@_post("funnel.change_routingrule")
def routing_active(request, pk: int):
    rule = _get_or_404(RoutingRule, pk)
    active = _active_flag(request)
    _act(
        request,
        lambda: routing_services.routing_rule_update(
            rule=rule, actor=request.user, via="ui", is_active=active
        ),
        _("Rule “%(name)s” is active again.") % {"name": rule.name}
        if active
        else _("Rule “%(name)s” is deactivated: routing skips it.") % {"name": rule.name},
    )
    return redirect("funnel:rules_routing")


_LEAD_NUMBER = re.compile(r"(?:\[#|#)?(\d+)\]?\s*$")


def _pick_lead(user, text: str) -> Lead | None:
    text = (text or "").strip()
    leads = leads_open_to(user).select_related("account__owner", "segment")
    match = _LEAD_NUMBER.search(text)
    if match:
        return leads.filter(pk=int(match[1])).first()
    if "@" in text:
        return leads.filter(email__iexact=text).order_by("-created_at").first()
    return None


def _lead_options(user) -> list[tuple[int, str]]:
    rows = (
        leads_open_to(user)
        .order_by("-created_at")
        .values_list("pk", "first_name", "last_name", "email", "company")[:100]
    )
    return [(pk, f"{first} {last} · {email or company}".strip()) for pk, first, last, email, company in rows]


@_page("funnel.change_routingrule")
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
        lead = _pick_lead(request.user, form.cleaned_data["lead"])
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
            "options": _lead_options(request.user),
        },
    )


# ---------------------------------------------------------------- SLA policies and calendars


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


@_page("funnel.view_slapolicy")
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


def _policy_write(request, policy=None):
    def write(data):
        if policy is None:
            return handoff_services.sla_policy_create(actor=request.user, via="ui", **data)
        return handoff_services.sla_policy_update(policy=policy, actor=request.user, via="ui", **data)

    return write


@_page("funnel.add_slapolicy")
def sla_create(request):
    form = SlaPolicyForm(request.POST or None, initial=SlaPolicyForm.DEFAULTS)
    if request.method == "POST" and _save(
        request, form, _policy_write(request), done=_("SLA policy created.")
    ):
        return redirect("funnel:rules_sla")
    extra = {"no_calendar": not BusinessCalendar.objects.exists()}
    return _form_page(
        request, form, title=_("New SLA policy"), section="sla", cancel="funnel:rules_sla", extra=extra
    )


@_page("funnel.change_slapolicy")
def sla_edit(request, pk: int):
    policy = _get_or_404(SlaPolicy, pk)
    form = SlaPolicyForm(request.POST or None, initial=SlaPolicyForm.initial_for(policy))
    if request.method == "POST" and _save(
        request, form, _policy_write(request, policy), done=_("SLA policy saved.")
    ):
        return redirect("funnel:rules_sla")
    return _form_page(
        request,
        form,
        title=_("SLA policy “%(name)s”") % {"name": policy.name},
        section="sla",
        cancel="funnel:rules_sla",
        extra={"retire_url": "funnel:rules_sla_retire", "policy": policy},
    )


@_post("funnel.change_slapolicy")
def sla_retire(request, pk: int):
    policy = _get_or_404(SlaPolicy, pk)
    name = policy.name
    _act(
        request,
        lambda: handoff_services.sla_policy_retire(policy=policy, actor=request.user, via="ui"),
        _("SLA policy “%(name)s” retired; its team now follows the default policy.") % {"name": name},
    )
    return redirect("funnel:rules_sla")


@_page("funnel.add_businesscalendar")
def calendar_create(request):
    form = BusinessCalendarForm(request.POST or None)
    if request.method == "POST" and _save(
        request,
        form,
        lambda data: handoff_services.business_calendar_create(actor=request.user, via="ui", **data),
        done=_("Business calendar created."),
    ):
        return redirect("funnel:rules_sla")
    return _form_page(
        request, form, title=_("New business calendar"), section="sla", cancel="funnel:rules_sla"
    )


# ---------------------------------------------------------------- rules of engagement


@_page("funnel.view_engagementrule")
def engagement_list(request):
    rules = EngagementRule.objects.annotate(
        n_firings=Count("firings"), last_fired=Max("firings__at")
    ).order_by("position", "pk")
    rows = [
        {
            "rule": rule,
            "conditions": _safe_condition_text(rule.conditions),
            "actions": rule_text.describe_actions(rule.actions),
        }
        for rule in rules
    ]
    return render(request, "funnel/rules/engagement_list.html", {"rows": rows, "section": "engagement"})


def _safe_condition_text(conditions) -> str:
    # Rules stored before validation was strict (or edited in the admin) may not read
    # as a sentence; the list shows the JSON then instead of failing.
    try:
        return rule_text.describe_condition(conditions)
    except (KeyError, TypeError, AttributeError, IndexError):
        return json.dumps(conditions, ensure_ascii=False)


@_page("funnel.add_engagementrule")
def engagement_create(request):
    form = EngagementRuleForm(request.POST or None)
    if request.method == "POST" and _save(
        request,
        form,
        lambda data: engagement_services.engagement_rule_create(actor=request.user, via="ui", **data),
        done=_("Rule of engagement created."),
    ):
        return redirect("funnel:rules_engagement")
    return _form_page(
        request,
        form,
        title=_("New rule of engagement"),
        section="engagement",
        cancel="funnel:rules_engagement",
        extra=_engagement_reference(),
    )


@_page("funnel.change_engagementrule")
def engagement_edit(request, pk: int):
    rule = _get_or_404(EngagementRule, pk)
    form = EngagementRuleForm(request.POST or None, initial=EngagementRuleForm.initial_for(rule))
    if request.method == "POST" and _save(
        request,
        form,
        lambda data: engagement_services.engagement_rule_update(
            rule=rule, actor=request.user, via="ui", **data
        ),
        done=_("Rule of engagement saved."),
    ):
        return redirect("funnel:rules_engagement")
    return _form_page(
        request,
        form,
        title=_("Rule of engagement “%(name)s”") % {"name": rule.name},
        section="engagement",
        cancel="funnel:rules_engagement",
        extra={
            **_engagement_reference(),
            "test_url": "funnel:rules_engagement_test",
            "rule": rule,
            "reads_as": {
                "conditions": _safe_condition_text(rule.conditions),
                "actions": rule_text.describe_actions(rule.actions),
            },
        },
    )


def _engagement_reference() -> dict:
    """What a rule may test and do, per kind of record, shown beside the JSON fields."""
    return {
        "reference": [
            {
                "subject": label,
                "fields": SUBJECT_FIELDS[code],
                "actions": engagement_services.SUBJECT_ACTIONS[code],
            }
            for code, label in EngagementRule.Subject.choices
        ],
        "roles": list(PARTICIPANT_TITLES),
    }


@_post("funnel.change_engagementrule")
def engagement_move(request, pk: int):
    rule = _get_or_404(EngagementRule, pk)
    _act(
        request,
        lambda: engagement_services.engagement_rule_move(
            rule=rule, direction=request.POST.get("direction", ""), actor=request.user, via="ui"
        ),
    )
    return redirect("funnel:rules_engagement")


@_post("funnel.change_engagementrule")
def engagement_active(request, pk: int):
    rule = _get_or_404(EngagementRule, pk)
    active = _active_flag(request)
    _act(
        request,
        lambda: engagement_services.engagement_rule_update(
            rule=rule, actor=request.user, via="ui", is_active=active
        ),
        _("Rule “%(name)s” is active again.") % {"name": rule.name}
        if active
        else _("Rule “%(name)s” is deactivated: it no longer fires.") % {"name": rule.name},
    )
    return redirect("funnel:rules_engagement")


def _pick_opportunity(user, text: str):
    match = _LEAD_NUMBER.search((text or "").strip())
    if not match:
        return None
    return opportunities_visible(user).select_related("segment", "account").filter(pk=int(match[1])).first()


@_page("funnel.change_engagementrule")
def engagement_test(request, pk: int):
    """Would this rule's conditions hold for a given lead or deal? Nothing fires."""
    rule = _get_or_404(EngagementRule, pk)
    text = request.GET.get("record", "").strip()[:300]
    record = result = facts = None
    error = ""
    if text:
        record = (_pick_lead if rule.subject == "lead" else _pick_opportunity)(request.user, text)
        if record is None:
            error = _("No record you can see matches this.")
        else:
            result, facts = engagement_services.engagement_rule_preview(rule=rule, obj=record)
    return render(
        request,
        "funnel/rules/engagement_test.html",
        {
            "section": "engagement",
            "rule": rule,
            "text": text,
            "record": record,
            "result": result,
            "facts": [(str(rule_text.FIELD_LABELS.get(k, k)), v) for k, v in (facts or {}).items()],
            "error": error,
            "conditions": _safe_condition_text(rule.conditions),
            "actions": rule_text.describe_actions(rule.actions),
            "options": _lead_options(request.user) if rule.subject == "lead" else [],
        },
    )
