"""Routing: which seller gets a new MQL, and why.

Rules run in their order: the existing account owner, a segment or territory rule naming
a team, round robin within a team. Round robin skips people who are inactive, absent
or at their capacity cap. Whatever happens, the decision carries a sentence saying which
rule fired; when nobody fits, the lead waits in the handoff queue for a manager.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import ValidationFailed
from hamsu.core.validation import full_clean
from hamsu.directory.models import Function, Person, RoleTitle
from hamsu.funnel.models import Lead, LeadState, RoundRobinCursor, RoutingRule, RoutingRuleKind

OPEN_LOAD_STATES = (LeadState.MQL, LeadState.SAL)
SELLER_TITLES = (RoleTitle.SALES_REP, RoleTitle.SDR)


@dataclass
class RoutingDecision:
    person: Person | None
    team: object | None
    rule: RoutingRule | None
    explanation: str


def _open_load(person_ids: list[int]) -> dict[int, int]:
    rows = (
        Lead.objects.filter(owner_id__in=person_ids, state__in=OPEN_LOAD_STATES)
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def _unavailable_reason(person: Person, today: datetime.date, load: int, capacity: int | None) -> str:
    if not person.is_active:
        return _("inactive")
    if person.absent_until and person.absent_until >= today:
        return _("absent until %(date)s") % {"date": person.absent_until.isoformat()}
    if capacity is not None and load >= capacity:
        return _("at capacity (%(n)s open leads)") % {"n": load}
    return ""


def _round_robin(team, capacity: int | None, today: datetime.date) -> tuple[Person | None, list[str]]:
    """The next available seller after the last one who got a lead; notes on who was skipped."""
    members = list(
        Person.objects.filter(team=team, function=Function.SALES, role_title__in=SELLER_TITLES).order_by("pk")
    )
    if not members:
        return None, [_("nobody sells in this team")]
    cursor, _created = RoundRobinCursor.objects.select_for_update().get_or_create(team=team)
    loads = _open_load([m.pk for m in members])
    start = 0
    if cursor.last_person_id is not None:
        after = [i for i, m in enumerate(members) if m.pk > cursor.last_person_id]
        start = after[0] if after else 0
    skipped = []
    for offset in range(len(members)):
        person = members[(start + offset) % len(members)]
        why_not = _unavailable_reason(person, today, loads.get(person.pk, 0), capacity)
        if why_not:
            skipped.append(f"{person.full_name}: {why_not}")
            continue
        cursor.last_person = person
        cursor.save(update_fields=["last_person"])
        return person, skipped
    return None, skipped


def route_lead(*, lead: Lead, at: datetime.datetime | None = None) -> RoutingDecision:
    """Decide the owner of ``lead``. Call inside the transaction that assigns it."""
    today = timezone.localdate(at or timezone.now())
    notes: list[str] = []
    fallback_team = None
    fallback_rule = None
    for rule in RoutingRule.objects.filter(is_active=True).select_related("team").order_by("position", "pk"):
        if rule.kind == RoutingRuleKind.ACCOUNT_OWNER:
            owner = lead.account.owner if lead.account_id and lead.account.owner_id else None
            if owner is None:
                continue
            load = _open_load([owner.pk]).get(owner.pk, 0)
            why_not = _unavailable_reason(owner, today, load, rule.capacity)
            if not why_not:
                return RoutingDecision(
                    owner,
                    owner.team,
                    rule,
                    _("Rule “%(rule)s”: %(person)s owns the account %(account)s.")
                    % {"rule": rule.name, "person": owner.full_name, "account": lead.account.name},
                )
            notes.append(
                _("account owner %(person)s is %(why)s") % {"person": owner.full_name, "why": why_not}
            )
            continue
        if rule.team_id is None:
            continue
        if rule.kind == RoutingRuleKind.SEGMENT and (
            rule.segment_id is None or lead.segment_id != rule.segment_id
        ):
            continue
        if rule.kind == RoutingRuleKind.TERRITORY and (lead.country or "").upper() not in [
            c.upper() for c in rule.countries
        ]:
            continue
        person, skipped = _round_robin(rule.team, rule.capacity, today)
        notes.extend(skipped)
        if person is not None:
            matched = {
                RoutingRuleKind.SEGMENT: _("segment matches"),
                RoutingRuleKind.TERRITORY: _("country %(c)s is in the territory") % {"c": lead.country},
                RoutingRuleKind.ROUND_ROBIN: _("team round robin"),
            }[RoutingRuleKind(rule.kind)]
            skipped_text = (" " + _("Skipped: %(list)s.") % {"list": "; ".join(skipped)}) if skipped else ""
            return RoutingDecision(
                person,
                rule.team,
                rule,
                _("Rule “%(rule)s” (%(why)s): %(person)s is next in %(team)s.")
                % {"rule": rule.name, "why": matched, "person": person.full_name, "team": rule.team.name}
                + skipped_text,
            )
        fallback_team, fallback_rule = fallback_team or rule.team, fallback_rule or rule
    detail = (" " + _("Notes: %(list)s.") % {"list": "; ".join(notes)}) if notes else ""
    return RoutingDecision(
        None,
        fallback_team,
        fallback_rule,
        _("No rule found an available seller; the lead waits in the handoff queue for a manager.") + detail,
    )


# ---------------------------------------------------------------- rule maintenance


RULE_FIELDS = ["position", "name", "kind", "segment", "countries", "team", "capacity", "is_active"]


def _validate_rule(rule: RoutingRule) -> None:
    errors: dict[str, list[str]] = {}
    if (
        rule.kind in (RoutingRuleKind.SEGMENT, RoutingRuleKind.TERRITORY, RoutingRuleKind.ROUND_ROBIN)
        and rule.team_id is None
    ):
        errors["team"] = [_("This kind of rule routes to a team; choose one.")]
    if rule.kind == RoutingRuleKind.SEGMENT and rule.segment_id is None:
        errors["segment"] = [_("Choose the segment this rule covers.")]
    if rule.kind == RoutingRuleKind.TERRITORY:
        countries = rule.countries
        if (
            not isinstance(countries, list)
            or not countries
            or not all(isinstance(c, str) and len(c) == 2 for c in countries)
        ):
            errors["countries"] = [_("Give a list of two-letter country codes.")]
        else:
            rule.countries = [c.upper() for c in countries]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


@transaction.atomic
def routing_rule_create(*, actor, via: str = "", **data) -> RoutingRule:
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    rule = RoutingRule(**data)
    _validate_rule(rule)
    full_clean(rule)
    rule.save()
    audit.record(actor=actor, action="create", instance=rule, changes=audit.snapshot(rule), via=via)
    return rule


@transaction.atomic
def routing_rule_update(*, rule: RoutingRule, actor, via: str = "", **data) -> RoutingRule:
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    before = audit.snapshot(rule)
    for key, value in data.items():
        setattr(rule, key, value)
    _validate_rule(rule)
    full_clean(rule)
    rule.save()
    audit.record(
        actor=actor, action="update", instance=rule, changes=audit.diff(before, audit.snapshot(rule)), via=via
    )
    return rule


def seller_capacity_overview(team_ids: list[int] | None = None) -> list[dict]:
    """Open lead load per seller (for the routing page)."""
    qs = Person.objects.filter(function=Function.SALES, role_title__in=SELLER_TITLES)
    if team_ids:
        qs = qs.filter(team_id__in=team_ids)
    qs = qs.annotate(open_leads=Count("leads", filter=Q(leads__state__in=OPEN_LOAD_STATES))).select_related(
        "team"
    )
    return [
        {
            "person": p,
            "open_leads": p.open_leads,
            "available": p.is_active and not (p.absent_until and p.absent_until >= timezone.localdate()),
        }
        for p in qs.order_by("team__name", "full_name")
    ]
