"""Rules of engagement: "when … then …" evaluated on every change, each firing logged.

Examples from the study: an opportunity of 2,000,000 or more must involve a brand
manager; entering solution development suggests solution collateral; a recycled lead
enters nurture. Each rule fires at most once per (object, event) — the firing log has a
unique key — so re-running the catch-up job or a retried request never doubles work.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.funnel import rule_language
from hamsu.funnel.conditions import validate_conditions
from hamsu.funnel.models import EngagementBookmark, EngagementFiring, EngagementRule, FollowUpTask, Lead
from hamsu.funnel.services import ordering
from hamsu.funnel.services.engagement_actions import (
    PARTICIPANT_TITLES,
    lead_actions,
    opportunity_actions,
    opportunity_facts,
)
from hamsu.funnel.services.leads import lead_close_from_opportunity
from hamsu.funnel.services.scoring import lead_facts

ACTIONS = {"add_participant", "create_task", "notify_owner", "suggest_collateral", "recycle_to_nurture"}

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "name": "Deals of 2,000,000 or more involve a brand manager",
        "subject": "opportunity",
        "event": "any",
        "conditions": {"field": "amount", "op": "gte", "value": 2_000_000},
        "actions": [
            {"type": "add_participant", "role": "brand_manager"},
            {"type": "create_task", "subject": "Plan the deal with the brand manager"},
            {"type": "notify_owner", "message": "A brand manager joins this deal (rule of engagement)."},
        ],
    },
    {
        "name": "Solution development: use the solution collateral",
        "subject": "opportunity",
        "event": "stage_changed",
        "conditions": {"field": "stage", "op": "eq", "value": "solution_development"},
        "actions": [{"type": "suggest_collateral"}],
    },
    {
        "name": "A lost lead is recycled into nurture",
        "subject": "lead",
        "event": "stage_changed",
        "conditions": {"field": "state", "op": "eq", "value": "lost"},
        "actions": [{"type": "recycle_to_nurture"}],
    },
]


# Actions the evaluator carries out for each subject (the others would silently do nothing).
SUBJECT_ACTIONS: dict[str | None, tuple[str, ...]] = {
    "opportunity": ("add_participant", "create_task", "notify_owner", "suggest_collateral"),
    "lead": ("create_task", "notify_owner", "recycle_to_nurture"),
}
RULE_FIELDS = ("name", "subject", "event", "conditions", "actions", "position", "is_active")


def validate_actions(actions, subject: str | None = None) -> list[str]:
    problems = []
    if not isinstance(actions, list) or not actions:
        return [_("Give a non-empty list of actions.")]
    allowed = SUBJECT_ACTIONS.get(subject, ACTIONS)
    for i, action in enumerate(actions):
        if not isinstance(action, dict) or action.get("type") not in ACTIONS:
            problems.append(
                _("action %(i)s: type must be one of %(types)s")
                % {"i": i, "types": ", ".join(sorted(ACTIONS))}
            )
        elif action["type"] not in allowed:
            problems.append(
                _("action %(i)s: %(type)s does nothing for this kind of record; use one of %(types)s")
                % {"i": i, "type": action["type"], "types": ", ".join(allowed)}
            )
        elif action["type"] == "add_participant" and action.get("role") not in PARTICIPANT_TITLES:
            problems.append(
                _("action %(i)s: role must be one of %(roles)s")
                % {"i": i, "roles": ", ".join(PARTICIPANT_TITLES)}
            )
        elif action["type"] == "create_task" and not str(action.get("subject", "")).strip():
            problems.append(_("action %(i)s: a task needs a subject") % {"i": i})
        elif action["type"] == "create_task" and not _days_ok(action.get("due_in_days", 3)):
            problems.append(_("action %(i)s: due_in_days is a whole number from 0 to 365") % {"i": i})
        elif "message" in action and not isinstance(action["message"], str):
            problems.append(_("action %(i)s: the message is text") % {"i": i})
    return problems


def _days_ok(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 365


def _check_rule(rule: EngagementRule) -> None:
    errors: dict[str, list[str]] = {}
    if not (rule.name or "").strip():
        errors["name"] = [_("Give the rule a name.")]
    if rule.subject not in EngagementRule.Subject.values:
        errors["subject"] = [_("Choose opportunity or lead.")]
    if rule.event not in EngagementRule.Event.values:
        errors["event"] = [_("Choose created, stage_changed or any.")]
    problems = validate_conditions(rule.conditions, rule.subject)
    if problems:
        errors["conditions"] = problems
    problems = validate_actions(rule.actions, rule.subject)
    if problems:
        errors["actions"] = problems
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    rule.name = rule.name.strip()
    rule.conditions = rule.conditions or {}


@transaction.atomic
def engagement_rule_create(
    *,
    actor,
    via: str = "",
    name: str,
    subject: str,
    event: str,
    conditions,
    actions,
    position: int | None = None,
    is_active: bool = True,
) -> EngagementRule:
    """A new rule; without a position it is tried after the existing ones."""
    rule = EngagementRule(
        name=name or "",
        subject=subject,
        event=event,
        conditions=conditions,
        actions=actions,
        position=ordering.next_position(EngagementRule) if position is None else position,
        is_active=is_active,
    )
    _check_rule(rule)
    rule.save()
    audit.record(actor=actor, action="create", instance=rule, changes=audit.snapshot(rule), via=via)
    return rule


@versioning.atomic_write
def engagement_rule_update(
    *,
    rule: EngagementRule,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> EngagementRule:
    """Change any of a rule's fields (``is_active=False`` deactivates it); nothing is
    saved unless the whole rule is valid. Past firings keep pointing at the rule.
    ``expected_version``/``strict``: see ``hamsu.core.versioning``."""
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    rule, data = versioning.begin(rule, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(rule)
    for key, value in data.items():
        setattr(rule, key, value)
    try:
        # Switching a rule off never depends on the rest of it being valid (rules stored
        # before a check was added must still be stoppable).
        if data != {"is_active": False}:
            _check_rule(rule)
    except ValidationFailed:
        rule.refresh_from_db()  # the caller's object goes back to what is stored
        raise
    versioning.bump(rule)
    rule.save()
    audit.record(
        actor=actor, action="update", instance=rule, changes=audit.diff(before, audit.snapshot(rule)), via=via
    )
    return rule


def engagement_rule_move(*, rule: EngagementRule, direction: str, actor, via: str = "") -> EngagementRule:
    return ordering.move(rule, direction=direction, actor=actor, via=via)


def subject_facts(obj) -> dict:
    """The facts a rule of engagement sees for a lead or an opportunity."""
    return lead_facts(obj) if isinstance(obj, Lead) else opportunity_facts(obj)


def engagement_rule_preview(*, rule: EngagementRule, obj) -> tuple[bool, dict]:
    """Whether the rule's conditions hold for ``obj`` now, and the facts they were tested on.

    Changes nothing: no action runs and no firing is logged.
    """
    facts = subject_facts(obj)
    return (not rule.conditions or rule_language.evaluate(rule.conditions, facts)), facts


def engagement_rules_install_defaults(*, actor=None) -> int:
    created = 0
    for spec in DEFAULT_RULES:
        if not EngagementRule.objects.filter(name=spec["name"]).exists():
            engagement_rule_create(actor=actor, via="system", **spec)
            created += 1
    return created


def _event_key(rule: EngagementRule, event: str, stage: str) -> str:
    if rule.event == EngagementRule.Event.CREATED:
        return "created"
    if rule.event == EngagementRule.Event.STAGE_CHANGED:
        return f"stage:{stage}"
    return "any"


def _applies(rule: EngagementRule, event: str) -> bool:
    return rule.event == EngagementRule.Event.ANY or rule.event == event


def _fire(
    rule: EngagementRule, *, object_type: str, object_id: int, key: str, perform
) -> EngagementFiring | None:
    """Act and log the firing in one savepoint; if the (rule, object, event) key already
    fired — now or in a concurrent run — the savepoint rolls the actions back too."""
    try:
        with transaction.atomic():
            if EngagementFiring.objects.filter(
                rule=rule, object_type=object_type, object_id=object_id, event_key=key
            ).exists():
                return None
            outcome = perform()
            return EngagementFiring.objects.create(
                rule=rule, object_type=object_type, object_id=object_id, event_key=key, outcome=outcome
            )
    except IntegrityError:
        return None


def _rules_for(subject: str, event: str, facts: dict) -> list[EngagementRule]:
    """The active rules for ``subject`` that apply to ``event`` and whose conditions hold."""
    return [
        rule
        for rule in EngagementRule.objects.filter(is_active=True, subject=subject).order_by("position", "pk")
        if _applies(rule, event) and (not rule.conditions or rule_language.evaluate(rule.conditions, facts))
    ]


def evaluate_rules_for_opportunity(opportunity, *, actor=None, event: str = "any") -> list[EngagementFiring]:
    """Run the rules of engagement for one opportunity; call after it is created or moved.

    Also moves leads linked to the deal to won/lost when the deal closes. Safe to call
    more than once for the same change: each rule fires once per (deal, event key).
    """
    fired = []
    with transaction.atomic():
        for lead in lead_close_from_opportunity(opportunity=opportunity, actor=actor, via="rule"):
            # The lead's own rules follow its move (e.g. a lost lead is recycled into nurture).
            evaluate_rules_for_lead(lead, actor=actor, event="stage_changed")
        for rule in _rules_for("opportunity", event, opportunity_facts(opportunity)):
            firing = _fire(
                rule,
                object_type="opportunity",
                object_id=opportunity.pk,
                key=_event_key(rule, event, opportunity.stage),
                perform=lambda rule=rule: opportunity_actions(rule, opportunity),
            )
            if firing:
                fired.append(firing)
    return fired


def evaluate_rules_for_lead(lead: Lead, *, actor=None, event: str = "any") -> list[EngagementFiring]:
    fired = []
    for rule in _rules_for("lead", event, lead_facts(lead)):
        with transaction.atomic():
            firing = _fire(
                rule,
                object_type="lead",
                object_id=lead.pk,
                key=_event_key(rule, event, lead.state),
                perform=lambda rule=rule: lead_actions(rule, lead),
            )
        if firing:
            fired.append(firing)
    return fired


def engagement_catch_up(*, limit: int = 10_000) -> int:
    """Evaluate rules for stage events written since the last run (works before any wiring).

    Reads the append-only stage-event log after a bookmark, so deals moved by the CRM,
    imports or the demo get their rules applied even if nobody called the hook.
    """
    with transaction.atomic():
        bookmark, _created = EngagementBookmark.objects.select_for_update().get_or_create(name="stage_events")
        if not EngagementRule.objects.filter(is_active=True).exists():
            # Nothing could fire: skip to the end of the log rather than read it (the clock
            # runs this every minute, and an import can add millions of events at once).
            last = (
                StageEvent.objects.filter(pk__gt=bookmark.last_event_id)
                .order_by("-pk")
                .values_list("pk", flat=True)
                .first()
            )
            if last is None:
                return 0
            skipped = StageEvent.objects.filter(pk__gt=bookmark.last_event_id, pk__lte=last).count()
            bookmark.last_event_id = last
            bookmark.save(update_fields=["last_event_id"])
            return skipped
        events = list(
            StageEvent.objects.filter(pk__gt=bookmark.last_event_id)
            .order_by("pk")
            .values("pk", "object_type", "object_id", "from_stage")[:limit]
        )
        if not events:
            return 0
        opp_ids = {e["object_id"] for e in events if e["object_type"] == "opportunity"}
        lead_ids = {e["object_id"] for e in events if e["object_type"] == "lead"}
        opportunities = Opportunity.objects.select_related("segment", "account", "owner").in_bulk(opp_ids)
        leads = Lead.objects.select_related("segment", "account", "owner").in_bulk(lead_ids)
        for event in events:
            kind = "created" if not event["from_stage"] else "stage_changed"
            if event["object_type"] == "opportunity" and event["object_id"] in opportunities:
                evaluate_rules_for_opportunity(opportunities[event["object_id"]], event=kind)
            elif event["object_type"] == "lead" and event["object_id"] in leads:
                lead = Lead.objects.select_related("segment", "account", "owner").get(pk=event["object_id"])
                evaluate_rules_for_lead(lead, event=kind)
        bookmark.last_event_id = events[-1]["pk"]
        bookmark.save(update_fields=["last_event_id"])
    return len(events)


@transaction.atomic
def task_complete(*, task: FollowUpTask, person, via: str = "") -> FollowUpTask:
    if task.assignee_id != person.pk:
        raise PermissionDenied(_("This task is not yours."), errors={"task": [_("This task is not yours.")]})
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit.record(
            actor=person.user,
            action="update",
            instance=task,
            changes={"done_at": task.done_at.isoformat()},
            via=via,
        )
    return task
