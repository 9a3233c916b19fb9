"""Every write of the collaboration app, each in one transaction with its audit entry.

Views, the API, management commands and the demo all call these functions.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.collaboration.models import (
    CADENCE_MONTHS,
    OPEN_ACTION_STATUSES,
    AccountPlan,
    ActionItem,
    ActionStatus,
    AssignmentKind,
    Cadence,
    Collateral,
    CollateralKind,
    CollateralRating,
    CollateralUse,
    DealOutcome,
    Decision,
    EventKind,
    FeedbackNote,
    FeedbackTheme,
    JointAssignment,
    JointEvent,
    LiaisonAssignment,
    MarketingParticipation,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    ParticipationKind,
    PlanItem,
    PlanItemKind,
    PlanStatus,
    Stakeholder,
    ThemeStatus,
)
from hamsu.core import audit
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.core.notify import notify
from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.core.visibility import can_see, person_of
from hamsu.crm.stages import STAGE_ORDER
from hamsu.directory.models import Function

MARKETING = Function.marketing()


def _actor_person(actor, person=None):
    """The person acting: the actor's directory entry, or an explicit one (CLI, demo)."""
    found = person or person_of(actor)
    if found is None:
        raise PermissionDenied(
            _("Your login has no directory profile."),
            errors={"person": [_("Ask an administrator to link your login to a person.")]},
        )
    return found


def _is_leader(actor) -> bool:
    return actor is None or getattr(actor, "is_superuser", False) or bool(roles_of(actor) & SEES_EVERYTHING)


def _require_visible(instance, actor, label: str) -> None:
    if instance is not None and actor is not None and not can_see(instance, actor):
        raise PermissionDenied(
            _("You cannot use this %(label)s.") % {"label": label},
            errors={label: [_("This record does not exist or is not visible to you.")]},
        )


def _text(value) -> str:
    return (value or "").strip()


def _record(actor, action: str, instance, changes=None, via: str = "") -> None:
    audit.record(
        actor=actor,
        action=action,
        instance=instance,
        changes=changes if changes is not None else audit.snapshot(instance),
        via=via,
    )


# ---------------------------------------------------------------- liaisons


@transaction.atomic
def liaison_assign(
    *,
    actor,
    liaison,
    team,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
    via: str = "",
) -> LiaisonAssignment:
    errors: dict[str, list[str]] = {}
    if liaison.function not in MARKETING:
        errors["liaison"] = [_("A liaison must work in marketing.")]
    if team.function != Function.SALES:
        errors["team"] = [_("Liaisons are assigned to sales teams.")]
    starts_on = starts_on or timezone.localdate()
    check_date_range("starts_on", starts_on, errors)
    check_date_range("ends_on", ends_on, errors)
    if ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The end cannot be before the start."))
    overlapping = LiaisonAssignment.objects.filter(liaison=liaison, team=team).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if not errors and overlapping.exists():
        errors["team"] = [_("This liaison is already assigned to this team for these dates.")]
    raise_if(errors)
    assignment = LiaisonAssignment(
        liaison=liaison, team=team, starts_on=starts_on, ends_on=ends_on, note=_text(note)
    )
    full_clean(assignment)
    assignment.save()
    _record(actor, "create", assignment, via=via)
    recipients = [liaison] + ([team.manager] if team.manager_id else [])
    notify(
        recipients=recipients,
        kind="liaison",
        title=_("%(person)s is now the marketing liaison of %(team)s") % {"person": liaison, "team": team},
        url=reverse("collaboration:liaison", args=[liaison.pk]),
    )
    return assignment


@transaction.atomic
def liaison_end(*, assignment: LiaisonAssignment, actor, ends_on: datetime.date | None = None, via: str = ""):
    ends_on = ends_on or timezone.localdate()
    if ends_on < assignment.starts_on:
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={"ends_on": [_("The end cannot be before the start.")]},
        )
    before = audit.snapshot(assignment)
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    _record(actor, "update", assignment, audit.diff(before, audit.snapshot(assignment)), via)
    return assignment


# ---------------------------------------------------------------- meetings


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time ``months`` later, clamped to the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _check_meeting_fields(starts_at, duration_minutes, errors) -> None:
    if starts_at is None:
        errors["starts_at"] = [_("This field is required.")]
    elif timezone.is_naive(starts_at):
        errors["starts_at"] = [_("Give a time zone with the time.")]
    else:
        check_date_range("starts_at", starts_at, errors)
    if not 15 <= int(duration_minutes or 0) <= 480:
        errors["duration_minutes"] = [_("A meeting lasts between 15 and 480 minutes.")]


@transaction.atomic
def meeting_series_create(
    *,
    actor,
    title: str,
    cadence: str,
    first_at: datetime.datetime,
    organiser=None,
    team=None,
    members: Iterable = (),
    duration_minutes: int = 60,
    location: str = "",
    occurrences: int = 4,
    via: str = "",
) -> MeetingSeries:
    organiser = _actor_person(actor, organiser)
    errors: dict[str, list[str]] = {}
    if not _text(title):
        errors["title"] = [_("This field is required.")]
    if cadence not in Cadence.values:
        errors["cadence"] = [_("Choose monthly, every two months or quarterly.")]
    if team is not None and team.function != Function.SALES:
        errors["team"] = [_("Choose a sales team or leave it empty.")]
    _check_meeting_fields(first_at, duration_minutes, errors)
    if not 1 <= occurrences <= 24:
        errors["occurrences"] = [_("Schedule between 1 and 24 meetings at a time.")]
    raise_if(errors)
    series = MeetingSeries(
        title=_text(title),
        cadence=cadence,
        first_at=first_at,
        organiser=organiser,
        team=team,
        duration_minutes=duration_minutes,
        location=_text(location),
    )
    full_clean(series)
    series.save()
    people = {p.pk: p for p in [organiser, *members]}
    series.members.set(people.values())
    _record(actor, "create", series, via=via)
    meeting_series_schedule(series=series, occurrences=occurrences, actor=actor, via=via)
    return series


@transaction.atomic
def meeting_series_schedule(
    *, series: MeetingSeries, actor, occurrences: int = 4, via: str = ""
) -> list[Meeting]:
    """Create the next ``occurrences`` meetings of a series after its last one."""
    last = series.meetings.order_by("-starts_at").first()
    step = CADENCE_MONTHS[Cadence(series.cadence)]
    members = list(series.members.all())
    created = []
    for n in range(occurrences):
        if last is None:
            starts_at = add_months(series.first_at, step * n)
        else:
            starts_at = add_months(last.starts_at, step * (n + 1))
        meeting = Meeting.objects.create(
            series=series,
            title=series.title,
            starts_at=starts_at,
            duration_minutes=series.duration_minutes,
            location=series.location,
        )
        meeting.attendees.set(members)
        created.append(meeting)
    for meeting in created:
        _record(
            actor, "create", meeting, {"series": series.pk, "starts_at": meeting.starts_at.isoformat()}, via
        )
    if created:
        notify(
            recipients=members,
            kind="meeting",
            title=_("%(title)s: %(n)d meetings scheduled") % {"title": series.title, "n": len(created)},
            url=reverse("collaboration:meeting", args=[created[0].pk]),
            email=False,
        )
    return created


@transaction.atomic
def meeting_create(
    *,
    actor,
    title: str,
    starts_at: datetime.datetime,
    duration_minutes: int = 60,
    location: str = "",
    attendees: Iterable = (),
    series: MeetingSeries | None = None,
    via: str = "",
) -> Meeting:
    errors: dict[str, list[str]] = {}
    if not _text(title):
        errors["title"] = [_("This field is required.")]
    _check_meeting_fields(starts_at, duration_minutes, errors)
    raise_if(errors)
    meeting = Meeting(
        series=series,
        title=_text(title),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=_text(location),
    )
    full_clean(meeting)
    meeting.save()
    people = list({p.pk: p for p in attendees}.values())
    me = person_of(actor)
    if me and me.pk not in {p.pk for p in people}:
        people.append(me)
    meeting.attendees.set(people)
    _record(actor, "create", meeting, via=via)
    notify(
        recipients=[p for p in people if p != me],
        kind="meeting",
        title=_("Invitation: %(title)s") % {"title": meeting.title},
        url=reverse("collaboration:meeting", args=[meeting.pk]),
    )
    return meeting


def require_meeting_editor(meeting: Meeting, actor) -> None:
    """Attendees, the organiser and leaders may write a meeting's minutes and items."""
    if _is_leader(actor):
        return
    me = person_of(actor)
    allowed = me is not None and (
        meeting.attendees.filter(pk=me.pk).exists()
        or (meeting.series_id and meeting.series.organiser_id == me.pk)
    )
    if not allowed:
        raise PermissionDenied(
            _("Only the meeting's attendees can change it."),
            errors={"meeting": [_("You are not an attendee of this meeting.")]},
        )


@transaction.atomic
def meeting_generate_agenda(
    *, meeting: Meeting, actor, now: datetime.datetime | None = None, via: str = ""
) -> Meeting:
    """Snapshot the agenda from live data and carry open action items into this meeting."""
    from hamsu.collaboration.agenda import build_agenda

    require_meeting_editor(meeting, actor)
    now = now or timezone.now()
    meeting.agenda = build_agenda(meeting=meeting, now=now)
    meeting.agenda_generated_at = now
    meeting.save(update_fields=["agenda", "agenda_generated_at"])
    carried_ids = [row["id"] for row in meeting.agenda.get("open_actions", {}).get("items", [])]
    # An item counts as carried once per meeting it moves into, however often the agenda is rebuilt.
    ActionItem.objects.filter(pk__in=carried_ids).exclude(last_meeting=meeting).exclude(
        meeting=meeting
    ).update(last_meeting=meeting, carried_count=F("carried_count") + 1)
    _record(actor, "update", meeting, {"agenda_generated_at": now.isoformat()}, via)
    return meeting


@transaction.atomic
def meeting_record(
    *, meeting: Meeting, actor, minutes: str | None = None, status: str | None = None, via: str = ""
) -> Meeting:
    require_meeting_editor(meeting, actor)
    before = audit.snapshot(meeting, ["minutes", "status"])
    if status is not None:
        if status not in MeetingStatus.values:
            raise ValidationFailed(
                _("Please correct the errors below."), errors={"status": [_("Unknown status.")]}
            )
        meeting.status = status
    if minutes is not None:
        meeting.minutes = minutes.strip()
    full_clean(meeting)
    meeting.save(update_fields=["minutes", "status"])
    _record(actor, "update", meeting, audit.diff(before, audit.snapshot(meeting, ["minutes", "status"])), via)
    return meeting


@transaction.atomic
def decision_add(*, meeting: Meeting, actor, text: str, via: str = "") -> Decision:
    require_meeting_editor(meeting, actor)
    if not _text(text):
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"text": [_("This field is required.")]}
        )
    decision = Decision(meeting=meeting, text=_text(text))
    full_clean(decision)
    decision.save()
    _record(actor, "create", decision, via=via)
    return decision


@transaction.atomic
def action_item_create(
    *, meeting: Meeting, actor, title: str, owner, due_on: datetime.date | None, via: str = ""
) -> ActionItem:
    require_meeting_editor(meeting, actor)
    errors: dict[str, list[str]] = {}
    if not _text(title):
        errors["title"] = [_("This field is required.")]
    if owner is None:
        errors["owner"] = [_("Every action item needs an owner.")]
    elif not owner.is_active:
        errors["owner"] = [_("This person is no longer active.")]
    if due_on is None:
        errors["due_on"] = [_("Every action item needs a due date.")]
    check_date_range("due_on", due_on, errors)
    raise_if(errors)
    item = ActionItem(meeting=meeting, title=_text(title), owner=owner, due_on=due_on, last_meeting=meeting)
    full_clean(item)
    item.save()
    _record(actor, "create", item, via=via)
    notify(
        recipients=[owner],
        kind="action_item",
        title=_("New action item for you: %(title)s") % {"title": item.title},
        body=_("Due %(date)s, from %(meeting)s.") % {"date": due_on.isoformat(), "meeting": meeting.title},
        url=reverse("collaboration:meeting", args=[meeting.pk]),
    )
    return item


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    actor,
    status: str | None = None,
    due_on: datetime.date | None = None,
    owner=None,
    via: str = "",
) -> ActionItem:
    me = person_of(actor)
    if not (_is_leader(actor) or (me and me.pk == item.owner_id)):
        require_meeting_editor(item.meeting, actor)
    before = audit.snapshot(item, ["status", "due_on", "owner"])
    errors: dict[str, list[str]] = {}
    if status is not None:
        if status not in ActionStatus.values:
            errors["status"] = [_("Unknown status.")]
        else:
            item.status = status
            item.done_at = timezone.now() if status == ActionStatus.DONE else None
    if due_on is not None:
        check_date_range("due_on", due_on, errors)
        item.due_on = due_on
    if owner is not None:
        item.owner = owner
    raise_if(errors)
    full_clean(item)
    item.save()
    changes = audit.diff(before, audit.snapshot(item, ["status", "due_on", "owner"]))
    if changes:
        _record(actor, "update", item, changes, via)
    if owner is not None and "owner" in changes:
        notify(
            recipients=[owner],
            kind="action_item",
            title=_("Action item handed to you: %(title)s") % {"title": item.title},
            url=reverse("collaboration:meeting", args=[item.meeting_id]),
        )
    return item


@transaction.atomic
def action_items_remind(*, now: datetime.datetime | None = None, days_ahead: int = 2) -> int:
    """Remind owners of open items due within ``days_ahead`` days or overdue, once a day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        ActionItem.objects.select_for_update()
        .filter(status__in=OPEN_ACTION_STATUSES, due_on__lte=today + datetime.timedelta(days=days_ahead))
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - datetime.timedelta(hours=20)))
        .select_related("owner", "meeting")
    )
    items = list(due)
    for item in items:
        overdue = item.due_on < today
        title = (_("Overdue: %(title)s") if overdue else _("Due soon: %(title)s")) % {"title": item.title}
        notify(
            recipients=[item.owner],
            kind="action_reminder",
            title=title,
            body=_("Due %(date)s, from %(meeting)s.")
            % {"date": item.due_on.isoformat(), "meeting": item.meeting.title},
            url=reverse("collaboration:meeting", args=[item.meeting_id]),
        )
    ActionItem.objects.filter(pk__in=[i.pk for i in items]).update(reminded_at=now)
    return len(items)


# ---------------------------------------------------------------- feedback

FEEDBACK_TEXT_FIELDS = ["customer_need", "product_gap", "winning_message", "outcome_reason", "competitor"]


@transaction.atomic
def feedback_create(
    *,
    actor,
    author=None,
    account=None,
    opportunity=None,
    customer_need: str = "",
    competitor: str = "",
    outcome: str = DealOutcome.OPEN,
    outcome_reason: str = "",
    product_gap: str = "",
    winning_message: str = "",
    lead_quality_complaint: bool = False,
    log_call_report: bool = False,
    activity=None,
    created_at: datetime.datetime | None = None,
    via: str = "",
) -> FeedbackNote:
    author = _actor_person(actor, author)
    _require_visible(account, actor, "account")
    _require_visible(opportunity, actor, "opportunity")
    texts = {
        "customer_need": _text(customer_need),
        "competitor": _text(competitor),
        "outcome_reason": _text(outcome_reason),
        "product_gap": _text(product_gap),
        "winning_message": _text(winning_message),
    }
    errors: dict[str, list[str]] = {}
    if not any(texts.values()) and not lead_quality_complaint:
        errors["customer_need"] = [_("Write at least one thing you heard.")]
    if outcome not in DealOutcome.values:
        errors["outcome"] = [_("Unknown outcome.")]
    if opportunity is not None and account is not None and opportunity.account_id != account.pk:
        errors["opportunity"] = [_("This opportunity belongs to another account.")]
    raise_if(errors)
    if opportunity is not None and account is None:
        account = opportunity.account
    note = FeedbackNote(
        author=author,
        team_id=author.team_id,
        account=account,
        opportunity=opportunity,
        outcome=outcome,
        lead_quality_complaint=bool(lead_quality_complaint),
        activity=activity,
        created_at=created_at or timezone.now(),
        **texts,
    )
    full_clean(note, exclude=["activity"])
    if log_call_report and activity is None:
        if account is None:
            raise ValidationFailed(
                _("Please correct the errors below."),
                errors={"account": [_("A call report needs an account or an opportunity.")]},
            )
        from hamsu.crm import services as crm_services
        from hamsu.crm.models import ActivityKind

        note.activity = crm_services.activity_create(
            actor=actor,
            owner=author,
            kind=ActivityKind.CALL_REPORT,
            subject=(texts["customer_need"] or texts["product_gap"] or _("Call report"))[:200],
            body=note.text,
            account=account,
            opportunity=opportunity,
            via=via,
        )
    note.save()
    _record(actor, "create", note, via=via)
    return note


def _marketing_people():
    from hamsu.core.roles import DOWNSTREAM_MARKETER, HEAD_OF_MARKETING, LIAISON, UPSTREAM_MARKETER
    from hamsu.directory.models import Person

    return Person.objects.filter(
        is_active=True,
        user__groups__name__in=[HEAD_OF_MARKETING, UPSTREAM_MARKETER, DOWNSTREAM_MARKETER, LIAISON],
    ).distinct()


@transaction.atomic
def feedback_digest_build(
    *,
    actor,
    period_start: datetime.date,
    period_end: datetime.date,
    n_themes: int | None = None,
    created_by=None,
    notify_marketing: bool = True,
    via: str = "",
):
    """Group the period's feedback (and call reports) into themes with counts and examples."""
    from hamsu.collaboration.digest import build_digest

    errors: dict[str, list[str]] = {}
    check_date_range("period_start", period_start, errors)
    check_date_range("period_end", period_end, errors)
    if period_start and period_end and period_end < period_start:
        errors["period_end"] = [_("The end cannot be before the start.")]
    if n_themes is not None and not 2 <= n_themes <= 30:
        errors["n_themes"] = [_("Between 2 and 30 themes.")]
    raise_if(errors)
    digest = build_digest(
        period_start=period_start,
        period_end=period_end,
        n_themes=n_themes,
        created_by=created_by or person_of(actor),
    )
    _record(actor, "create", digest, via=via)
    if notify_marketing and digest.note_count:
        notify(
            recipients=_marketing_people(),
            kind="digest",
            title=_("Sales feedback digest %(start)s – %(end)s: %(n)d notes")
            % {"start": period_start.isoformat(), "end": period_end.isoformat(), "n": digest.note_count},
            url=reverse("collaboration:digest", args=[digest.pk]),
        )
    return digest


@transaction.atomic
def feedback_theme_act(
    *, theme: FeedbackTheme, actor, status: str, action_taken: str = "", via: str = ""
) -> FeedbackTheme:
    """Marketing says what it did about a theme; every seller behind it is told."""
    errors: dict[str, list[str]] = {}
    if status not in ThemeStatus.values or status == ThemeStatus.NEW:
        errors["status"] = [_("Choose acted upon or not acting.")]
    if not _text(action_taken):
        errors["action_taken"] = [_("Tell the sellers what was done, or why not.")]
    raise_if(errors)
    before = audit.snapshot(theme, ["status", "action_taken"])
    theme.status = status
    theme.action_taken = _text(action_taken)
    theme.acted_by = person_of(actor)
    theme.acted_at = timezone.now()
    theme.save(update_fields=["status", "action_taken", "acted_by", "acted_at"])
    _record(
        actor, "update", theme, audit.diff(before, audit.snapshot(theme, ["status", "action_taken"])), via
    )
    from hamsu.directory.models import Person

    authors = Person.objects.filter(pk__in=theme.notes.values("author_id"))
    notify(
        recipients=authors,
        kind="feedback_outcome",
        title=_("Marketing acted on your feedback: %(theme)s") % {"theme": theme.label}
        if status == ThemeStatus.ACTED
        else _("Marketing answered your feedback: %(theme)s") % {"theme": theme.label},
        body=theme.action_taken,
        url=reverse("collaboration:my_feedback"),
    )
    return theme


# ---------------------------------------------------------------- key-account playbooks


def require_plan_editor(plan: AccountPlan, actor) -> None:
    me = person_of(actor)
    if _is_leader(actor) or (me and me.pk in (plan.sales_owner_id, plan.marketing_owner_id)):
        return
    raise PermissionDenied(
        _("Only the plan's owners can change it."), errors={"plan": [_("You are not an owner of this plan.")]}
    )


def _check_plan_owners(sales_owner, marketing_owner, errors) -> None:
    if sales_owner is None:
        errors["sales_owner"] = [_("This field is required.")]
    elif sales_owner.function not in (Function.SALES, Function.REVENUE_LEADERSHIP):
        errors["sales_owner"] = [_("The sales owner must work in sales.")]
    if marketing_owner is not None and marketing_owner.function not in MARKETING:
        errors["marketing_owner"] = [_("The marketing owner must work in marketing.")]


@transaction.atomic
def account_plan_create(
    *,
    actor,
    account,
    sales_owner,
    marketing_owner=None,
    objectives: str = "",
    status: str = PlanStatus.ACTIVE,
    via: str = "",
) -> AccountPlan:
    _require_visible(account, actor, "account")
    errors: dict[str, list[str]] = {}
    _check_plan_owners(sales_owner, marketing_owner, errors)
    if AccountPlan.objects.filter(account=account).exists():
        errors["account"] = [_("This account already has a plan.")]
    raise_if(errors)
    plan = AccountPlan(
        account=account,
        sales_owner=sales_owner,
        marketing_owner=marketing_owner,
        objectives=_text(objectives),
        status=status,
    )
    full_clean(plan)
    plan.save()
    _record(actor, "create", plan, via=via)
    notify(
        recipients=[p for p in (sales_owner, marketing_owner) if p is not None and p != person_of(actor)],
        kind="account_plan",
        title=_("You own the joint plan for %(account)s") % {"account": account},
        url=reverse("collaboration:plan", args=[plan.pk]),
    )
    return plan


PLAN_FIELDS = ["objectives", "sales_owner", "marketing_owner", "status"]


@transaction.atomic
def account_plan_update(*, plan: AccountPlan, actor, via: str = "", **data) -> AccountPlan:
    require_plan_editor(plan, actor)
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    before = audit.snapshot(plan, PLAN_FIELDS)
    for name, value in data.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    _check_plan_owners(plan.sales_owner, plan.marketing_owner, errors)
    raise_if(errors)
    full_clean(plan)
    plan.save()
    _record(actor, "update", plan, audit.diff(before, audit.snapshot(plan, PLAN_FIELDS)), via)
    return plan


@transaction.atomic
def plan_item_add(
    *,
    plan: AccountPlan,
    actor,
    title: str,
    kind: str = PlanItemKind.NEXT_ACTION,
    owner=None,
    due_on=None,
    via: str = "",
) -> PlanItem:
    require_plan_editor(plan, actor)
    errors: dict[str, list[str]] = {}
    if not _text(title):
        errors["title"] = [_("This field is required.")]
    if kind not in PlanItemKind.values:
        errors["kind"] = [_("Unknown kind.")]
    check_date_range("due_on", due_on, errors)
    raise_if(errors)
    item = PlanItem(plan=plan, title=_text(title), kind=kind, owner=owner, due_on=due_on)
    full_clean(item)
    item.save()
    _record(actor, "create", item, via=via)
    if owner is not None and owner != person_of(actor):
        notify(
            recipients=[owner],
            kind="account_plan",
            title=_("%(account)s: %(title)s") % {"account": plan.account, "title": item.title},
            url=reverse("collaboration:plan", args=[plan.pk]),
            email=False,
        )
    return item


@transaction.atomic
def plan_item_update(*, item: PlanItem, actor, status: str, via: str = "") -> PlanItem:
    me = person_of(actor)
    if not (me and item.owner_id == me.pk):
        require_plan_editor(item.plan, actor)
    if status not in ActionStatus.values:
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"status": [_("Unknown status.")]}
        )
    before = item.status
    item.status = status
    item.save(update_fields=["status"])
    _record(actor, "update", item, {"status": [before, status]}, via)
    return item


@transaction.atomic
def stakeholder_add(
    *, plan: AccountPlan, actor, name: str, title: str = "", stance: str = "", contact=None, via: str = ""
) -> Stakeholder:
    require_plan_editor(plan, actor)
    if contact is not None and contact.account_id != plan.account_id:
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={"contact": [_("This contact works for another account.")]},
        )
    if not _text(name) and contact is not None:
        name = str(contact)
    if not _text(name):
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"name": [_("This field is required.")]}
        )
    row = Stakeholder(plan=plan, name=_text(name), title=_text(title), stance=_text(stance), contact=contact)
    full_clean(row)
    row.save()
    _record(actor, "create", row, via=via)
    return row


@transaction.atomic
def participation_record(
    *,
    plan: AccountPlan,
    actor,
    person,
    kind: str,
    occurred_on: datetime.date | None = None,
    note: str = "",
    via: str = "",
) -> MarketingParticipation:
    errors: dict[str, list[str]] = {}
    if person.function not in MARKETING:
        errors["person"] = [_("Record participation of marketers only.")]
    if kind not in ParticipationKind.values:
        errors["kind"] = [_("Unknown kind.")]
    occurred_on = occurred_on or timezone.localdate()
    check_date_range("occurred_on", occurred_on, errors)
    if occurred_on > timezone.localdate():
        errors.setdefault("occurred_on", []).append(_("Record what already happened."))
    raise_if(errors)
    me = person_of(actor)
    if not (me and me.pk == person.pk):
        require_plan_editor(plan, actor)
    row = MarketingParticipation(
        plan=plan, person=person, kind=kind, occurred_on=occurred_on, note=_text(note)
    )
    full_clean(row)
    row.save()
    _record(actor, "create", row, via=via)
    return row


# ---------------------------------------------------------------- collateral


def _stages_text(stages: Iterable[str], errors) -> str:
    stages = [s for s in stages if s]
    unknown = [s for s in stages if s not in STAGE_ORDER]
    if unknown:
        errors["stages"] = [_("Unknown stage %(stage)s.") % {"stage": unknown[0]}]
    ordered = sorted(set(stages), key=lambda s: STAGE_ORDER.get(s, 99))
    return "|" + "|".join(ordered) + "|" if ordered else ""


@transaction.atomic
def collateral_create(
    *,
    actor,
    title: str,
    kind: str,
    description: str = "",
    url: str = "",
    stages: Iterable[str] = (),
    segments: Iterable = (),
    products: Iterable = (),
    language: str = "en",
    owner=None,
    via: str = "",
) -> Collateral:
    errors: dict[str, list[str]] = {}
    if kind not in CollateralKind.values:
        errors["kind"] = [_("Unknown kind.")]
    stage_text = _stages_text(stages, errors)
    raise_if(errors)
    piece = Collateral(
        title=_text(title),
        kind=kind,
        description=_text(description),
        url=_text(url),
        stages=stage_text,
        language=_text(language) or "en",
        owner=owner or person_of(actor),
    )
    full_clean(piece)
    piece.save()
    piece.segments.set(segments)
    piece.products.set(products)
    _record(actor, "create", piece, via=via)
    return piece


@transaction.atomic
def collateral_update(
    *,
    piece: Collateral,
    actor,
    stages: Iterable[str] | None = None,
    segments=None,
    products=None,
    via: str = "",
    **data,
) -> Collateral:
    allowed = {"title", "kind", "description", "url", "language", "is_active"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    before = audit.snapshot(piece)
    errors: dict[str, list[str]] = {}
    if "kind" in data and data["kind"] not in CollateralKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if stages is not None:
        piece.stages = _stages_text(stages, errors)
    raise_if(errors)
    for name, value in data.items():
        setattr(piece, name, value.strip() if isinstance(value, str) else value)
    full_clean(piece)
    piece.save()
    if segments is not None:
        piece.segments.set(segments)
    if products is not None:
        piece.products.set(products)
    _record(actor, "update", piece, audit.diff(before, audit.snapshot(piece)), via)
    return piece


@transaction.atomic
def collateral_attach(
    *, piece: Collateral, opportunity, actor, attached_by=None, via: str = ""
) -> CollateralUse:
    _require_visible(opportunity, actor, "opportunity")
    if not piece.is_active:
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"collateral": [_("This piece has been retired.")]}
        )
    person = _actor_person(actor, attached_by)
    use, created = CollateralUse.objects.get_or_create(
        collateral=piece, opportunity=opportunity, defaults={"attached_by": person}
    )
    if created:
        _record(actor, "create", use, {"collateral": piece.pk, "opportunity": opportunity.pk}, via)
    return use


@transaction.atomic
def collateral_rate(
    *, piece: Collateral, actor, stars: int, comment: str = "", person=None, via: str = ""
) -> CollateralRating:
    person = _actor_person(actor, person)
    if not isinstance(stars, int) or not 1 <= stars <= 5:
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"stars": [_("Rate from 1 to 5 stars.")]}
        )
    rating, _created = CollateralRating.objects.update_or_create(
        collateral=piece,
        person=person,
        defaults={"stars": stars, "comment": _text(comment)[:300], "rated_at": timezone.now()},
    )
    _record(actor, "update" if not _created else "create", rating, {"stars": stars}, via)
    return rating


# ---------------------------------------------------------------- joint events and rotations


@transaction.atomic
def joint_event_create(
    *,
    actor,
    title: str,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    participants: Iterable,
    location: str = "",
    description: str = "",
    organiser=None,
    via: str = "",
) -> JointEvent:
    organiser = _actor_person(actor, organiser)
    people = list({p.pk: p for p in [organiser, *participants]}.values())
    errors: dict[str, list[str]] = {}
    if kind not in EventKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [_("Give a start and an end.")]
    elif ends_at < starts_at:
        errors["ends_at"] = [_("The end cannot be before the start.")]
    else:
        check_date_range("starts_at", starts_at, errors)
        check_date_range("ends_at", ends_at, errors)
    functions = {p.function for p in people}
    # Planned together means both sides take part; a one-sided event is not a joint one.
    if not (functions & MARKETING and functions & {Function.SALES, Function.REVENUE_LEADERSHIP}):
        errors["participants"] = [_("Invite people from both sales and marketing.")]
    raise_if(errors)
    event = JointEvent(
        title=_text(title),
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=_text(location),
        description=_text(description),
        organiser=organiser,
    )
    full_clean(event)
    event.save()
    event.participants.set(people)
    _record(actor, "create", event, via=via)
    notify(
        recipients=[p for p in people if p != organiser],
        kind="event",
        title=_("You are invited: %(title)s") % {"title": event.title},
        url=reverse("collaboration:events"),
    )
    return event


@transaction.atomic
def joint_assignment_create(
    *,
    actor,
    person,
    kind: str,
    description: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    host_team=None,
    via: str = "",
) -> JointAssignment:
    errors: dict[str, list[str]] = {}
    if kind not in AssignmentKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if kind == AssignmentKind.ROTATION:
        if host_team is None:
            errors["host_team"] = [_("A rotation needs a host team.")]
        else:
            mine = "marketing" if person.function in MARKETING else person.function
            theirs = "marketing" if host_team.function in MARKETING else host_team.function
            if mine == theirs:
                errors["host_team"] = [_("A rotation moves someone to the other side (sales ↔ marketing).")]
    check_date_range("starts_on", starts_on, errors)
    check_date_range("ends_on", ends_on, errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The end cannot be before the start.")]
    if not _text(description):
        errors["description"] = [_("This field is required.")]
    raise_if(errors)
    row = JointAssignment(
        person=person,
        kind=kind,
        description=_text(description),
        starts_on=starts_on,
        ends_on=ends_on,
        host_team=host_team,
    )
    full_clean(row)
    row.save()
    _record(actor, "create", row, via=via)
    return row


# ---------------------------------------------------------------- stale profiles

STALE_AFTER_DAYS = 180
NUDGE_EVERY_DAYS = 30


@transaction.atomic
def profiles_nudge_stale(*, days: int = STALE_AFTER_DAYS, now: datetime.datetime | None = None) -> int:
    """Ask everyone whose profile is older than ``days`` to check it — at most monthly."""
    from hamsu.core.models import Notification
    from hamsu.directory.selectors import stale_profiles

    now = now or timezone.now()
    recently = Notification.objects.filter(
        kind="stale_profile", created_at__gte=now - datetime.timedelta(days=NUDGE_EVERY_DAYS)
    ).values("recipient_id")
    people = list(stale_profiles(days=days, now=now).exclude(pk__in=recently))
    for person in people:
        notify(
            recipients=[person],
            kind="stale_profile",
            title=_("Is your profile still right?"),
            body=_(
                "Colleagues use the directory to find who to contact. Please check your expertise, "
                "segments, products, accounts, languages and availability."
            ),
            url=reverse("collaboration:my_profile"),
        )
    return len(people)
