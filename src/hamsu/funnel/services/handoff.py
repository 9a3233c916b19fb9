"""Handoffs and the SLA clock: open on MQL, close on accept/return, escalate breaches once."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.errors import ValidationFailed
from hamsu.core.notify import Notice, deliver
from hamsu.core.validation import full_clean
from hamsu.directory.models import Person, RoleTitle
from hamsu.funnel.calendars import CalendarSpec, calendar_spec
from hamsu.funnel.models import BusinessCalendar, Handoff, HandoffStatus, Lead, SlaPolicy

# Without any policy configured: eight working hours, Monday to Friday 9–17 UTC.
FALLBACK_CALENDAR = CalendarSpec()
FALLBACK_ACCEPT_HOURS = Decimal("8")


def policy_for(team_id: int | None) -> SlaPolicy | None:
    policies = {
        p.team_id: p
        for p in SlaPolicy.objects.filter(team_id__in=[team_id] if team_id else []).select_related("calendar")
    }
    if team_id in policies:
        return policies[team_id]
    return SlaPolicy.objects.filter(team__isnull=True).select_related("calendar").order_by("pk").first()


def deadline(
    *, start: datetime.datetime, policy: SlaPolicy | None, hours: Decimal | None = None
) -> datetime.datetime:
    spec = calendar_spec(policy.calendar) if policy else FALLBACK_CALENDAR
    wanted = hours if hours is not None else (policy.accept_within_hours if policy else FALLBACK_ACCEPT_HOURS)
    return spec.add_business_hours(start, float(wanted))


class HandoffClock:
    """The policy and deadline of handoffs opened at one moment, looked up once per team
    (the capture worker opens a chunk's handoffs with one of these)."""

    def __init__(self, *, at: datetime.datetime):
        self.at = at
        self._policies: dict[int | None, SlaPolicy | None] = {}
        self._deadlines: dict[int | None, datetime.datetime] = {}

    def row(self, lead: Lead, *, reason: str = "") -> Handoff:
        """The open handoff of ``lead`` (unsaved), timed by its team's policy; ``reason``
        is why marketing handed it over (the definition met, or a marketer's words)."""
        if lead.team_id not in self._policies:
            self._policies[lead.team_id] = policy_for(lead.team_id)
        policy = self._policies[lead.team_id]
        key = policy.pk if policy else None
        if key not in self._deadlines:
            self._deadlines[key] = deadline(start=self.at, policy=policy)
        return Handoff(
            lead=lead,
            team_id=lead.team_id,
            owner_id=lead.owner_id,
            policy=policy,
            opened_at=self.at,
            due_at=self._deadlines[key],
            reason=reason,
        )


def handoffs_withdraw_stale(*, lead_ids: list[int], at: datetime.datetime) -> int:
    """A lead re-entering MQL closes any stale open handoff first (one open per lead)."""
    return Handoff.objects.filter(lead_id__in=lead_ids, status=HandoffStatus.OPEN).update(
        status=HandoffStatus.WITHDRAWN, closed_at=at
    )


def handoff_open(*, lead: Lead, at: datetime.datetime | None = None, reason: str = "") -> Handoff:
    """Called by lead_mark_mql inside its transaction."""
    now = at or timezone.now()
    handoffs_withdraw_stale(lead_ids=[lead.pk], at=now)
    handoff = HandoffClock(at=now).row(lead, reason=reason)
    handoff.save(force_insert=True)
    return handoff


def handoff_close(*, lead: Lead, status: str, at: datetime.datetime | None = None) -> int:
    return Handoff.objects.filter(lead=lead, status=HandoffStatus.OPEN).update(
        status=status, closed_at=at or timezone.now()
    )


def _escalation_recipients(handoff: Handoff, managers: dict, liaisons: dict) -> list[Person]:
    people: dict[int, Person] = {}
    owner = handoff.owner
    manager = (owner.manager if owner else None) or managers.get(handoff.team_id)
    if manager:
        people[manager.pk] = manager
    for liaison in liaisons.get(handoff.team_id, []):
        people[liaison.pk] = liaison
    return list(people.values())


def sla_check(*, now: datetime.datetime | None = None) -> int:
    """Escalate every open handoff past its deadline, exactly once.

    One UPDATE claims the breaches by stamping them with a fresh token; only this run's
    token is read back, so two workers running at the same moment never escalate the
    same breach twice, and a breach escalated once is never claimed again. The in-app
    notices (the same bell every app writes to) are written in the same transaction;
    e-mails go out after it commits.
    """
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        claimed = Handoff.objects.filter(
            status=HandoffStatus.OPEN, escalated_at__isnull=True, due_at__lte=now
        ).update(escalated_at=now, escalation_claim=token)
        if not claimed:
            return 0
        handoffs = list(
            Handoff.objects.filter(escalation_claim=token).select_related(
                "lead", "owner__manager", "team__manager"
            )
        )
        team_ids = {h.team_id for h in handoffs if h.team_id}
        managers = {
            h.team.pk: h.team.manager for h in handoffs if h.team is not None and h.team.manager is not None
        }
        liaisons: dict[int | None, list[Person]] = {}
        for person in Person.objects.filter(
            team_id__in=team_ids, role_title=RoleTitle.MARKETING_LIAISON, is_active=True
        ):
            liaisons.setdefault(person.team_id, []).append(person)
        notices = []
        for handoff in handoffs:
            lead = handoff.lead
            title = _("SLA breached: lead %(lead)s was not accepted or returned in time") % {"lead": lead}
            body = _("Due %(due)s; owner %(owner)s.") % {
                "due": handoff.due_at.isoformat(timespec="minutes"),
                "owner": handoff.owner or _("nobody (handoff queue)"),
            }
            notices += [
                Notice(person, "sla_breach", title, body, f"/funnel/leads/{lead.pk}/")
                for person in _escalation_recipients(handoff, managers, liaisons)
            ]
        deliver(notices)
    return claimed


# ---------------------------------------------------------------- calendars and policies

CALENDAR_FIELDS = [
    "name",
    "timezone",
    "workdays",
    "day_start",
    "day_end",
    "holidays",
    "jalali_holidays",
    "gregorian_holidays",
]
POLICY_FIELDS = [
    "name",
    "team",
    "calendar",
    "accept_within_hours",
    "follow_up_within_hours",
    "min_attempts",
    "mql_target_per_month",
    "acceptance_rate_target",
]


def _check_calendar(calendar: BusinessCalendar) -> None:
    try:
        calendar_spec(calendar)
    except (ValueError, TypeError, KeyError) as error:
        field = "workdays"
        text = str(error)
        if "month-day" in text:
            field = "jalali_holidays"
        elif "isoformat" in text or "Invalid isoformat" in text:
            field = "holidays"
        elif "No time zone" in text or "key" in text.lower():
            field = "timezone"
        raise ValidationFailed(_("Please correct the errors below."), errors={field: [text]}) from error


@transaction.atomic
def business_calendar_create(*, actor, via: str = "", **data) -> BusinessCalendar:
    unknown = set(data) - set(CALENDAR_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    calendar = BusinessCalendar(**data)
    _check_calendar(calendar)
    full_clean(calendar)
    calendar.save()
    # Times of day are not JSON; the audit log keeps them as text.
    changes = {
        k: v.isoformat() if isinstance(v, datetime.time) else v for k, v in audit.snapshot(calendar).items()
    }
    audit.record(actor=actor, action="create", instance=calendar, changes=changes, via=via)
    return calendar


def _reject_unknown(data: dict, allowed: list[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )


def _check_policy(policy: SlaPolicy) -> None:
    """What the model alone does not say: sensible clocks and targets, one policy per
    name, and one default (team-less) policy — two would make "the default" a guess."""
    errors: dict[str, list[str]] = {}
    for field in ("accept_within_hours", "follow_up_within_hours"):
        value = getattr(policy, field)
        if value is not None and not Decimal("0") < Decimal(value) <= Decimal("1000"):
            errors[field] = [_("Give a number of business hours above 0 and at most 1,000.")]
    rate = policy.acceptance_rate_target
    if rate is not None and not Decimal("0") <= Decimal(rate) <= Decimal("100"):
        errors["acceptance_rate_target"] = [_("Give a percentage from 0 to 100.")]
    others = SlaPolicy.objects.exclude(pk=policy.pk)
    if policy.name and others.filter(name=policy.name.strip()).exists():
        errors["name"] = [_("Another SLA policy already has this name.")]
    if policy.team_id is None and others.filter(team__isnull=True).exists():
        errors["team"] = [_("There is already a default policy for all teams; choose a team.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)


@transaction.atomic
def sla_policy_create(*, actor, via: str = "", **data) -> SlaPolicy:
    _reject_unknown(data, POLICY_FIELDS)
    policy = SlaPolicy(**data)
    _check_policy(policy)
    full_clean(policy)
    policy.save()
    audit.record(actor=actor, action="create", instance=policy, changes=audit.snapshot(policy), via=via)
    return policy


@versioning.atomic_write
def sla_policy_update(
    *,
    policy: SlaPolicy,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> SlaPolicy:
    """Change a policy. Open handoffs keep the deadline they were given; new handoffs
    (and follow-up measurements) use the new figures. ``expected_version``/``strict``:
    see ``hamsu.core.versioning``."""
    _reject_unknown(data, POLICY_FIELDS)
    policy, data = versioning.begin(policy, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(policy)
    for key, value in data.items():
        setattr(policy, key, value)
    try:
        _check_policy(policy)
        full_clean(policy)
    except ValidationFailed:
        policy.refresh_from_db()
        raise
    versioning.bump(policy)
    policy.save()
    audit.record(
        actor=actor,
        action="update",
        instance=policy,
        changes=audit.diff(before, audit.snapshot(policy)),
        via=via,
    )
    return policy


@versioning.atomic_write
def sla_policy_retire(
    *, policy: SlaPolicy, actor, via: str = "", expected_version: int | None = None
) -> None:
    """Remove a policy: its team falls back to the default policy (or, without one, to
    eight business hours Monday to Friday). Handoffs it timed keep their deadlines; the
    audit log keeps the policy's last figures. ``expected_version`` (If-Match): only if
    nobody changed the policy since."""
    policy, _data = versioning.begin(policy, expected=expected_version, strict=True)
    audit.record(actor=actor, action="delete", instance=policy, changes=audit.snapshot(policy), via=via)
    policy.delete()
