"""The lead definitions page: each kind's versions and the rule in effect, and proposing a
new version with the rule builder (or as JSON, for rules the builder cannot show).

The builder's buttons post the whole form: "add"/"remove" only change the rows, "preview"
checks the rule and counts the leads it would qualify (``selectors_rule_preview``),
"propose" checks it and proposes it (``definitions.lead_definition_propose``). Both meet
the same check as the API, whose problems are shown beside the row they are about.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hamsu.core import versioning
from hamsu.core.errors import DomainError
from hamsu.core.forms import apply_domain_errors
from hamsu.funnel import rule_language, selectors
from hamsu.funnel.conditions import SUBJECT_FIELDS
from hamsu.funnel.forms import DecisionForm, DefinitionBuilderForm, DefinitionForm
from hamsu.funnel.models import DefinitionKind
from hamsu.funnel.rule_builder import JOINS, RuleBuilder, lead_catalogue
from hamsu.funnel.rule_text import describe_condition
from hamsu.funnel.selectors_rule_preview import definition_preview
from hamsu.funnel.services import definitions as definition_services


def _kind_of(request) -> str:
    kind = request.POST.get("kind") or request.GET.get("kind") or DefinitionKind.MQL
    return kind if kind in DefinitionKind.values else DefinitionKind.MQL


def _starting_builder(kind: str) -> tuple[RuleBuilder, bool]:
    """The builder showing the rule in effect for ``kind`` (a blank one when there is none,
    or when the builder cannot show it: then the second value is False)."""
    rules = definition_services.rule_in_effect(kind=kind).rules
    builder = RuleBuilder.from_rule(rules) if rules else RuleBuilder.blank()
    return (builder, True) if builder is not None else (RuleBuilder.blank(), False)


def _propose(request, form, builder, rules) -> tuple[bool, dict]:
    """Propose ``rules``; (done, what the page shows instead when it was refused)."""
    data = {"kind": form.cleaned_data["kind"], "summary": form.cleaned_data["summary"], "rules": rules}
    try:
        definition_services.lead_definition_propose(
            actor=request.user, via="ui", seen_number=form.seen_number(data["kind"]), **data
        )
    except versioning.StaleVersion as stale:
        return False, {
            "conflict": stale,
            "keep_prefix": "keep__",
            "conflict_in": "json" if builder is None else "builder",
        }
    except definition_services.RuleRefused as refused:
        _show_refusal(form, builder, refused)
        return False, {}
    except DomainError as error:
        apply_domain_errors(form, error)
        return False, {}
    return True, {}


def _show_refusal(form, builder, refused) -> None:
    if builder is None:
        apply_domain_errors(form, refused)
        return
    builder.show(refused.problems)
    for message in refused.errors.get("kind", []):
        form.add_error("kind", message)


@login_required
@permission_required("funnel.view_leaddefinition", raise_exception=True)
def definitions(request):
    by_kind = selectors.definitions_by_kind()
    seen = DefinitionBuilderForm.seen_of(by_kind)
    kind = _kind_of(request)
    builder, shown_whole = _starting_builder(kind)
    in_effect = definition_services.rule_in_effect(kind=kind)
    initial = {"kind": kind, "seen": seen}
    form = DefinitionBuilderForm(initial=initial)
    json_form = DefinitionForm(
        auto_id="json_%s",
        initial={**initial, "rules": json.dumps(in_effect.rules or {}, ensure_ascii=False)},
    )
    extra: dict = {}
    preview = None
    if request.method == "POST":
        if not request.user.has_perm("funnel.add_leaddefinition"):
            raise Http404
        if request.POST.get("keep__rules") == "theirs":
            messages.success(request, _("You kept their proposal; yours was not proposed."))
            return redirect("funnel:definitions")
        if "rows" in request.POST:
            builder, shown_whole = RuleBuilder.from_post(request.POST), True
            form = DefinitionBuilderForm(request.POST)
            if not builder.edited and form.is_valid():
                rules = builder.rule()
                if request.POST.get("action") == "preview":
                    try:
                        preview = definition_preview(kind=form.cleaned_data["kind"], rules=rules)
                    except definition_services.RuleRefused as refused:
                        _show_refusal(form, builder, refused)
                else:
                    done, extra = _propose(request, form, builder, rules)
                    if done:
                        messages.success(
                            request, _("New version proposed; it takes effect when both heads approve it.")
                        )
                        return redirect("funnel:definitions")
                    if extra:
                        # Yours again on top of the newest version: proposing now is "keep mine".
                        form = DefinitionBuilderForm(
                            initial={**form.cleaned_data, "seen": DefinitionBuilderForm.seen_of(by_kind)}
                        )
        else:
            json_form = DefinitionForm(request.POST, auto_id="json_%s")
            if json_form.is_valid():
                done, extra = _propose(request, json_form, None, json_form.cleaned_data["rules"])
                if done:
                    messages.success(
                        request, _("New version proposed; it takes effect when both heads approve it.")
                    )
                    return redirect("funnel:definitions")
                if extra:
                    json_form = DefinitionForm(
                        auto_id="json_%s",
                        initial={
                            **json_form.cleaned_data,
                            "rules": json.dumps(json_form.cleaned_data["rules"], ensure_ascii=False),
                            "seen": DefinitionForm.seen_of(by_kind),
                        },
                    )
    catalogue = lead_catalogue()
    return render(
        request,
        "funnel/definitions.html",
        {
            # Each kind with the rule in force (signed or built in), stated once, from the
            # same function that moves the leads.
            "by_kind": [
                (DefinitionKind(k).label, rows, definition_services.rule_in_effect(kind=k))
                for k, rows in by_kind.items()
            ],
            "described": {d.pk: describe_condition(d.rules) for rows in by_kind.values() for d in rows},
            "as_json": {
                d.pk: json.dumps(d.rules, ensure_ascii=False, indent=2)
                for rows in by_kind.values()
                for d in rows
            },
            "form": form,
            "json_form": json_form,
            "builder": builder,
            "builder_groups": builder.groups(catalogue),
            "shown_whole": shown_whole,
            "catalogue": catalogue,
            "catalogue_data": _catalogue_data(catalogue),
            "joins": list(JOINS.items()),
            "preview": preview,
            **extra,
            "decision_form": DecisionForm(),
            "fields": SUBJECT_FIELDS["lead"],
            "operators": sorted(rule_language.OPERATORS),
        },
        status=409 if extra else 200,
    )


def _catalogue_data(catalogue) -> dict:
    """What the builder's script needs to fit a row's operators and value to its field,
    and the words of the inputs it makes ({n}: the condition's number)."""
    return {
        "fields": {
            spec.name: {"type": spec.type, "operators": spec.operators, "choices": spec.choices}
            for spec in catalogue
        },
        "texts": {
            "value": _("Value of condition {n}"),
            "choose": _("— choose —"),
            "several": _("Several values, separated by commas."),
            "kind": _("of the kind (empty: any kind)"),
            "days": _("in the last … days (empty: ever)"),
        },
    }
