"""Lead definitions: propose a version, both heads decide, the approved one takes effect,
and every open lead is re-evaluated in bulk by a background job."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import Conflict, PermissionDenied, ValidationFailed
from hamsu.core.roles import HEAD_OF_MARKETING, HEAD_OF_SALES, roles_of
from hamsu.funnel import rule_language
from hamsu.funnel.models import (
    DefinitionApproval,
    DefinitionKind,
    DefinitionRun,
    Lead,
    LeadDefinition,
    LeadState,
    LeadTouch,
)

# Until both heads sign an MQL definition, this rule makes a lead an MQL. Every page,
# reason and check reads it through ``rule_in_effect``, never restating the threshold.
BUILT_IN_MQL = {"field": "score", "op": "gte", "value": 50}
REEVALUATE_CHUNK = 1000


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
        from hamsu.funnel.rule_text import describe_condition

        if self.rules is None:
            return _("no rule: a seller may qualify any lead they accepted")
        return describe_condition(self.rules)

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


def _touches_of(lead: Lead) -> list[rule_language.Touch]:
    cached = getattr(lead, "_prefetched_objects_cache", {}).get("touches")
    rows = cached if cached is not None else LeadTouch.objects.filter(lead=lead)
    return [rule_language.Touch(t.kind, t.at) for t in rows]


def lead_meets(
    *, lead: Lead, definition: LeadDefinition | None, now: datetime.datetime, rules: dict | None = None
) -> bool:
    from hamsu.funnel.services.scoring import lead_facts

    rule = rules if rules is not None else definition.rules
    return rule_language.evaluate(rule, lead_facts(lead), _touches_of(lead), now=now)


@transaction.atomic
def lead_evaluate(*, lead: Lead, actor=None, via: str = "", now: datetime.datetime | None = None) -> Lead:
    """Re-score the lead and, if marketing still holds it, check the MQL definition."""
    from hamsu.funnel.services.leads import lead_mark_mql
    from hamsu.funnel.services.scoring import lead_score

    now = now or timezone.now()
    lead = Lead.objects.select_for_update(of=("self",)).select_related("segment", "account").get(pk=lead.pk)
    lead_score(lead=lead, now=now)
    if lead.state in (LeadState.INQUIRY, LeadState.NURTURE):
        rule = rule_in_effect(kind=DefinitionKind.MQL)
        if lead_meets(lead=lead, definition=rule.definition, now=now, rules=rule.rules):
            lead = lead_mark_mql(
                lead=lead, actor=actor, via=via, reason=rule.reason(), definition=rule.definition, at=now
            )
    return lead


# ---------------------------------------------------------------- versions and approvals


@transaction.atomic
def lead_definition_propose(*, kind: str, rules, summary: str = "", actor, via: str = "") -> LeadDefinition:
    errors: dict[str, list[str]] = {}
    if kind not in DefinitionKind.values:
        errors["kind"] = [_("Choose mql or sql.")]
    try:
        rule_language.validate(rules)
    except rule_language.RuleError as error:
        errors["rules"] = [f"{path}: {message}" for path, message in error.problems]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
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


def _side_of(actor, side: str | None) -> str:
    roles = roles_of(actor)
    sides = []
    if HEAD_OF_SALES in roles:
        sides.append(DefinitionApproval.Side.SALES)
    if HEAD_OF_MARKETING in roles:
        sides.append(DefinitionApproval.Side.MARKETING)
    if side:
        if side not in sides:
            raise PermissionDenied(
                _("Only the head of that function can decide for it."),
                errors={"side": [_("You do not head this function.")]},
            )
        return side
    if len(sides) != 1:
        raise PermissionDenied(
            _("Only the head of sales or the head of marketing can approve lead definitions."),
            errors={
                "side": [
                    _("Say which side you decide for.")
                    if sides
                    else _("You head neither sales nor marketing.")
                ]
            },
        )
    return sides[0]


@transaction.atomic
def lead_definition_decide(
    *,
    definition: LeadDefinition,
    actor,
    approve: bool,
    comment: str = "",
    side: str | None = None,
    via: str = "",
) -> LeadDefinition:
    """One head's decision. Both approvals put the version in effect; one rejection ends it."""
    side = _side_of(actor, side)
    definition = LeadDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.status != LeadDefinition.Status.PROPOSED:
        raise Conflict(
            _("This version is no longer awaiting approval."),
            errors={"status": [_("Status is %(status)s.") % {"status": definition.get_status_display()}]},
        )
    if definition.approvals.filter(side=side).exists():
        raise Conflict(
            _("Your side has already decided."), errors={"side": [_("Your side has already decided.")]}
        )
    now = timezone.now()
    DefinitionApproval.objects.create(
        definition=definition,
        side=side,
        decision=DefinitionApproval.Decision.APPROVE if approve else DefinitionApproval.Decision.REJECT,
        user=actor,
        comment=(comment or "")[:300],
        at=now,
    )
    if not approve:
        definition.status = LeadDefinition.Status.REJECTED
        definition.save(update_fields=["status"])
    elif set(definition.approvals.filter(decision="approve").values_list("side", flat=True)) == {
        "sales",
        "marketing",
    }:
        LeadDefinition.objects.filter(kind=definition.kind, status=LeadDefinition.Status.APPROVED).update(
            status=LeadDefinition.Status.SUPERSEDED, superseded_at=now
        )
        definition.status = LeadDefinition.Status.APPROVED
        definition.effective_at = now
        definition.save(update_fields=["status", "effective_at"])
        run = DefinitionRun.objects.create(definition=definition, started_at=now)
        from hamsu.funnel.tasks import reevaluate_leads

        transaction.on_commit(lambda: reevaluate_leads.enqueue(run.pk))
    audit.record(
        actor=actor,
        action="update",
        instance=definition,
        changes={"decision": [side, "approve" if approve else "reject"], "status": definition.status},
        via=via,
    )
    return definition


def lead_definition_update(*, definition: LeadDefinition, **_ignored) -> None:
    """Versions are never edited: propose a new one. Kept so every caller gets the same answer."""
    raise Conflict(
        _("A lead definition version cannot be changed; propose a new version."),
        errors={"rules": [_("Propose a new version instead of editing this one.")]},
    )


def definition_run_execute(*, run_id: int, now: datetime.datetime | None = None) -> DefinitionRun:
    """Re-score every lead marketing holds and move those that now qualify, chunk by chunk.

    Scores are written with one bulk UPDATE per chunk; only leads that cross the line
    go through the lifecycle service (routing and a handoff are per-lead work).
    """
    from hamsu.funnel.services.leads import lead_mark_mql
    from hamsu.funnel.services.scoring import active_model, active_points_spec, apply_score

    run = DefinitionRun.objects.select_related("definition").get(pk=run_id)
    now = now or timezone.now()
    definition = run.definition
    if definition.status != LeadDefinition.Status.APPROVED:
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        return run
    spec, model = active_points_spec(), active_model()
    states = (
        [LeadState.INQUIRY, LeadState.NURTURE] if definition.kind == DefinitionKind.MQL else [LeadState.SAL]
    )
    last_id = 0
    evaluated = changed = 0
    while True:
        chunk = list(
            Lead.objects.filter(state__in=states, pk__gt=last_id)
            .select_related("segment", "account")
            .prefetch_related(Prefetch("touches", queryset=LeadTouch.objects.only("lead_id", "kind", "at")))
            .order_by("pk")[:REEVALUATE_CHUNK]
        )
        if not chunk:
            break
        last_id = chunk[-1].pk
        qualifying = []
        for lead in chunk:
            touches = _touches_of(lead)
            from hamsu.analytics.lead_scoring.rules import Touch as ScoreTouch

            apply_score(
                lead, spec=spec, touches=[ScoreTouch(t.kind, t.at) for t in touches], now=now, model=model
            )
            if definition.kind == DefinitionKind.MQL and lead_meets(
                lead=lead, definition=definition, now=now
            ):
                qualifying.append(lead)
        with transaction.atomic():
            Lead.objects.bulk_update(
                chunk,
                ["score", "score_reasons", "scored_at", "win_probability", "win_reasons"],
                batch_size=500,
            )
        for lead in qualifying:
            with transaction.atomic():
                fresh = Lead.objects.select_for_update().get(pk=lead.pk)
                if fresh.state in states:
                    lead_mark_mql(
                        lead=fresh,
                        actor=None,
                        via="job",
                        reason=_("meets %(d)s") % {"d": definition},
                        definition=definition,
                        at=now,
                    )
                    changed += 1
        evaluated += len(chunk)
    run.evaluated, run.changed, run.finished_at = evaluated, changed, timezone.now()
    run.save(update_fields=["evaluated", "changed", "finished_at"])
    return run
