"""What each action of a rule of engagement does, for a deal or a lead, and the facts a
rule tests on a deal. ``engagement`` decides when a rule fires and logs the firing; it
calls ``opportunity_actions`` or ``lead_actions`` to act, inside the firing's savepoint.

Each action reports an outcome (``{"action": …, "done": …}``) that the firing log keeps.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core.notify import notify
from hamsu.crm import services as crm
from hamsu.crm.models import Coverage
from hamsu.directory.models import Person, RoleTitle
from hamsu.funnel.models import EngagementRule, FollowUpTask, Lead, LeadState
from hamsu.funnel.services.funnel import current_funnel_stages
from hamsu.funnel.services.leads import lead_recycle

PARTICIPANT_TITLES = {
    "brand_manager": RoleTitle.BRAND_MANAGER,
    "product_manager": RoleTitle.PRODUCT_MANAGER,
    "marketing_liaison": RoleTitle.MARKETING_LIAISON,
}


def opportunity_facts(opportunity) -> dict:
    return {
        "amount": float(opportunity.amount_base),
        "stage": opportunity.stage,
        "source": opportunity.source,
        "segment": opportunity.segment.name if opportunity.segment_id else "",
        "country": opportunity.account.country if opportunity.account_id else "",
    }


def _notify(person: Person | None, *, title: str, body: str = "", link: str = "", kind: str = "rule") -> None:
    # In the shared inbox (the bell), not by e-mail: rules fire on every deal change.
    notify(recipients=[person], kind=kind, title=title, body=body, url=link, email=False)


def _collateral_for(stage_code: str) -> list[dict]:
    for stage in current_funnel_stages():
        if stage["funnel"] == "sales" and stage["code"] == stage_code:
            return stage.get("materials") or []
    return []


# ---------------------------------------------------------------- on a deal


def _deal_link(opportunity) -> str:
    return f"/crm/opportunities/{opportunity.pk}/"


def _add_participant(rule: EngagementRule, action: dict, opportunity) -> dict:
    candidates = Person.objects.filter(
        role_title=PARTICIPANT_TITLES[action["role"]], is_active=True
    ).order_by("pk")
    # The one who covers the deal's segment first, else anyone with the role.
    covering = Coverage.objects.filter(segment_id=opportunity.segment_id).values("person_id")
    person = (
        candidates.filter(pk__in=covering).first() if opportunity.segment_id else None
    ) or candidates.first()
    if person is None:
        return {"action": action["type"], "done": False, "why": "nobody has this role"}
    crm.opportunity_add_participant(
        opportunity=opportunity, person=person, role=action["role"], actor=None, via="rule"
    )
    _notify(
        person,
        title=_("You were added to %(deal)s") % {"deal": opportunity.name},
        body=rule.name,
        link=_deal_link(opportunity),
    )
    return {"action": action["type"], "done": True, "person": person.pk}


def _deal_task(rule: EngagementRule, action: dict, opportunity) -> dict:
    task = FollowUpTask.objects.create(
        assignee=opportunity.owner,
        subject=str(action["subject"])[:300],
        object_type="opportunity",
        object_id=opportunity.pk,
        rule=rule,
        due_at=timezone.now() + datetime.timedelta(days=int(action.get("due_in_days", 3))),
    )
    return {"action": action["type"], "done": True, "task": task.pk}


def _tell_deal_owner(rule: EngagementRule, action: dict, opportunity) -> dict:
    _notify(
        opportunity.owner,
        title=str(action.get("message") or rule.name),
        body=rule.name,
        link=_deal_link(opportunity),
    )
    return {"action": action["type"], "done": True}


def _suggest_collateral(rule: EngagementRule, action: dict, opportunity) -> dict:
    materials = _collateral_for(opportunity.stage)
    body = "\n".join(f"{m.get('title', '')}: {m.get('url', '')}" for m in materials) or _(
        "See the collateral library."
    )
    _notify(
        opportunity.owner,
        title=_("Suggested collateral for %(deal)s") % {"deal": opportunity.name},
        body=body,
        link=_deal_link(opportunity),
        kind="collateral",
    )
    return {"action": action["type"], "done": True, "materials": len(materials)}


_ON_DEAL = {
    "add_participant": _add_participant,
    "create_task": _deal_task,
    "notify_owner": _tell_deal_owner,
    "suggest_collateral": _suggest_collateral,
}


def opportunity_actions(rule: EngagementRule, opportunity) -> list[dict]:
    """Carry out the rule's actions on a deal, in order; their outcomes."""
    return [
        _ON_DEAL[action["type"]](rule, action, opportunity)
        for action in rule.actions
        if action["type"] in _ON_DEAL
    ]


# ---------------------------------------------------------------- on a lead


def lead_actions(rule: EngagementRule, lead: Lead) -> list[dict]:
    """Carry out the rule's actions on a lead, in order; their outcomes (an action that
    does not apply to the lead now, e.g. recycling an open lead, is skipped)."""
    outcome = []
    for action in rule.actions:
        kind = action["type"]
        if kind == "recycle_to_nurture" and lead.state in (LeadState.LOST, LeadState.DISQUALIFIED):
            lead_recycle(lead=lead, actor=None, via="rule", reason=rule.name)
            outcome.append({"action": kind, "done": True})
        elif kind == "notify_owner":
            _notify(
                lead.owner, title=str(action.get("message") or rule.name), link=f"/funnel/leads/{lead.pk}/"
            )
            outcome.append({"action": kind, "done": lead.owner_id is not None})
        elif kind == "create_task" and lead.owner is not None:
            FollowUpTask.objects.create(
                assignee=lead.owner,
                subject=str(action["subject"])[:300],
                object_type="lead",
                object_id=lead.pk,
                rule=rule,
            )
            outcome.append({"action": kind, "done": True})
    return outcome
