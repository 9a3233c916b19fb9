"""The rules of engagement's pages: the list, a rule's form with what it may test and do,
its order and switch, and the test on a lead or a deal."""

from __future__ import annotations

import json

from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hamsu.crm.selectors import opportunities_visible
from hamsu.funnel import rule_text
from hamsu.funnel.conditions import SUBJECT_FIELDS
from hamsu.funnel.forms import (
    EngagementRuleForm,
)
from hamsu.funnel.models import EngagementRule
from hamsu.funnel.services import engagement as engagement_services
from hamsu.funnel.services.engagement_actions import PARTICIPANT_TITLES
from hamsu.funnel.views_rules.common import (
    LEAD_NUMBER,
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


@page_view("funnel.view_engagementrule")
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


@page_view("funnel.add_engagementrule")
def engagement_create(request):
    form = EngagementRuleForm(request.POST or None)
    if request.method == "POST" and save_form(
        request,
        form,
        lambda data: engagement_services.engagement_rule_create(actor=request.user, via="ui", **data),
        done=_("Rule of engagement created."),
    ):
        return redirect("funnel:rules_engagement")
    return form_page(
        request,
        form,
        title=_("New rule of engagement"),
        section="engagement",
        cancel="funnel:rules_engagement",
        extra=_engagement_reference(),
    )


@page_view("funnel.change_engagementrule")
def engagement_edit(request, pk: int):
    rule = get_object_or_404(EngagementRule, pk=pk)
    form = EngagementRuleForm(request.POST or None, initial=EngagementRuleForm.initial_for(rule))
    if request.method == "POST" and save_form(
        request,
        form,
        lambda data: engagement_services.engagement_rule_update(
            rule=rule, actor=request.user, via="ui", expected_version=form.cleaned_data["version"], **data
        ),
        done=_("Rule of engagement saved."),
    ):
        return redirect("funnel:rules_engagement")
    form, conflict = after_conflict(form, rule)
    return form_page(
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
            **conflict,
        },
        status=409 if conflict else 200,
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


@post_view("funnel.change_engagementrule")
def engagement_move(request, pk: int):
    rule = get_object_or_404(EngagementRule, pk=pk)
    act(
        request,
        lambda: engagement_services.engagement_rule_move(
            rule=rule, direction=request.POST.get("direction", ""), actor=request.user, via="ui"
        ),
    )
    return redirect("funnel:rules_engagement")


@post_view("funnel.change_engagementrule")
def engagement_active(request, pk: int):
    rule = get_object_or_404(EngagementRule, pk=pk)
    active = active_flag(request)
    act(
        request,
        lambda: engagement_services.engagement_rule_update(
            rule=rule, actor=request.user, via="ui", expected_version=shown_version(request), is_active=active
        ),
        _("Rule “%(name)s” is active again.") % {"name": rule.name}
        if active
        else _("Rule “%(name)s” is deactivated: it no longer fires.") % {"name": rule.name},
    )
    return redirect("funnel:rules_engagement")


def _pick_opportunity(user, text: str):
    match = LEAD_NUMBER.search((text or "").strip())
    if not match:
        return None
    return opportunities_visible(user).select_related("segment", "account").filter(pk=int(match[1])).first()


@page_view("funnel.change_engagementrule")
def engagement_test(request, pk: int):
    """Would this rule's conditions hold for a given lead or deal? Nothing fires."""
    rule = get_object_or_404(EngagementRule, pk=pk)
    text = request.GET.get("record", "").strip()[:300]
    record = result = facts = None
    error = ""
    if text:
        record = (pick_lead if rule.subject == "lead" else _pick_opportunity)(request.user, text)
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
            "options": lead_options(request.user) if rule.subject == "lead" else [],
        },
    )
