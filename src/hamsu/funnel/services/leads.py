"""The lead lifecycle's services: create and edit a lead, evaluate it against the MQL
definition, and every move between marketing and sales — each one through
``lead_states.transition`` (the allowed moves, the owner-or-queue invariant, the stage
event and the audit entry, in the caller's transaction)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamsu.core import audit, versioning
from hamsu.core.dates import to_persian_digits, uses_jalali
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.core.validation import check_length, full_clean, max_length_of, raise_if
from hamsu.crm import services as crm
from hamsu.crm.events import record_stage_event
from hamsu.crm.models import Opportunity, Source, StageEvent
from hamsu.directory.visibility import person_of
from hamsu.funnel import lead_reactions
from hamsu.funnel.models import (
    MARKETING_STATES,
    OPEN_FOR_SALES,
    RETURN_TARGET,
    DefinitionKind,
    Handoff,
    HandoffStatus,
    Lead,
    LeadAssignment,
    LeadQueue,
    LeadTouch,
    ReturnReason,
)
from hamsu.funnel.rule_language import describe
from hamsu.funnel.services.definitions import lead_definition_in_effect, lead_meets, rule_in_effect
from hamsu.funnel.services.handoff import handoff_close, handoff_open, policy_for
from hamsu.funnel.services.lead_states import S, locked, require_access, transition
from hamsu.funnel.services.routing import route_lead
from hamsu.funnel.services.scoring import lead_score

LEAD_FIELDS = [
    "email",
    "first_name",
    "last_name",
    "company",
    "title",
    "phone",
    "country",
    "employees",
    "segment",
    "origin",
    "external_id",
]


def _clean_data(data: dict) -> dict:
    unknown = set(data) - set(LEAD_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={name: [_("This field cannot be set.")] for name in sorted(unknown)}
        )
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    if "email" in cleaned:
        cleaned["email"] = (cleaned["email"] or "").lower()
    if "country" in cleaned:
        cleaned["country"] = (cleaned["country"] or "").upper()
    return cleaned


# ---------------------------------------------------------------- create and edit


@transaction.atomic
def lead_create(
    *,
    actor,
    via: str = "",
    owner=None,
    contact=None,
    account=None,
    at: datetime.datetime | None = None,
    evaluate: bool = True,
    **data,
) -> Lead:
    """A new inquiry in the marketing pool (or with ``owner``), scored and evaluated."""
    now = at or timezone.now()
    lead = Lead(state=S.INQUIRY, state_changed_at=now, created_at=now, contact=contact, account=account)
    for name, value in _clean_data(data).items():
        setattr(lead, name, value)
    if not (lead.email or lead.last_name or lead.phone):
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={"email": [_("Give at least an e-mail, a phone or a name.")]},
        )
    lead.owner = owner
    lead.team = owner.team if owner else None
    lead.queue = "" if owner else LeadQueue.MARKETING
    full_clean(
        lead, exclude=["segment", "contact", "account", "opportunity", "owner", "team", "mql_definition"]
    )
    lead.save()
    record_stage_event(
        object_type=StageEvent.ObjectType.LEAD,
        object_id=lead.pk,
        from_stage="",
        to_stage=S.INQUIRY,
        actor=actor,
        reason=_("created"),
        via=via,
        at=now,
    )
    audit.record(actor=actor, action="create", instance=lead, changes=audit.snapshot(lead), via=via)
    if evaluate:
        lead = lead_evaluate(lead=lead, actor=actor, via=via, now=now)
    return lead


@versioning.atomic_write
def lead_update(
    *, lead: Lead, actor, via: str = "", expected_version: int | None = None, strict: bool = False, **data
) -> Lead:
    require_access(lead, actor)
    lead = locked(lead)
    data = versioning.check(lead, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(lead, [*LEAD_FIELDS, "version"])
    for name, value in _clean_data(data).items():
        setattr(lead, name, value)
    full_clean(
        lead, exclude=["segment", "contact", "account", "opportunity", "owner", "team", "mql_definition"]
    )
    versioning.bump(lead)
    lead.save()
    changes = audit.diff(before, audit.snapshot(lead, [*LEAD_FIELDS, "version"]))
    if changes:
        audit.record(actor=actor, action="update", instance=lead, changes=changes, via=via)
    return lead


@transaction.atomic
def lead_touch_record(
    *, lead: Lead, kind: str, at: datetime.datetime | None = None, source: str = ""
) -> LeadTouch:
    if not kind or len(kind) > 40:
        raise ValidationFailed(
            _("Unknown touch"), errors={"kind": [_("Give the touch kind (at most 40 characters).")]}
        )
    return LeadTouch.objects.create(lead=lead, kind=kind, at=at or timezone.now(), source=source[:100])


@transaction.atomic
def lead_evaluate(*, lead: Lead, actor=None, via: str = "", now: datetime.datetime | None = None) -> Lead:
    """Re-score the lead and, if marketing still holds it, check the MQL definition."""
    now = now or timezone.now()
    lead = Lead.objects.select_for_update(of=("self",)).select_related("segment", "account").get(pk=lead.pk)
    lead_score(lead=lead, now=now)
    if lead.state in MARKETING_STATES:
        rule = rule_in_effect(kind=DefinitionKind.MQL)
        if lead_meets(lead=lead, definition=rule.definition, now=now, rules=rule.rules):
            lead = lead_mark_mql(
                lead=lead, actor=actor, via=via, reason=rule.reason(), definition=rule.definition, at=now
            )
    return lead


# ---------------------------------------------------------------- marketing → sales


def mql_reason(reason: str, definition) -> str:
    """Why the lead became an MQL, as its stage event and handoff record it. A rule's own
    text is shortened to fit; a person's words were checked whole by the caller."""
    text = reason or (str(definition) if definition else _("marked MQL"))
    return Truncator(text).chars(max_length_of(Handoff, "reason"))


def mql_reset(lead: Lead, definition) -> None:
    """What becoming an MQL clears on the lead (in memory): it starts a fresh handoff."""
    lead.mql_definition = definition
    lead.return_reason, lead.return_note, lead.returned_at = "", "", None
    lead.accepted_at = None
    lead.first_follow_up_at, lead.follow_up_attempts = None, 0


def assignment_row(lead: Lead, decision, *, actor, at: datetime.datetime) -> LeadAssignment:
    """The routing decision as the lead's assignment history records it (unsaved)."""
    return LeadAssignment(
        lead=lead,
        person=decision.person,
        team=decision.team,
        queue="" if decision.person else LeadQueue.HANDOFF,
        rule=decision.rule,
        explanation=decision.explanation[:500],
        actor=actor if getattr(actor, "pk", None) else None,
        at=at,
    )


@transaction.atomic
def lead_mark_mql(
    *,
    lead: Lead,
    actor,
    via: str = "",
    reason: str = "",
    definition=None,
    at: datetime.datetime | None = None,
) -> Lead:
    """The lead met the MQL definition (or marketing says so): route it and open the handoff.

    Only a lead marketing holds (an inquiry or a nurtured lead) becomes an MQL; the page,
    the API and the automatic evaluations all meet this check here. (The capture worker
    marks a chunk's leads at once with ``mql_batch.leads_mark_mql``, to the same effect.)
    """
    lead = locked(lead)
    if lead.state not in MARKETING_STATES:
        message = _("Only an inquiry or a nurtured lead becomes an MQL.")
        raise ValidationFailed(message, errors={"state": [message]})
    reason = (reason or "").strip()
    if definition is None and getattr(actor, "pk", None):
        # A marketer qualifying a lead by hand says why: sales reads it on the lead and
        # in the handoff, as it reads the definition a lead met.
        errors: dict[str, list[str]] = {}
        if not reason:
            errors["reason"] = [_("Say why this lead is ready for sales.")]
        check_length("reason", reason, errors, model=Handoff)
        raise_if(errors)
    now = at or timezone.now()
    decision = route_lead(lead=lead, at=now)
    mql_reset(lead, definition)
    handed_over_because = mql_reason(reason, definition)
    transition(
        lead,
        to_state=S.MQL,
        actor=actor,
        via=via,
        reason=handed_over_because,
        owner=decision.person,
        queue=LeadQueue.HANDOFF,
        team=decision.team,
        at=now,
    )
    assignment_row(lead, decision, actor=actor, at=now).save(force_insert=True)
    handoff_open(lead=lead, at=now, reason=handed_over_because)
    return lead


@transaction.atomic
def lead_assign(*, lead: Lead, person, actor, via: str = "", note: str = "") -> Lead:
    """A manager hands a lead from the queue (or another seller) to ``person``."""
    lead = locked(lead)
    if lead.state not in OPEN_FOR_SALES:
        raise ValidationFailed(
            _("Only leads with sales can be assigned."),
            errors={"state": [_("Only MQL, SAL or SQL leads can be assigned.")]},
        )
    if not person.is_active:
        raise ValidationFailed(_("Inactive person"), errors={"person": [_("This person is not active.")]})
    before, version_before = lead.owner_id, lead.version
    lead.owner, lead.team, lead.queue = person, person.team, ""
    versioning.bump(lead)
    lead.save(update_fields=["owner", "team", "queue", "updated_at", "version"])
    Handoff.objects.filter(lead=lead, status=HandoffStatus.OPEN).update(owner=person, team=person.team)
    who = person_of(actor) if actor else None
    LeadAssignment.objects.create(
        lead=lead,
        person=person,
        team=person.team,
        explanation=(note or _("Assigned by %(who)s.") % {"who": who or _("the system")})[:500],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="update",
        instance=lead,
        changes={"owner": [before, person.pk], "version": [version_before, lead.version]},
        via=via,
    )
    return lead


@transaction.atomic
def lead_accept(*, lead: Lead, actor, via: str = "", at: datetime.datetime | None = None) -> Lead:
    """Sales accepts the MQL: it becomes an SAL and the handoff closes."""
    lead = locked(lead)
    if lead.state != S.MQL:
        raise ValidationFailed(
            _("Only an MQL can be accepted."), errors={"state": [_("Only an MQL can be accepted.")]}
        )
    person = person_of(actor) if actor else None
    if lead.owner_id is None:
        # Taking a lead from the handoff queue makes you its owner.
        if person is None:
            raise PermissionDenied(
                _("You cannot act on this lead."), errors={"lead": [_("This lead is not yours.")]}
            )
        lead.owner, lead.team, lead.queue = person, person.team, ""
        LeadAssignment.objects.create(
            lead=lead,
            person=person,
            team=person.team,
            explanation=_("Taken from the handoff queue."),
            actor=actor,
        )
    else:
        require_access(lead, actor)
    now = at or timezone.now()
    lead.accepted_at = now
    transition(lead, to_state=S.SAL, actor=actor, via=via, reason=_("accepted"), keep_owner=True, at=now)
    handoff_close(lead=lead, status=HandoffStatus.ACCEPTED, at=now)
    return lead


@transaction.atomic
def lead_return(
    *, lead: Lead, actor, reason: str, note: str = "", via: str = "", at: datetime.datetime | None = None
) -> Lead:
    """Sales gives the lead back with a reason: nurture (may buy later) or disqualified."""
    if reason not in ReturnReason.values:
        raise ValidationFailed(
            _("Say why the lead goes back."),
            errors={"reason": [_("Choose a reason: %(codes)s.") % {"codes": ", ".join(ReturnReason.values)}]},
        )
    errors: dict[str, list[str]] = {}
    check_length("note", note, errors, model=Lead, column="return_note")
    raise_if(errors)
    lead = locked(lead)
    require_access(lead, actor)
    if lead.state not in OPEN_FOR_SALES:
        raise ValidationFailed(
            _("Only a lead with sales can be returned."),
            errors={"state": [_("Only an MQL, SAL or SQL can be returned.")]},
        )
    _require_follow_up_attempts(lead)
    now = at or timezone.now()
    lead.return_reason = reason
    lead.return_note = note or ""
    lead.returned_at = now
    lead.recycle_count += 1
    target = RETURN_TARGET[ReturnReason(reason)]
    text = ReturnReason(reason).label + (f": {note}" if note else "")
    transition(lead, to_state=target, actor=actor, via=via, reason=str(text), queue=LeadQueue.RECYCLE, at=now)
    handoff_close(lead=lead, status=HandoffStatus.RETURNED, at=now)
    lead_reactions.lead_returned(lead, actor=actor)
    return lead


def digits(number: int) -> str:
    return to_persian_digits(str(number)) if uses_jalali() else str(number)


def _require_follow_up_attempts(lead: Lead) -> None:
    """The SLA policy's promise: sales makes its minimum follow-up attempts before it
    gives a lead back (the SLA page compares the attempts made with this minimum). The
    policy is the one the lead was handed over under, else its team's policy now."""
    handoff = (
        lead.handoffs.filter(policy__isnull=False).select_related("policy").order_by("-opened_at").first()
    )
    policy = handoff.policy if handoff else policy_for(lead.team_id)
    if policy is None:
        return  # no policy, no minimum
    required = policy.min_attempts
    if lead.follow_up_attempts < required:
        message = ngettext(
            "Log at least %(required)s follow-up attempt before returning this lead "
            "(the SLA policy “%(policy)s”); %(made)s logged so far.",
            "Log at least %(required)s follow-up attempts before returning this lead "
            "(the SLA policy “%(policy)s”); %(made)s logged so far.",
            required,
        ) % {"required": digits(required), "policy": policy.name, "made": digits(lead.follow_up_attempts)}
        raise ValidationFailed(message, errors={"follow_up_attempts": [message]})


@transaction.atomic
def lead_qualify(
    *, lead: Lead, actor, via: str = "", reason: str = "", at: datetime.datetime | None = None
) -> Lead:
    """SAL → SQL, checked against the SQL definition in effect (if both heads signed one)."""
    lead = locked(lead)
    require_access(lead, actor)
    if lead.state != S.SAL:
        raise ValidationFailed(
            _("Only an SAL can be qualified."), errors={"state": [_("Only an SAL can be qualified.")]}
        )
    definition = lead_definition_in_effect(kind="sql")
    if definition is not None and not lead_meets(lead=lead, definition=definition, now=at or timezone.now()):
        raise ValidationFailed(
            _("The lead does not meet the SQL definition."),
            errors={
                "state": [
                    _("SQL definition v%(n)s: %(rule)s")
                    % {"n": definition.number, "rule": describe(definition.rules)}
                ]
            },
        )
    return transition(
        lead, to_state=S.SQL, actor=actor, via=via, reason=reason or _("qualified"), keep_owner=True, at=at
    )


@transaction.atomic
def lead_log_follow_up(*, lead: Lead, actor, via: str = "", at: datetime.datetime | None = None) -> Lead:
    """One follow-up attempt (call, e-mail): feeds the sales side of the SLA."""
    lead = locked(lead)
    require_access(lead, actor)
    if lead.state not in (S.SAL, S.SQL, S.MQL):
        raise ValidationFailed(
            _("No follow-up here"), errors={"state": [_("Follow-ups are logged on leads with sales.")]}
        )
    now = at or timezone.now()
    attempts_before, version_before = lead.follow_up_attempts, lead.version
    lead.follow_up_attempts += 1
    lead.first_follow_up_at = lead.first_follow_up_at or now
    versioning.bump(lead)
    lead.save(update_fields=["follow_up_attempts", "first_follow_up_at", "updated_at", "version"])
    audit.record(
        actor=actor,
        action="update",
        instance=lead,
        changes={
            "follow_up_attempts": [attempts_before, lead.follow_up_attempts],
            "version": [version_before, lead.version],
        },
        via=via,
    )
    return lead


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    actor,
    via: str = "",
    name: str = "",
    amount: Decimal = Decimal("0"),
    currency: str = "USD",
    expected_close: datetime.date | None = None,
    product=None,
) -> Lead:
    """SQL → opportunity: the deal is created in the CRM, marketing-sourced, and linked."""
    lead = locked(lead)
    require_access(lead, actor)
    if lead.state != S.SQL:
        raise ValidationFailed(
            _("Only an SQL becomes an opportunity."),
            errors={"state": [_("Only an SQL becomes an opportunity.")]},
        )
    if lead.account_id is None:
        raise ValidationFailed(_("No account"), errors={"account": [_("Link the lead to an account first.")]})
    opportunity = crm.opportunity_create(
        actor=None,  # the lead's owner acts; the deal is created on their behalf
        via=via,
        # A name given is checked whole; the one made up here is shortened to fit.
        name=name
        or Truncator(f"{lead.display_company or lead} — {lead}").chars(max_length_of(Opportunity, "name")),
        account=lead.account,
        owner=lead.owner,
        amount=amount,
        currency=currency,
        expected_close=expected_close or (timezone.now().date() + datetime.timedelta(days=90)),
        product=product,
        source=Source.MARKETING,
        reason=_("from lead #%(id)s") % {"id": lead.pk},
    )
    lead.opportunity = opportunity
    return transition(
        lead,
        to_state=S.OPPORTUNITY,
        actor=actor,
        via=via,
        reason=_("opportunity #%(id)s") % {"id": opportunity.pk},
        keep_owner=True,
    )


@transaction.atomic
def lead_close_from_opportunity(*, opportunity, actor=None, via: str = "") -> list[Lead]:
    """When a lead's deal is won or lost, the lead follows it."""
    target = {"won": S.WON, "lost": S.LOST}.get(opportunity.stage)
    if target is None:
        return []
    changed = []
    for lead in Lead.objects.select_for_update().filter(opportunity=opportunity, state=S.OPPORTUNITY):
        changed.append(
            transition(
                lead,
                to_state=target,
                actor=actor,
                via=via,
                reason=opportunity.lost_reason or target,
                keep_owner=True,
            )
        )
    return changed


@transaction.atomic
def lead_recycle(*, lead: Lead, actor, via: str = "", reason: str = "") -> Lead:
    """Back into marketing nurture: a lost deal's lead, or a disqualified one worth another try."""
    lead = locked(lead)
    require_access(lead, actor)
    if lead.state not in (S.LOST, S.DISQUALIFIED):
        raise ValidationFailed(
            _("Nothing to recycle"), errors={"state": [_("Only lost or disqualified leads are recycled.")]}
        )
    lead.recycle_count += 1
    return transition(
        lead,
        to_state=S.NURTURE,
        actor=actor,
        via=via,
        reason=reason or _("recycled"),
        queue=LeadQueue.RECYCLE,
    )


@transaction.atomic
def lead_archive(*, lead: Lead, actor, via: str = "", reason: str = "") -> Lead:
    """Marketing sets a disqualified lead aside: out of the recycle pool into the archive,
    history kept; ``lead_recycle`` reopens it into nurture."""
    errors: dict[str, list[str]] = {}
    check_length("reason", reason, errors, model=StageEvent)
    raise_if(errors)
    lead = locked(lead)
    require_access(lead, actor)
    if lead.state != S.DISQUALIFIED or lead.queue != LeadQueue.RECYCLE:
        message = _("Only a disqualified lead in the recycle pool is archived.")
        raise ValidationFailed(message, errors={"state": [message]})
    before = {"queue": lead.queue, "version": lead.version}
    lead.queue = LeadQueue.ARCHIVE
    versioning.bump(lead)
    lead.save(update_fields=["queue", "version", "updated_at"])
    changes = {"queue": [before["queue"], lead.queue], "version": [before["version"], lead.version]}
    if reason.strip():
        changes["reason"] = ["", reason.strip()]
    audit.record(actor=actor, action="update", instance=lead, changes=changes, via=via)
    return lead


@transaction.atomic
def lead_disqualify(*, lead: Lead, actor, via: str = "", reason: str) -> Lead:
    """Marketing drops an inquiry or a nurtured lead (spam, student, competitor)."""
    if not (reason or "").strip():
        raise ValidationFailed(_("Say why."), errors={"reason": [_("Say why the lead is disqualified.")]})
    lead = locked(lead)
    require_access(lead, actor)
    if lead.state not in MARKETING_STATES:
        raise ValidationFailed(
            _("Sales returns leads instead."),
            errors={"state": [_("Leads with sales are returned with a reason.")]},
        )
    return transition(
        lead, to_state=S.DISQUALIFIED, actor=actor, via=via, reason=reason.strip(), queue=LeadQueue.RECYCLE
    )
