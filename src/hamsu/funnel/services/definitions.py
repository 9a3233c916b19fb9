"""Lead definitions: which version is in effect for each kind (the signed one, else the
built-in MQL rule), whether a lead meets it, and proposing a new version.

Both heads decide on a proposal in ``approvals``; moving the leads a definition covers is
the lifecycle's work (``leads.lead_evaluate``, ``reevaluation``), so this module is below
both and imports neither.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.errors import Conflict, ValidationFailed
from hamsu.funnel import rule_language
from hamsu.funnel.conditions import rule_problems
from hamsu.funnel.models import MARKETING_STATES, DefinitionKind, Lead, LeadDefinition, LeadState, LeadTouch
from hamsu.funnel.rule_text import describe_condition
from hamsu.funnel.services.scoring import lead_facts

# Until both heads sign an MQL definition, this rule makes a lead an MQL. Every page,
# reason and check reads it through ``rule_in_effect``, never restating the threshold.
BUILT_IN_MQL = {"field": "score", "op": "gte", "value": 50}


def states_checked(kind: str) -> tuple[str, ...]:
    """The states of the leads a definition of ``kind`` is checked against: the MQL rule
    decides when marketing's leads (inquiries, nurtured leads) go to sales, the SQL rule
    when a sales-accepted lead may be qualified."""
    return tuple(MARKETING_STATES) if kind == DefinitionKind.MQL else (LeadState.SAL,)


class RuleRefused(ValidationFailed):
    """A proposed rule with problems. ``problems`` keeps each one's JSON path (``$.any[1].op``)
    so an editor can show the message beside the part it is about; ``errors`` lists them
    for the API as every refusal does."""

    def __init__(self, problems: list[tuple[str, str]], *, errors: dict[str, list[str]]):
        super().__init__(_("Please correct the errors below."), errors=errors)
        self.problems = problems


def lead_definition_check(*, kind: str, rules) -> None:
    """Refuse a rule no lead definition may hold: unknown kind, malformed rule, a field a
    lead does not have, an operator the field does not take, a value of the wrong type or
    one the field never holds. The page's rule builder and the API both meet this check."""
    errors: dict[str, list[str]] = {}
    if kind not in DefinitionKind.values:
        errors["kind"] = [_("Choose mql or sql.")]
    problems = rule_problems(rules, subject="lead")
    if problems:
        errors["rules"] = [text for _path, text in problems]
    if errors:
        raise RuleRefused(problems, errors=errors)


def lead_definition_in_effect(*, kind: str) -> LeadDefinition | None:
    return LeadDefinition.objects.filter(kind=kind, status=LeadDefinition.Status.APPROVED).first()


@dataclass(frozen=True)
class RuleInEffect:
    """The rule a lead is held to for ``kind``: the signed version, else the built-in one
    (MQL: ``BUILT_IN_MQL``; SQL: none — any accepted lead may be qualified)."""

    kind: str
    definition: LeadDefinition | None
    rules: dict | None

    def text(self) -> str:
        """The rule in the reader's language (the one wording every page shows)."""
        if self.rules is None:
            return _("no rule: a seller may qualify any lead they accepted")
        return describe_condition(self.rules)

    def met_by(
        self, facts: Mapping[str, Any], touches: Iterable[rule_language.Touch], *, now: datetime.datetime
    ) -> bool:
        """Whether a lead with these facts and touches meets the rule; with no rule (SQL
        before a signed definition) every lead does, as ``text`` says."""
        if self.rules is None:
            return True
        return rule_language.evaluate(self.rules, facts, touches, now=now)

    def reason(self) -> str:
        """Why a lead moved, as its stage event records it."""
        if self.definition is not None:
            return _("meets %(definition)s") % {"definition": self.definition}
        return _("meets the built-in MQL rule (%(rule)s)") % {"rule": self.text()}


def rule_in_effect(*, kind: str) -> RuleInEffect:
    definition = lead_definition_in_effect(kind=kind)
    if definition is not None:
        return RuleInEffect(kind, definition, definition.rules)
    return RuleInEffect(kind, None, BUILT_IN_MQL if kind == DefinitionKind.MQL else None)


def touches_of(lead: Lead) -> list[rule_language.Touch]:
    """The lead's touches as the rule language counts them (prefetched ones if loaded)."""
    cached = getattr(lead, "_prefetched_objects_cache", {}).get("touches")
    rows = cached if cached is not None else LeadTouch.objects.filter(lead=lead)
    return [rule_language.Touch(t.kind, t.at) for t in rows]


def lead_meets(
    *, lead: Lead, definition: LeadDefinition | None, now: datetime.datetime, rules: dict | None = None
) -> bool:
    if rules is None:
        if definition is None:
            raise TypeError("lead_meets needs a definition or the rules to apply")
        rules = definition.rules
    return rule_language.evaluate(rules, lead_facts(lead), touches_of(lead), now=now)


# ---------------------------------------------------------------- proposing a version


def _proposed_meanwhile(newer: LeadDefinition, *, rules, seen_number: int) -> versioning.StaleVersion:
    """The refusal of a proposal written on a page that did not show ``newer`` yet."""
    stale = versioning.StaleVersion(
        instance=newer,
        expected=seen_number,
        current=newer.number,
        changed=["rules"],
        conflicts=[
            versioning.FieldConflict(
                name="rules",
                label=_("rules"),
                yours=describe_condition(rules),
                theirs=describe_condition(newer.rules),
            )
        ],
        by=newer.proposed_by,
        at=newer.proposed_at,
    )
    stale.message = _(
        "%(who)s proposed version %(number)s of this definition after you opened the page; yours was not "
        "proposed. Compare the two, then keep theirs or propose yours after it."
    ) % {"who": stale.by_name or _("Someone else"), "number": versioning.display(newer.number)}
    stale.errors = {"rules": [stale.message]}
    return stale


@versioning.atomic_write
def lead_definition_propose(
    *, kind: str, rules, summary: str = "", actor, via: str = "", seen_number: int | None = None
) -> LeadDefinition:
    """``seen_number`` is the newest version of ``kind`` the proposer's page showed (0 for
    none): a version proposed since refuses this one, so nobody's proposal is passed over
    unseen (``hamsu.core.versioning``)."""
    lead_definition_check(kind=kind, rules=rules)
    if seen_number is not None:
        newer = (
            LeadDefinition.objects.filter(kind=kind, number__gt=seen_number)
            .select_related("proposed_by")
            .order_by("-number")
            .first()
        )
        if newer is not None:
            raise _proposed_meanwhile(newer, rules=rules, seen_number=seen_number)
    number = (LeadDefinition.objects.filter(kind=kind).aggregate(n=Max("number"))["n"] or 0) + 1
    definition = LeadDefinition.objects.create(
        kind=kind,
        number=number,
        rules=rules,
        summary=(summary or rule_language.describe(rules))[:300],
        proposed_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor, action="create", instance=definition, changes={"rules": rules, "number": number}, via=via
    )
    return definition


def lead_definition_update(*, definition: LeadDefinition, **_ignored) -> None:
    """Versions are never edited: propose a new one. Kept so every caller gets the same answer."""
    raise Conflict(
        _("A lead definition version cannot be changed; propose a new version."),
        errors={"rules": [_("Propose a new version instead of editing this one.")]},
    )
