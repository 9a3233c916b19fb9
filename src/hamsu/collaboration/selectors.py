"""Reads for the collaboration pages and API. Record visibility comes from hamsu.directory.visibility."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from hamsu.collaboration.models import (
    OPEN_ACTION_STATUSES,
    AccountPlan,
    ActionItem,
    Collateral,
    CollateralRating,
    FeedbackDigest,
    FeedbackNote,
    FeedbackTheme,
    JointAssignment,
    JointEvent,
    LiaisonAssignment,
    MarketingParticipation,
    Meeting,
    ThemeStatus,
)
from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.crm.models import Account, Opportunity, Segment
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.directory.models import Function, Person
from hamsu.directory.visibility import person_of, visible

# ---------------------------------------------------------------- liaisons


def active_assignments(on: datetime.date | None = None) -> QuerySet[LiaisonAssignment]:
    on = on or timezone.localdate()
    return LiaisonAssignment.objects.filter(starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )


def liaison_list() -> list[LiaisonAssignment]:
    return list(
        LiaisonAssignment.objects.select_related("liaison", "team").order_by("team__name", "-starts_on")
    )


@dataclass
class LiaisonPage:
    liaison: Person
    assignments: list[LiaisonAssignment]
    key_accounts: list[Account]
    open_feedback: list[FeedbackNote]
    upcoming_meetings: list[Meeting]


def liaison_page(*, user, liaison: Person, now: datetime.datetime | None = None) -> LiaisonPage:
    """Everything a liaison works on: teams, key accounts, open feedback, next meetings."""
    now = now or timezone.now()
    assignments = list(
        active_assignments(timezone.localdate(now)).filter(liaison=liaison).select_related("team")
    )
    team_ids = [a.team_id for a in assignments]
    won = Coalesce(
        Sum("opportunities__amount_base", filter=Q(opportunities__stage=Stage.WON)), Value(Decimal("0"))
    )
    pipeline = Coalesce(
        Sum("opportunities__amount_base", filter=Q(opportunities__stage__in=OPEN_STAGES)), Value(Decimal("0"))
    )
    key_accounts = list(
        visible(Account.objects.filter(team_id__in=team_ids), user)
        .annotate(won=won, pipeline=pipeline)
        .filter(Q(won__gt=0) | Q(pipeline__gt=0))
        .select_related("segment", "owner")
        .order_by("-won", "-pipeline", "id")[:10]
    )
    # Open feedback: notes from these teams in themes nobody has answered yet, or not yet in a digest.
    open_feedback = list(
        FeedbackNote.objects.filter(team_id__in=team_ids)
        .exclude(themes__status__in=[ThemeStatus.ACTED, ThemeStatus.DECLINED])
        .select_related("author", "account")
        .order_by("-created_at", "-id")[:20]
    )
    upcoming = list(
        Meeting.objects.filter(starts_at__gte=now)
        .filter(Q(attendees=liaison) | Q(series__team_id__in=team_ids))
        .distinct()
        .select_related("series")
        .order_by("starts_at")[:10]
    )
    return LiaisonPage(liaison, assignments, key_accounts, open_feedback, upcoming)


# ---------------------------------------------------------------- meetings


def _sees_all(user) -> bool:
    return bool(user.is_superuser or roles_of(user) & SEES_EVERYTHING)


def meetings_for(
    user, *, upcoming: bool | None = None, now: datetime.datetime | None = None
) -> QuerySet[Meeting]:
    """Meetings the user attends (leaders see them all)."""
    qs = Meeting.objects.all()
    if not _sees_all(user):
        me = person_of(user)
        qs = qs.filter(attendees=me).distinct() if me else qs.none()
    now = now or timezone.now()
    if upcoming is True:
        qs = qs.filter(starts_at__gte=now - datetime.timedelta(hours=12)).order_by("starts_at")
    elif upcoming is False:
        qs = qs.filter(starts_at__lt=now).order_by("-starts_at")
    return qs.select_related("series")


def meeting_detail(*, user, pk: int) -> Meeting | None:
    meeting = meetings_for(user).filter(pk=pk).first()
    return meeting


def meeting_items(meeting: Meeting) -> dict:
    return {
        "decisions": list(meeting.decisions.all()),
        "action_items": list(meeting.action_items.select_related("owner").order_by("due_on", "id")),
        "carried": list(
            meeting.carried_items.exclude(meeting=meeting)
            .select_related("owner", "meeting")
            .order_by("due_on")
        ),
        "attendees": list(meeting.attendees.select_related("team").order_by("full_name")),
    }


def my_action_items(person) -> list[ActionItem]:
    if person is None:
        return []
    return list(
        ActionItem.objects.filter(owner=person, status__in=OPEN_ACTION_STATUSES)
        .select_related("meeting")
        .order_by("due_on", "id")
    )


# ---------------------------------------------------------------- feedback


def feedback_visible(user) -> QuerySet[FeedbackNote]:
    """Marketing and leaders read all feedback; a seller reads their own (and their team's
    under team visibility)."""
    qs = FeedbackNote.objects.all()
    if user.has_perm("collaboration.view_feedbacknote"):
        return qs
    return visible(qs, user, owner_field="author")


def my_feedback(person, *, limit: int = 100) -> list[FeedbackNote]:
    """A seller's notes with what became of them (the themes and marketing's answer)."""
    if person is None:
        return []
    return list(
        FeedbackNote.objects.filter(author=person)
        .select_related("account", "opportunity")
        .prefetch_related(
            Prefetch("themes", queryset=FeedbackTheme.objects.select_related("digest", "acted_by"))
        )
        .order_by("-created_at", "-id")[:limit]
    )


def feedback_on_deal(*, user, opportunity, limit: int = 100) -> list[FeedbackNote]:
    """The notes sellers left on one deal that ``user`` may read, newest first, with what
    became of them (the record page's "Related" card links here)."""
    return list(
        feedback_visible(user)
        .filter(opportunity=opportunity)
        .select_related("author")
        .prefetch_related(
            Prefetch("themes", queryset=FeedbackTheme.objects.select_related("digest", "acted_by"))
        )
        .order_by("-created_at", "-id")[:limit]
    )


def digest_list() -> list[FeedbackDigest]:
    return list(FeedbackDigest.objects.annotate(n_themes=Count("themes")).order_by("-period_end", "-id")[:50])


def digest_detail(pk: int) -> tuple[FeedbackDigest | None, list[FeedbackTheme], dict[int, FeedbackNote]]:
    digest = FeedbackDigest.objects.filter(pk=pk).first()
    if digest is None:
        return None, [], {}
    themes = list(digest.themes.select_related("acted_by").order_by("-size", "id"))
    example_ids = {i for t in themes for i in t.example_ids}
    examples = FeedbackNote.objects.in_bulk(example_ids)
    for theme in themes:
        theme.examples = [examples[i] for i in theme.example_ids if i in examples]
    digest.lead_quality_count = FeedbackNote.objects.filter(
        lead_quality_complaint=True,
        created_at__date__gte=digest.period_start,
        created_at__date__lte=digest.period_end,
    ).count()
    # Competitor names are kept out of the themes; marketing still sees who sellers meet.
    digest.competitors = list(
        FeedbackNote.objects.filter(
            created_at__date__gte=digest.period_start, created_at__date__lte=digest.period_end
        )
        .exclude(competitor="")
        .values("competitor")
        .annotate(n=Count("id"))
        .order_by("-n", "competitor")[:10]
    )
    return digest, themes, examples


# ---------------------------------------------------------------- key accounts


@dataclass
class RankedAccount:
    account: Account
    won: Decimal
    pipeline: Decimal
    plan: AccountPlan | None


def top_accounts(*, user, per_segment: int = 10, segment: Segment | None = None) -> dict:
    """The top accounts of each segment (or of ``segment`` only) by revenue (won) and
    potential (open pipeline)."""
    # Coalesce: an account with no won deal ranks as 0 on every database (PostgreSQL puts
    # NULL first in a descending sort, SQLite last).
    won = Coalesce(Sum("amount_base", filter=Q(stage=Stage.WON)), Value(Decimal("0")))
    pipeline = Coalesce(Sum("amount_base", filter=Q(stage__in=OPEN_STAGES)), Value(Decimal("0")))
    result = {}
    segments = [segment] if segment is not None else list(Segment.objects.order_by("name"))
    for one in segments:
        rows = list(
            visible(Opportunity.objects.filter(account__segment=one), user)
            .values("account_id")
            .annotate(won=won, pipeline=pipeline)
            .order_by("-won", "-pipeline", "account_id")[:per_segment]
        )
        accounts = Account.objects.in_bulk([r["account_id"] for r in rows])
        plans = {p.account_id: p for p in AccountPlan.objects.filter(account_id__in=accounts)}
        result[one] = [
            RankedAccount(
                accounts[r["account_id"]],
                r["won"] or Decimal("0"),
                r["pipeline"] or Decimal("0"),
                plans.get(r["account_id"]),
            )
            for r in rows
        ]
    return result


def plans_visible(user) -> QuerySet[AccountPlan]:
    visible_accounts = visible(Account.objects.all(), user).values("pk")
    return AccountPlan.objects.filter(account__in=visible_accounts)


def plan_detail(*, user, pk: int) -> AccountPlan | None:
    return (
        plans_visible(user)
        .select_related("account", "account__segment", "sales_owner", "marketing_owner")
        .prefetch_related("stakeholders", "items__owner", "participations__person")
        .filter(pk=pk)
        .first()
    )


def marketing_participation_summary(*, since: datetime.date | None = None) -> dict:
    """How many key-account plans marketing took part in (diagnostic statement 13)."""
    plans = AccountPlan.objects.count()
    qs = MarketingParticipation.objects.all()
    if since:
        qs = qs.filter(occurred_on__gte=since)
    with_marketing = qs.values("plan_id").distinct().count()
    return {
        "plans": plans,
        "plans_with_marketing": with_marketing,
        "share": (with_marketing / plans) if plans else None,
        "participations": qs.count(),
        "by_kind": dict(qs.values_list("kind").annotate(n=Count("id")).order_by()),
    }


# ---------------------------------------------------------------- collateral


def collateral_list(
    *,
    kind: str = "",
    stage: str = "",
    segment: int | None = None,
    product: int | None = None,
    q: str = "",
    pk: int | None = None,
):
    """Collateral with usage and the won/lost counts of deals that used it."""
    qs = Collateral.objects.filter(is_active=True) if pk is None else Collateral.objects.filter(pk=pk)
    if kind:
        qs = qs.filter(kind=kind)
    if stage:
        qs = qs.filter(stages__contains=f"|{stage}|")
    if segment:
        qs = qs.filter(segments__id=segment)
    if product:
        qs = qs.filter(products__id=product)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return list(
        qs.distinct()
        .annotate(
            n_uses=Count("uses", distinct=True),
            n_won=Count("uses", filter=Q(uses__opportunity__stage=Stage.WON), distinct=True),
            n_lost=Count("uses", filter=Q(uses__opportunity__stage=Stage.LOST), distinct=True),
        )
        .prefetch_related("segments", "products")
        .order_by("title")
    )


def collateral_ratings(ids: list[int]) -> dict[int, dict]:
    return {
        row["collateral_id"]: row
        for row in CollateralRating.objects.filter(collateral_id__in=ids)
        .values("collateral_id")
        .annotate(avg=Avg("stars"), n=Count("id"))
    }


def win_rate(piece) -> float | None:
    closed = piece.n_won + piece.n_lost
    return piece.n_won / closed if closed else None


# ---------------------------------------------------------------- events


def events_between(start: datetime.datetime, end: datetime.datetime) -> list[JointEvent]:
    return list(
        JointEvent.objects.filter(starts_at__lt=end, ends_at__gte=start)
        .select_related("organiser")
        .prefetch_related("participants")
        .order_by("starts_at")
    )


def event_mix(event: JointEvent) -> dict[str, int]:
    sales = sum(1 for p in event.participants.all() if p.function == Function.SALES)
    marketing = sum(1 for p in event.participants.all() if p.function in Function.marketing())
    return {"sales": sales, "marketing": marketing}


def assignments_list() -> list[JointAssignment]:
    return list(JointAssignment.objects.select_related("person", "host_team").order_by("-starts_on")[:200])
