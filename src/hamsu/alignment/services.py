"""Every write of the alignment app: rounds, invitations, answers, imports, assessments,
action items. Each runs in one transaction with its audit entry."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hamsu.alignment import advisor, emails
from hamsu.alignment.models import (
    ActionItem,
    Assessment,
    Invitation,
    Level,
    RespondentFunction,
    Response,
    Round,
)
from hamsu.alignment.tokens import new_token, token_hash
from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.analytics.diagnostic import DiagnosticInputError, parse_responses_csv
from hamsu.core import audit, uploads, versioning
from hamsu.core.dates import to_ascii_digits
from hamsu.core.errors import Conflict, NotFound, ValidationFailed
from hamsu.core.validation import full_clean, raise_if
from hamsu.directory.models import Function, Person

# Directory functions -> the groups the diagnostic compares.
FUNCTION_OF_PERSON = {
    Function.SALES: RespondentFunction.SALES,
    Function.UPSTREAM_MARKETING: RespondentFunction.MARKETING,
    Function.DOWNSTREAM_MARKETING: RespondentFunction.MARKETING,
    Function.SERVICE: RespondentFunction.SERVICE,
    Function.REVENUE_LEADERSHIP: RespondentFunction.LEADERSHIP,
}
MAX_ROUND_DAYS = 366
MIXING = gettext_noop(
    "An anonymous round collects answers either through invitation links or by import, not both: "
    "mixing them would let imported answers be used to work out the others."
)


# ---------------------------------------------------------------- rounds


@transaction.atomic
def round_create(
    *,
    actor,
    name: str,
    closes_at: datetime.datetime,
    anonymous: bool = True,
    opens_at: datetime.datetime | None = None,
    min_group_size: int = 3,
    via: str = "",
) -> Round:
    now = timezone.now()
    opens_at = opens_at or now
    errors: dict[str, list[str]] = {}
    if closes_at <= opens_at:
        errors.setdefault("closes_at", []).append(_("The closing date must be after the opening date."))
    elif closes_at - opens_at > datetime.timedelta(days=MAX_ROUND_DAYS):
        errors.setdefault("closes_at", []).append(_("A round can stay open for at most a year."))
    if closes_at <= now:
        errors.setdefault("closes_at", []).append(_("The closing date must be in the future."))
    raise_if(errors)
    round_ = Round(
        name=(name or "").strip(),
        anonymous=anonymous,
        opens_at=opens_at,
        closes_at=closes_at,
        min_group_size=min_group_size,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    full_clean(round_)
    round_.save()
    audit.record(actor=actor, action="create", instance=round_, changes=audit.snapshot(round_), via=via)
    return round_


@transaction.atomic
def round_close(*, round: Round, actor, via: str = "", now: datetime.datetime | None = None) -> Round:
    if round.status == Round.Status.CLOSED:
        raise Conflict(_("This round is already closed."), errors={"status": [_("Already closed.")]})
    round.status = Round.Status.CLOSED
    round.closed_at = now or timezone.now()
    round.save(update_fields=["status", "closed_at"])
    # Drafts of people who never submitted are not responses; drop them with the round.
    Invitation.objects.filter(round=round).exclude(draft={}).update(draft={})
    audit.record(
        actor=actor, action="update", instance=round, changes={"status": ["open", "closed"]}, via=via
    )
    return round


def rounds_close_due(*, now: datetime.datetime | None = None) -> int:
    """Close every open round whose closing date has passed (run by the reminder job)."""
    now = now or timezone.now()
    closed = 0
    for round_ in Round.objects.filter(status=Round.Status.OPEN, closes_at__lte=now):
        round_close(round=round_, actor=None, via="schedule", now=now)
        closed += 1
    return closed


# ---------------------------------------------------------------- invitations


@dataclass
class InviteEntry:
    function: str
    email: str = ""
    person: Person | None = None
    level: str = Level.STAFF


@dataclass
class IssuedInvitation:
    invitation: Invitation
    token: str | None  # set only for personal links (no e-mail): shown once, never stored


def round_check_open(round_: Round, now=None) -> None:
    if not round_.accepts_answers(now):
        raise Conflict(
            _("This round is closed and no longer accepts answers."),
            errors={"round": [_("The round is closed.")]},
        )


@transaction.atomic
def invitations_create(
    *, round: Round, actor, entries: list[InviteEntry], base_url: str = "", via: str = ""
) -> list[IssuedInvitation]:
    """Invite people to a round. Those with an e-mail get it by e-mail (after commit);
    the others get a personal link returned here, once."""
    if round.status == Round.Status.CLOSED or round.closes_at <= timezone.now():
        raise Conflict(_("You cannot invite people to a closed round."), errors={"round": [_("Closed.")]})
    if round.anonymous and round.responses.filter(imported=True).exists():
        raise Conflict(_(MIXING), errors={"round": [_(MIXING)]})
    errors: dict[str, list[str]] = {}
    existing = set(round.invitations.exclude(email="").values_list("email", flat=True))
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        entry.email = (entry.email or (entry.person.email if entry.person else "")).strip().lower()
        if entry.function not in RespondentFunction.values:
            errors.setdefault(f"entries.{n}.function", []).append(_("Choose a function."))
        if entry.level not in Level.values:
            errors.setdefault(f"entries.{n}.level", []).append(_("Choose head or staff."))
        if entry.email and (entry.email in existing or entry.email in seen):
            errors.setdefault(f"entries.{n}.email", []).append(
                _("%(email)s is already invited to this round.") % {"email": entry.email}
            )
        if entry.email:
            seen.add(entry.email)
    if not entries:
        errors.setdefault("entries", []).append(_("Add at least one person or link."))
    raise_if(errors)
    issued: list[IssuedInvitation] = []
    to_send: list[int] = []
    for entry in entries:
        token = new_token()
        invitation = Invitation(
            round=round,
            token_hash=token_hash(token),
            function=entry.function,
            level=entry.level,
            person=entry.person,
            email=entry.email,
        )
        full_clean(invitation, exclude=["token_hash"])
        invitation.save()
        audit.record(
            actor=actor,
            action="create",
            instance=invitation,
            changes={"round": round.pk, "function": entry.function, "email": entry.email},
            via=via,
        )
        if entry.email:
            to_send.append(invitation.pk)
            issued.append(IssuedInvitation(invitation, None))
        else:
            issued.append(IssuedInvitation(invitation, token))
    if to_send:
        from hamsu.alignment.tasks import send_invitations

        transaction.on_commit(lambda: send_invitations.enqueue(to_send, base_url, False))
    return issued


@transaction.atomic
def invitation_issue_link(*, invitation: Invitation, actor=None, via: str = "") -> str:
    """A fresh token for an unused invitation; any earlier link stops working."""
    if invitation.used:
        raise Conflict(_("This invitation has already been answered."), errors={"invitation": [_("Used.")]})
    token = new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
    invitation.token_hash = token_hash(token)
    audit.record(actor=actor, action="update", instance=invitation, changes={"link": "reissued"}, via=via)
    return token


def invitations_send(*, invitation_ids: list[int], base_url: str, reminder: bool) -> int:
    """E-mail each unused invitation a fresh link (called by the task)."""
    sent = 0
    for invitation in Invitation.objects.filter(pk__in=invitation_ids, used=False).select_related("round"):
        if not invitation.email or not invitation.round.accepts_answers():
            continue
        with transaction.atomic():
            token = invitation_issue_link(invitation=invitation, via="email")
            now = timezone.now()
            Invitation.objects.filter(pk=invitation.pk).update(
                last_sent_at=now, reminders_sent=invitation.reminders_sent + (1 if reminder else 0)
            )
        emails.send_invitation(invitation=invitation, token=token, base_url=base_url, reminder=reminder)
        sent += 1
    return sent


def reminders_due(*, round: Round) -> list[int]:
    return list(round.invitations.filter(used=False).exclude(email="").values_list("pk", flat=True))


def reminders_queue(*, round: Round, base_url: str) -> int:
    """Queue a reminder, with a fresh link, to everyone invited by e-mail who has not
    answered; nobody once the round takes no more answers. Returns how many are queued.

    The round page's button and the API both call this, so they remind the same people."""
    ids = reminders_due(round=round) if round.accepts_answers() else []
    if ids:
        # tasks imports this module, so the task is imported here, when it is queued.
        from hamsu.alignment.tasks import send_invitations

        send_invitations.enqueue(ids, base_url, True)
    return len(ids)


# ---------------------------------------------------------------- answering (public, by token)


def invitation_for_token(token: str) -> Invitation:
    """The invitation behind a link. Unknown and used links get the same plain answer."""
    if not token or len(token) > 200:
        raise NotFound(_("This link is not valid."), errors={"token": [_("Unknown link.")]})
    invitation = Invitation.objects.select_related("round").filter(token_hash=token_hash(token)).first()
    if invitation is None:
        raise NotFound(
            _("This link is not valid. It may have been replaced by a newer one sent to you."),
            errors={"token": [_("Unknown link.")]},
        )
    if invitation.used:
        raise Conflict(
            _("This link has already been used to answer. Thank you!"),
            errors={"token": [_("Already answered.")]},
        )
    return invitation


def clean_answers(answers: dict, *, require_all: bool) -> dict[str, int]:
    """Check ratings: keys s1..s20, whole numbers 1-5 (Persian digits accepted)."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int] = {}
    for key, raw in (answers or {}).items():
        if key not in KEYS:
            errors.setdefault(str(key), []).append(_("Not a statement of this questionnaire."))
            continue
        if raw in (None, ""):
            continue
        try:
            value = int(to_ascii_digits(str(raw)).strip())
        except ValueError:
            value = 0
        if not 1 <= value <= 5:
            errors.setdefault(key, []).append(_("Choose a rating from 1 to 5."))
            continue
        cleaned[key] = value
    if require_all and not errors:
        for key in KEYS:
            if key not in cleaned:
                errors.setdefault(key, []).append(_("Please rate this statement."))
    raise_if(errors)
    return cleaned


@transaction.atomic
def survey_save(*, token: str, answers: dict) -> Invitation:
    """Save partial answers so the respondent can come back later with the same link."""
    invitation = invitation_for_token(token)
    round_check_open(invitation.round)
    cleaned = clean_answers(answers, require_all=False)
    draft = {**invitation.draft, **cleaned}
    # Only an unused invitation may be changed: a concurrent submit wins cleanly.
    updated = Invitation.objects.filter(pk=invitation.pk, used=False).update(draft=draft)
    if not updated:
        raise Conflict(
            _("This link has already been used to answer. Thank you!"), errors={"token": [_("Used.")]}
        )
    invitation.draft = draft
    return invitation


def _store_in_answer_order(round_: Round) -> None:
    """Re-store an anonymous round's responses in an order that depends on the answers alone.

    The audit log says when each invitation was used, so a response stored as the newest
    row at that moment could be paired with its person through the database's own row
    order (SQLite's rowid, PostgreSQL's ctid), random primary key or not. Rewriting the
    round's rows sorted by their answers after each submission leaves stored data that is
    the same whichever order people answered in. (Rounds hold hundreds of answers at most,
    so the rewrite is cheap; the caller holds the round's lock.)"""
    responses = Response.objects.filter(round=round_)
    rows = sorted(
        responses.values("id", "function", "imported", *KEYS),
        key=lambda row: (row["function"], *(row[key] for key in KEYS), row["imported"], str(row["id"])),
    )
    responses.delete()
    Response.objects.bulk_create(Response(round=round_, **row) for row in rows)


@transaction.atomic
def survey_submit(*, token: str, answers: dict | None = None) -> Response:
    """Store the complete answers as one response and spend the invitation."""
    invitation = invitation_for_token(token)
    # Locked so that concurrent submissions re-store the round's answers one at a time.
    round_ = Round.objects.select_for_update().get(pk=invitation.round_id)
    round_check_open(round_)
    merged = {**invitation.draft, **clean_answers(answers or {}, require_all=False)}
    cleaned = clean_answers(merged, require_all=True)
    # Claim the invitation with one conditional UPDATE: two tabs submitting at once
    # cannot both get through.
    claimed = Invitation.objects.filter(pk=invitation.pk, used=False).update(used=True, draft={})
    if not claimed:
        raise Conflict(
            _("This link has already been used to answer. Thank you!"), errors={"token": [_("Used.")]}
        )
    response = Response(round=round_, function=invitation.function, **cleaned)
    if not round_.anonymous:
        response.invitation = invitation
        response.respondent_label = invitation.person.full_name if invitation.person else invitation.email
        response.submitted_at = timezone.now()
    response.save()
    if round_.anonymous:
        _store_in_answer_order(round_)
    # The audit names the invitation as used, never the response: in an anonymous round
    # an audit row pointing at both would be exactly the link we refuse to store.
    audit.record(
        actor=None, action="update", instance=invitation, changes={"used": [False, True]}, via="survey"
    )
    if not round_.anonymous:
        audit.record(
            actor=None,
            action="create",
            instance=response,
            changes={"function": response.function},
            via="survey",
        )
    return response


# ---------------------------------------------------------------- import


@dataclass
class ImportReport:
    created: int = 0
    errors: list[dict] = field(default_factory=list)  # {"line": n, "field": "s3", "message": "..."}
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# The pure parser words its problems "line N, column C: message"; split them for the report.
_LINE = re.compile(r"^line (\d+)(?:, column (\w+))?: (.*)$")


def _problem_row(problem: str) -> dict:
    match = _LINE.match(problem)
    if match:
        return {"line": int(match.group(1)), "field": match.group(2) or "", "message": match.group(3)}
    return {"line": None, "field": "", "message": problem}


@transaction.atomic
def responses_import(*, round: Round, actor, text: str, via: str = "") -> ImportReport:
    """Import answers collected elsewhere (CSV: respondent,function,s1..s20).

    All or nothing: any bad row means nothing is written and every problem is reported
    with its line and column. Respondent ids are used only to catch duplicates; in an
    anonymous round they are not stored.
    """
    report = ImportReport()
    if round.status == Round.Status.CLOSED:
        report.errors.append({"line": None, "field": "round", "message": _("The round is closed.")})
        return report
    if round.anonymous and round.invitations.exists():
        # Mixing would let whoever imports known answers work out the real ones by
        # subtraction, so an anonymous round collects by links or by import, not both.
        report.errors.append({"line": None, "field": "round", "message": _(MIXING)})
        return report
    # The parser (pure analytics) reads the whole text: hold it to the upload bounds first.
    uploads.check_csv_text(text, field="csv")
    try:
        parsed, notes = parse_responses_csv(text)
    except DiagnosticInputError as error:
        report.errors = [_problem_row(p) for p in error.problems]
        return report
    report.warnings = list(notes)
    for response in parsed:
        if response.function not in RespondentFunction.values:
            report.errors.append(
                {
                    "line": response.line,
                    "field": "function",
                    "message": _("unknown function %(value)r; use one of: %(choices)s")
                    % {"value": response.function, "choices": ", ".join(RespondentFunction.values)},
                }
            )
        for key, rating in zip(KEYS, response.ratings, strict=True):
            if rating is None:
                report.errors.append(
                    {"line": response.line, "field": key, "message": _("the rating is blank")}
                )
    if report.errors:
        return report
    rows = [
        Response(
            round=round,
            function=r.function,
            imported=True,
            respondent_label="" if round.anonymous else r.respondent[:160],
            **dict(zip(KEYS, r.ratings, strict=True)),
        )
        for r in parsed
    ]
    Response.objects.bulk_create(rows)
    if round.anonymous:
        _store_in_answer_order(round)
    report.created = len(rows)
    audit.record(
        actor=actor, action="update", instance=round, changes={"imported_responses": len(rows)}, via=via
    )
    return report


# ---------------------------------------------------------------- advisor and action items


@transaction.atomic
def assessment_create(*, actor, via: str = "", current: str | None = None, **answers) -> Assessment:
    assessment = Assessment(
        created_by=actor if getattr(actor, "pk", None) else None, recommended="-", **answers
    )
    full_clean(assessment, exclude=["recommended", "reasons"])
    advice = advisor.recommend(assessment, current=current)
    assessment.recommended = advice.target.value
    assessment.reasons = advice.reason_codes
    assessment.save()
    audit.record(
        actor=actor, action="create", instance=assessment, changes=audit.snapshot(assessment), via=via
    )
    return assessment


@transaction.atomic
def action_item_create(
    *,
    actor,
    move: str,
    title: str,
    owner: Person | None,
    due_on: datetime.date | None = None,
    round: Round | None = None,
    via: str = "",
) -> ActionItem:
    from hamsu.alignment.moves import MOVES_BY_KEY

    errors: dict[str, list[str]] = {}
    if move not in MOVES_BY_KEY:
        errors.setdefault("move", []).append(_("Unknown move."))
    if owner is None:
        errors.setdefault("owner", []).append(_("Every action item needs an owner."))
    raise_if(errors)
    item = ActionItem(
        move=move,
        title=(title or "").strip() or str(MOVES_BY_KEY[move].title),
        owner=owner,
        due_on=due_on,
        round=round,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    full_clean(item)
    item.save()
    audit.record(actor=actor, action="create", instance=item, changes=audit.snapshot(item), via=via)
    return item


@versioning.atomic_write
def action_item_update(
    *,
    item: ActionItem,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> ActionItem:
    """``expected_version``/``strict``: see ``hamsu.core.versioning``."""
    allowed = {"title", "owner", "due_on", "status"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    if "owner" in data and data["owner"] is None:
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"owner": [_("Every action item needs an owner.")]}
        )
    item, data = versioning.begin(item, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(item)
    versioning.bump(item)
    for key, value in data.items():
        setattr(item, key, value.strip() if isinstance(value, str) else value)
    full_clean(item)
    item.save()
    audit.record(
        actor=actor, action="update", instance=item, changes=audit.diff(before, audit.snapshot(item)), via=via
    )
    return item
