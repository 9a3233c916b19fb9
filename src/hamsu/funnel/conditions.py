"""What a rule's conditions may test for each kind of record, and the check every rule
editor runs on them (rules of engagement, routing rules; their forms and services).

It sits below both kinds of rule so routing does not depend on the rules of engagement
to check its own conditions.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hamsu.funnel import rule_language
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


def validate_conditions(conditions, subject: str | None = None) -> list[str]:
    """Problems in a rule's conditions, in the reader's language ([] when it is fine)."""
    if conditions in (None, {}):
        return []
    fields = rule_language.FIELDS
    if subject in SUBJECT_FIELDS:
        fields = {name: rule_language.FIELDS[name] for name in SUBJECT_FIELDS[subject]}
    try:
        rule_language.validate(conditions, fields=fields)
    except rule_language.RuleError as error:
        return [problem_text(path, message) for path, message in error.problems]
    if _counts_touches(conditions):
        # The evaluator gives rules of engagement the record's fields, not its touch history.
        return [_("Rules of engagement and routing test fields; counting touches is for lead definitions.")]
    return []


def _counts_touches(node) -> bool:
    if not isinstance(node, dict):
        return False
    if "touches" in node:
        return True
    children = node.get("all") or node.get("any") or ([node["not"]] if "not" in node else [])
    return any(_counts_touches(child) for child in children)
