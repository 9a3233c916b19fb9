"""Build a feedback digest: collect the period's notes and call reports, find themes, store them."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from hamsu.collaboration.clustering import cluster_texts
from hamsu.collaboration.models import FeedbackDigest, FeedbackNote, FeedbackTheme
from hamsu.crm.models import Activity, ActivityKind
from hamsu.crm.selectors_tasks import HAPPENED

EXAMPLES_PER_THEME = 3


def _bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return low, high


def import_call_reports(start: datetime.date, end: datetime.date) -> int:
    """Turn the period's call reports into feedback notes, so marketing reads them too."""
    low, high = _bounds(start, end)
    reports = (
        Activity.objects.filter(
            HAPPENED, kind=ActivityKind.CALL_REPORT, occurred_at__gte=low, occurred_at__lt=high
        )
        .filter(feedback_note__isnull=True)
        # A report with no written body ("Call report with account #8") says nothing to theme.
        .exclude(body="")
        .values_list(
            "pk", "owner_id", "team_id", "account_id", "opportunity_id", "subject", "body", "occurred_at"
        )
    )
    notes = [
        FeedbackNote(
            activity_id=pk,
            author_id=owner,
            team_id=team,
            account_id=account,
            opportunity_id=opportunity,
            customer_need=body[:2000],
            created_at=occurred,
        )
        for pk, owner, team, account, opportunity, subject, body, occurred in reports.iterator(
            chunk_size=5000
        )
    ]
    FeedbackNote.objects.bulk_create(notes, batch_size=2000)
    return len(notes)


@transaction.atomic
def build_digest(
    *, period_start: datetime.date, period_end: datetime.date, n_themes: int | None = None, created_by=None
) -> FeedbackDigest:
    import_call_reports(period_start, period_end)
    low, high = _bounds(period_start, period_end)
    rows = list(
        FeedbackNote.objects.filter(created_at__gte=low, created_at__lt=high)
        .order_by("id")
        # Competitor names are left out: they are proper nouns that would pull notes about
        # different problems together just because the same rival was met.
        .values_list("id", "customer_need", "product_gap", "winning_message", "outcome_reason")
    )
    ids = [row[0] for row in rows]
    texts = [" . ".join(part for part in row[1:] if part) for row in rows]
    digest = FeedbackDigest.objects.create(
        period_start=period_start, period_end=period_end, created_by=created_by, note_count=len(rows)
    )
    themes = cluster_texts(texts, n_themes=n_themes, examples=EXAMPLES_PER_THEME)
    saved = FeedbackTheme.objects.bulk_create(
        FeedbackTheme(
            digest=digest,
            label=theme.label[:200],
            top_terms=theme.top_terms,
            size=len(theme.members),
            example_ids=[ids[i] for i in theme.examples],
        )
        for theme in themes
    )
    Through = FeedbackTheme.notes.through
    Through.objects.bulk_create(
        (
            Through(feedbacktheme_id=row.pk, feedbacknote_id=ids[i])
            for row, theme in zip(saved, themes, strict=True)
            for i in theme.members
        ),
        batch_size=5000,
    )
    return digest
