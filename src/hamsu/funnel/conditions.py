"""What a rule's conditions may test for each kind of record, and the check every rule
editor runs on them (rules of engagement, routing rules; their forms and services).

It sits below both kinds of rule so routing does not depend on the rules of engagement
to check its own conditions.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hamsu.core.validation import country_codes
from hamsu.crm.models import Segment, SizeBand
from hamsu.funnel import rule_language
from hamsu.funnel.models import LeadState
from hamsu.funnel.rule_text import problem_text

# The facts each kind of record offers a rule (``scoring.lead_facts`` for a lead, the
# rules of engagement's opportunity facts for a deal): a condition on a field the record
# does not have could never be true.
SUBJECT_FIELDS = {
    "opportunity": ("amount", "stage", "source", "segment", "country"),
    "lead": (
        "segment",
        "country",
        "title",
        "company",
        "email_domain",
        "origin",
        "size_band",
        "employees",
        "score",
        "win_probability",
        "state",
    ),
}


def subject_fields(subject: str | None) -> dict[str, str]:
    """The fields a rule about ``subject`` may test, with the type each holds."""
    if subject in SUBJECT_FIELDS:
        return {name: rule_language.FIELDS[name] for name in SUBJECT_FIELDS[subject]}
    return dict(rule_language.FIELDS)


def lead_choices() -> dict[str, list[str]]:
    """The values a lead's enumerated fields can hold (as ``lead_facts`` gives them): a
    rule naming any other value could never match, so editors offer these and checks
    refuse the rest. A segment is tested by its name."""
    return {
        "state": list(LeadState.values),
        "size_band": list(SizeBand.values),
        "country": sorted(country_codes()),
        "segment": list(Segment.objects.order_by("name").values_list("name", flat=True)),
    }


def rule_problems(rule, *, subject: str | None = None) -> list[tuple[str, str]]:
    """Every problem in ``rule`` as (JSON path, message in the reader's language); the one
    check behind every rule editor (forms, the rule builder, the API)."""
    choices = lead_choices() if subject == "lead" else None
    try:
        rule_language.validate(rule, fields=subject_fields(subject), choices=choices)
    except rule_language.RuleError as error:
        return [(path, problem_text(path, message)) for path, message in error.problems]
    return []


def validate_conditions(conditions, subject: str | None = None) -> list[str]:
    """Problems in a rule's conditions, in the reader's language ([] when it is fine)."""
    if conditions in (None, {}):
        return []
    problems = rule_problems(conditions, subject=subject)
    if problems:
        return [text for _path, text in problems]
    if counts_touches(conditions):
        # The evaluator gives rules of engagement the record's fields, not its touch history.
        return [_("Rules of engagement and routing test fields; counting touches is for lead definitions.")]
    return []


def counts_touches(node) -> bool:
    if not isinstance(node, dict):
        return False
    if "touches" in node:
        return True
    children = node.get("all") or node.get("any") or ([node["not"]] if "not" in node else [])
    return any(counts_touches(child) for child in children)
