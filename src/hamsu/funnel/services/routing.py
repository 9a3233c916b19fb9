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

from hamsu.core import audit, versioning
from hamsu.core.errors import ValidationFailed
from hamsu.core.validation import full_clean
from hamsu.directory.models import Function, Person, RoleTitle, Team
from hamsu.funnel import rule_language, rule_text
from hamsu.funnel.conditions import validate_conditions
from hamsu.funnel.models import Lead, LeadState, RoundRobinCursor, RoutingRule, RoutingRuleKind
from hamsu.funnel.services import ordering
from hamsu.funnel.services.scoring import lead_facts

OPEN_LOAD_STATES = (LeadState.MQL, LeadState.SAL)
SELLER_TITLES = (RoleTitle.SALES_REP, RoleTitle.SDR)


@dataclass
class RoutingDecision:
    person: Person | None
    team: Team | None
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


def rule_criteria(rule: RoutingRule, lead: Lead, *, explain: bool = False) -> tuple[bool, str]:
    """Whether ``rule`` covers ``lead`` at all (before anyone's availability), and why.

    ``route_lead`` and the rule preview both ask this, so the preview can never tell a
    different story from the routing itself. Routing runs on every captured lead, so the
    sentence (which reads related names) is only written when ``explain`` is asked for.
    """
    kind = rule.kind
    if kind == RoutingRuleKind.ACCOUNT_OWNER:
        matches = lead.account is not None and lead.account.owner_id is not None
    elif rule.team_id is None:
        return False, _("the rule names no team") if explain else ""
    elif kind == RoutingRuleKind.SEGMENT:
        matches = rule.segment_id is not None and lead.segment_id == rule.segment_id
    elif kind == RoutingRuleKind.TERRITORY:
        matches = (lead.country or "").upper() in [c.upper() for c in rule.countries]
    else:
        matches = True
    conditions_hold = None
    if matches and rule.conditions:
        conditions_hold = rule_language.evaluate(rule.conditions, lead_facts(lead), [])
        matches = conditions_hold
    if not explain:
        return matches, ""
    sentence = _criteria_sentence(rule, lead, True if conditions_hold is not None else matches)
    if conditions_hold is not None:
        described = rule_text.describe_condition(rule.conditions)
        if conditions_hold:
            sentence += "; " + _("and %(conditions)s") % {"conditions": described}
        else:
            sentence += "; " + _("but not %(conditions)s") % {"conditions": described}
    return matches, sentence


def _criteria_sentence(rule: RoutingRule, lead: Lead, matches: bool) -> str:
    if rule.kind == RoutingRuleKind.ACCOUNT_OWNER:
        account = lead.account
        if matches and account is not None and account.owner is not None:
            return _("the account %(account)s has an owner, %(person)s") % {
                "account": account.name,
                "person": account.owner.full_name,
            }
        return _("the lead has no account with an owner")
    if rule.kind == RoutingRuleKind.SEGMENT:
        wanted = rule.segment.name if rule.segment is not None else "—"
        if matches:
            return _("the segment is %(segment)s") % {"segment": wanted}
        return _("the lead's segment is %(segment)s, not %(wanted)s") % {
            "segment": lead.segment.name if lead.segment is not None else "—",
            "wanted": wanted,
        }
    if rule.kind == RoutingRuleKind.TERRITORY:
        country = (lead.country or "").upper() or "—"
        if matches:
            return _("country %(c)s is in the territory") % {"c": country}
        return _("country %(c)s is not in %(list)s") % {"c": country, "list": ", ".join(rule.countries)}
    return _("round robin takes every lead")


class Router:
    """Routing decisions for leads taken one after another in one transaction.

    ``route_lead`` asks one for a single lead; the capture worker keeps one for a whole
    chunk, so the rules, the teams' sellers, the round-robin cursors and the sellers'
    open loads are read once per chunk instead of once per lead. Each decision counts
    the lead in its owner's load and moves the team's cursor in memory, exactly as the
    next lead would find them in the database had the previous one been written already;
    ``flush`` writes the cursors that moved.
    """

    def __init__(self, *, at: datetime.datetime | None = None):
        self.today = timezone.localdate(at or timezone.now())
        self.rules = list(
            RoutingRule.objects.filter(is_active=True).select_related("team").order_by("position", "pk")
        )
        self._members: dict[int, list[Person]] = {}
        self._cursors: dict[int, RoundRobinCursor] = {}
        self._moved: dict[int, RoundRobinCursor] = {}
        self._cursors_locked = False
        self._stored_load: dict[int, int] = {}
        self._added_load: dict[int, int] = {}

    def _loads(self, person_ids: list[int]) -> dict[int, int]:
        """Open leads per person: as stored (read once), plus the ones routed here since."""
        missing = [pk for pk in person_ids if pk not in self._stored_load]
        if missing:
            stored = _open_load(missing)
            self._stored_load.update({pk: stored.get(pk, 0) for pk in missing})
        return {pk: self._stored_load[pk] + self._added_load.get(pk, 0) for pk in person_ids}

    def _team_members(self, team) -> list[Person]:
        if team.pk not in self._members:
            self._members[team.pk] = list(
                Person.objects.filter(
                    team=team, function=Function.SALES, role_title__in=SELLER_TITLES
                ).order_by("pk")
            )
        return self._members[team.pk]

    def _cursor(self, team) -> RoundRobinCursor:
        if not self._cursors_locked:
            # Every team's cursor, locked in one order (team id) at the first need: two
            # workers routing chunks at once then wait for each other instead of each
            # holding one team's cursor and asking for the other's (a deadlock, measured
            # by the sustained capture bench with two workers).
            team_ids = sorted({r.team_id for r in self.rules if r.team_id is not None})
            for cursor in (
                RoundRobinCursor.objects.select_for_update().filter(team_id__in=team_ids).order_by("team_id")
            ):
                self._cursors[cursor.team_id] = cursor
            self._cursors_locked = True
        if team.pk not in self._cursors:
            self._cursors[team.pk] = RoundRobinCursor.objects.select_for_update().get_or_create(team=team)[0]
        return self._cursors[team.pk]

    def _round_robin(self, team, capacity: int | None) -> tuple[Person | None, list[str]]:
        """The next available seller after the last one who got a lead; notes on who was skipped."""
        members = self._team_members(team)
        if not members:
            return None, [_("nobody sells in this team")]
        cursor = self._cursor(team)
        loads = self._loads([m.pk for m in members])
        start = 0
        if cursor.last_person_id is not None:
            after = [i for i, m in enumerate(members) if m.pk > cursor.last_person_id]
            start = after[0] if after else 0
        skipped = []
        for offset in range(len(members)):
            person = members[(start + offset) % len(members)]
            why_not = _unavailable_reason(person, self.today, loads.get(person.pk, 0), capacity)
            if why_not:
                skipped.append(f"{person.full_name}: {why_not}")
                continue
            cursor.last_person = person
            self._moved[team.pk] = cursor
            return person, skipped
        return None, skipped

    def decide(self, lead: Lead) -> RoutingDecision:
        """The owner of ``lead``, counted in that person's open load from now on."""
        decision = self._decide(lead)
        if decision.person is not None:
            self._added_load[decision.person.pk] = self._added_load.get(decision.person.pk, 0) + 1
        return decision

    def _decide(self, lead: Lead) -> RoutingDecision:
        notes: list[str] = []
        fallback_team = None
        fallback_rule = None
        for rule in self.rules:
            if not rule_criteria(rule, lead)[0]:
                continue
            if rule.kind == RoutingRuleKind.ACCOUNT_OWNER:
                account = lead.account
                # rule_criteria matches an account-owner rule only for an account with an owner.
                assert account is not None, "an account-owner rule matched a lead without an account"
                owner = account.owner
                assert owner is not None, "an account-owner rule matched an account without an owner"
                load = self._loads([owner.pk])[owner.pk]
                why_not = _unavailable_reason(owner, self.today, load, rule.capacity)
                if not why_not:
                    return RoutingDecision(
                        owner,
                        owner.team,
                        rule,
                        _("Rule “%(rule)s”: %(person)s owns the account %(account)s.")
                        % {"rule": rule.name, "person": owner.full_name, "account": account.name},
                    )
                notes.append(
                    _("account owner %(person)s is %(why)s") % {"person": owner.full_name, "why": why_not}
                )
                continue
            team = rule.team
            # rule_criteria matches every other kind of rule only when it names a team.
            assert team is not None, "a team rule without a team matched"
            person, skipped = self._round_robin(team, rule.capacity)
            notes.extend(skipped)
            if person is not None:
                matched = {
                    RoutingRuleKind.SEGMENT: _("segment matches"),
                    RoutingRuleKind.TERRITORY: _("country %(c)s is in the territory") % {"c": lead.country},
                    RoutingRuleKind.ROUND_ROBIN: _("team round robin"),
                }[RoutingRuleKind(rule.kind)]
                skipped_text = (
                    (" " + _("Skipped: %(list)s.") % {"list": "; ".join(skipped)}) if skipped else ""
                )
                return RoutingDecision(
                    person,
                    team,
                    rule,
                    _("Rule “%(rule)s” (%(why)s): %(person)s is next in %(team)s.")
                    % {"rule": rule.name, "why": matched, "person": person.full_name, "team": team.name}
                    + skipped_text,
                )
            fallback_team, fallback_rule = fallback_team or team, fallback_rule or rule
        detail = (" " + _("Notes: %(list)s.") % {"list": "; ".join(notes)}) if notes else ""
        return RoutingDecision(
            None,
            fallback_team,
            fallback_rule,
            _("No rule found an available seller; the lead waits in the handoff queue for a manager.")
            + detail,
        )

    def flush(self) -> None:
        """Write the round-robin cursors that moved (one UPDATE per team)."""
        for cursor in self._moved.values():
            cursor.save(update_fields=["last_person"])
        self._moved.clear()


def route_lead(*, lead: Lead, at: datetime.datetime | None = None) -> RoutingDecision:
    """Decide the owner of ``lead``. Call inside the transaction that assigns it."""
    router = Router(at=at)
    decision = router.decide(lead)
    router.flush()
    return decision


# ---------------------------------------------------------------- rule maintenance


RULE_FIELDS = [
    "position",
    "name",
    "kind",
    "segment",
    "countries",
    "team",
    "capacity",
    "conditions",
    "is_active",
]


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
    problems = validate_conditions(rule.conditions, "lead")
    if problems:
        errors["conditions"] = problems
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


@transaction.atomic
def routing_rule_create(*, actor, via: str = "", **data) -> RoutingRule:
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    data.setdefault("position", ordering.next_position(RoutingRule))
    rule = RoutingRule(**data)
    _validate_rule(rule)
    full_clean(rule)
    rule.save()
    audit.record(actor=actor, action="create", instance=rule, changes=audit.snapshot(rule), via=via)
    return rule


@versioning.atomic_write
def routing_rule_update(
    *,
    rule: RoutingRule,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> RoutingRule:
    """``expected_version``: the version the editor loaded (``hamsu.core.versioning``);
    ``strict`` (the API's If-Match) refuses any change since instead of merging."""
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    rule, data = versioning.begin(rule, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(rule)
    for key, value in data.items():
        setattr(rule, key, value)
    # Switching a rule off never depends on the rest of it being valid (a rule stored
    # through the admin, or before a check was added, must still be stoppable).
    if data != {"is_active": False}:
        _validate_rule(rule)
        full_clean(rule)
    versioning.bump(rule)
    rule.save()
    audit.record(
        actor=actor, action="update", instance=rule, changes=audit.diff(before, audit.snapshot(rule)), via=via
    )
    return rule


def routing_rule_move(*, rule: RoutingRule, direction: str, actor, via: str = "") -> RoutingRule:
    """One step up or down in the order the rules are tried."""
    return ordering.move(rule, direction=direction, actor=actor, via=via)


# ---------------------------------------------------------------- preview


@dataclass
class RuleTrace:
    rule: RoutingRule
    matches: bool
    why: str


@dataclass
class RoutingPreview:
    trace: list[RuleTrace]
    decision: RoutingDecision


class _DryRun(Exception):
    pass


def routing_preview(*, lead: Lead) -> RoutingPreview:
    """What routing would decide for ``lead`` now, without assigning anything.

    ``route_lead`` itself runs (so the explanation is the real one) inside a savepoint
    that is always rolled back: round robin moves its cursor when it picks someone, and
    a preview must not change whose turn is next.
    """
    rules = RoutingRule.objects.select_related("team", "segment").order_by("position", "pk")
    trace = [RuleTrace(rule, *rule_criteria(rule, lead, explain=True)) for rule in rules]
    outcome: list[RoutingDecision] = []
    try:
        with transaction.atomic():
            outcome.append(route_lead(lead=lead))
            raise _DryRun
    except _DryRun:
        pass
    return RoutingPreview(trace=trace, decision=outcome[0])


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
