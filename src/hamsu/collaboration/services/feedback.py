"""Field feedback from sales, the digests that group it into themes, and marketing's
answer to a theme."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.collaboration.models import DealOutcome, FeedbackNote, FeedbackTheme, ThemeStatus
from hamsu.collaboration.services.common import actor_person, clean_text, record, require_visible
from hamsu.core import audit
from hamsu.core.errors import ValidationFailed
from hamsu.core.notify import notify
from hamsu.core.roles import DOWNSTREAM_MARKETER, HEAD_OF_MARKETING, LIAISON, UPSTREAM_MARKETER
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.crm import services as crm_services
from hamsu.crm.models import ActivityKind
from hamsu.directory.models import Person
from hamsu.directory.visibility import person_of

FEEDBACK_TEXT_FIELDS = ["customer_need", "product_gap", "winning_message", "outcome_reason", "competitor"]


def _check_feedback(texts: dict, *, outcome: str, account, opportunity, complaint: bool) -> None:
    """A note says something, with a known outcome, about a deal of its account."""
    errors: dict[str, list[str]] = {}
    if not any(texts.values()) and not complaint:
        errors["customer_need"] = [_("Write at least one thing you heard.")]
    if outcome not in DealOutcome.values:
        errors["outcome"] = [_("Unknown outcome.")]
    if opportunity is not None and account is not None and opportunity.account_id != account.pk:
        errors["opportunity"] = [_("This opportunity belongs to another account.")]
    raise_if(errors)


def _call_report(note: FeedbackNote, *, actor, via: str):
    """Log the (unsaved) note as a call report on its account, in the CRM."""
    if note.account is None:
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={"account": [_("A call report needs an account or an opportunity.")]},
        )
    return crm_services.activity_create(
        actor=actor,
        owner=note.author,
        kind=ActivityKind.CALL_REPORT,
        subject=(note.customer_need or note.product_gap or _("Call report"))[:200],
        body=note.text,
        account=note.account,
        opportunity=note.opportunity,
        via=via,
    )


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
    author = actor_person(actor, author)
    require_visible(account, actor, "account")
    require_visible(opportunity, actor, "opportunity")
    texts = {
        "customer_need": clean_text(customer_need),
        "competitor": clean_text(competitor),
        "outcome_reason": clean_text(outcome_reason),
        "product_gap": clean_text(product_gap),
        "winning_message": clean_text(winning_message),
    }
    _check_feedback(
        texts, outcome=outcome, account=account, opportunity=opportunity, complaint=lead_quality_complaint
    )
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
        note.activity = _call_report(note, actor=actor, via=via)
    note.save()
    record(actor, "create", note, via=via)
    return note


def _marketing_people():
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
    # Imported here, not at the top: the digest clusters the notes with scikit-learn, which
    # takes about a second to import, and every page and API call imports these services.
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
    record(actor, "create", digest, via=via)
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
    if not clean_text(action_taken):
        errors["action_taken"] = [_("Tell the sellers what was done, or why not.")]
    raise_if(errors)
    before = audit.snapshot(theme, ["status", "action_taken"])
    theme.status = status
    theme.action_taken = clean_text(action_taken)
    theme.acted_by = person_of(actor)
    theme.acted_at = timezone.now()
    theme.save(update_fields=["status", "action_taken", "acted_by", "acted_at"])
    record(actor, "update", theme, audit.diff(before, audit.snapshot(theme, ["status", "action_taken"])), via)
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
