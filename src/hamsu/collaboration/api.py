"""API v1 twins of every collaboration page: the same selectors and services, typed schemas."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from hamsu.api.permissions import require_perm
from hamsu.api.schemas import ERRORS, get_or_404
from hamsu.collaboration import ical, selectors, services
from hamsu.collaboration.models import (
    AccountPlan,
    ActionItem,
    ActionStatus,
    AssignmentKind,
    Cadence,
    Collateral,
    CollateralKind,
    DealOutcome,
    EventKind,
    FeedbackTheme,
    LiaisonAssignment,
    MeetingStatus,
    ParticipationKind,
    PlanItem,
    PlanItemKind,
    PlanStatus,
    ThemeStatus,
)
from hamsu.core import selectors as core_selectors
from hamsu.core.errors import NotFound
from hamsu.core.notify import mark_read
from hamsu.core.visibility import person_of
from hamsu.crm.models import Account, Contact, Opportunity, Product, Segment
from hamsu.crm.stages import Stage
from hamsu.directory.models import Person, Team

router = Router(tags=["collaboration"])
PREFIX = "together"


Text = Annotated[str, Field(max_length=2000)]
Title = Annotated[str, Field(min_length=1, max_length=300)]


def _many(model, ids, label):
    return [get_or_404(model, pk, label) for pk in ids]


# ---------------------------------------------------------------- notifications


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class ReadIn(Schema):
    ids: list[int] | None = None


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS})
def list_notifications(request, unread: bool = False):
    return core_selectors.notifications_for(person_of(request.user), unread_only=unread, limit=200)


@router.post("/notifications/read", response={200: dict, **ERRORS})
def read_notifications(request, payload: ReadIn):
    return {"marked": mark_read(person=person_of(request.user), ids=payload.ids)}


# ---------------------------------------------------------------- liaisons


class LiaisonOut(Schema):
    id: int
    liaison_id: int
    team_id: int
    starts_on: datetime.date
    ends_on: datetime.date | None
    note: str


class LiaisonIn(Schema):
    liaison_id: int
    team_id: int
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    note: Annotated[str, Field(max_length=300)] = ""


class EndIn(Schema):
    ends_on: datetime.date | None = None


class AccountRankOut(Schema):
    id: int
    name: str
    won: Decimal | None = None
    pipeline: Decimal | None = None


class NoteOut(Schema):
    id: int
    author_id: int
    account_id: int | None
    opportunity_id: int | None
    customer_need: str
    competitor: str
    outcome: str
    outcome_reason: str
    product_gap: str
    winning_message: str
    lead_quality_complaint: bool
    created_at: datetime.datetime


class MeetingOut(Schema):
    id: int
    series_id: int | None
    title: str
    starts_at: datetime.datetime
    duration_minutes: int
    location: str
    status: str


class LiaisonPageOut(Schema):
    liaison_id: int
    teams: list[LiaisonOut]
    key_accounts: list[AccountRankOut]
    open_feedback: list[NoteOut]
    upcoming_meetings: list[MeetingOut]


@router.get("/liaisons", response={200: list[LiaisonOut], **ERRORS})
def list_liaisons(request):
    require_perm(request, "collaboration.view_liaisonassignment")
    return selectors.liaison_list()


@router.post("/liaisons", response={201: LiaisonOut, **ERRORS})
def assign_liaison(request, payload: LiaisonIn):
    require_perm(request, "collaboration.add_liaisonassignment")
    return Status(
        201,
        services.liaison_assign(
            actor=request.user,
            liaison=get_or_404(Person, payload.liaison_id, "liaison_id"),
            team=get_or_404(Team, payload.team_id, "team_id"),
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            note=payload.note,
            via="api",
        ),
    )


@router.post("/liaisons/{assignment_id}/end", response={200: LiaisonOut, **ERRORS})
def end_liaison(request, assignment_id: int, payload: EndIn):
    require_perm(request, "collaboration.change_liaisonassignment")
    assignment = get_or_404(LiaisonAssignment, assignment_id, "assignment")
    return services.liaison_end(assignment=assignment, actor=request.user, ends_on=payload.ends_on, via="api")


@router.get("/liaisons/person/{person_id}", response={200: LiaisonPageOut, **ERRORS})
def liaison_page(request, person_id: int):
    require_perm(request, "collaboration.view_liaisonassignment")
    page = selectors.liaison_page(user=request.user, liaison=get_or_404(Person, person_id, "person"))
    return {
        "liaison_id": page.liaison.pk,
        "teams": page.assignments,
        "key_accounts": page.key_accounts,
        "open_feedback": page.open_feedback,
        "upcoming_meetings": page.upcoming_meetings,
    }


# ---------------------------------------------------------------- meetings


class MeetingIn(Schema):
    title: Title
    starts_at: datetime.datetime
    duration_minutes: Annotated[int, Field(ge=15, le=480)] = 60
    location: Annotated[str, Field(max_length=200)] = ""
    attendee_ids: list[int] = []


class SeriesIn(Schema):
    title: Title
    cadence: Cadence
    first_at: datetime.datetime
    team_id: int | None = None
    member_ids: list[int] = []
    duration_minutes: Annotated[int, Field(ge=15, le=480)] = 60
    location: Annotated[str, Field(max_length=200)] = ""
    occurrences: Annotated[int, Field(ge=1, le=24)] = 4


class SeriesOut(Schema):
    id: int
    title: str
    cadence: str
    team_id: int | None
    organiser_id: int
    first_at: datetime.datetime
    meeting_ids: list[int]

    @staticmethod
    def resolve_meeting_ids(obj) -> list[int]:
        return list(obj.meetings.order_by("starts_at").values_list("pk", flat=True))


class DecisionOut(Schema):
    id: int
    text: str
    created_at: datetime.datetime


class ActionOut(Schema):
    id: int
    meeting_id: int
    title: str
    owner_id: int
    due_on: datetime.date
    status: str
    carried_count: int
    last_meeting_id: int | None


class MeetingDetailOut(MeetingOut):
    minutes: str
    agenda: dict
    agenda_generated_at: datetime.datetime | None
    attendee_ids: list[int]
    decisions: list[DecisionOut]
    action_items: list[ActionOut]
    carried_items: list[ActionOut]


class MeetingPatch(Schema):
    minutes: Annotated[str, Field(max_length=50_000)] | None = None
    status: MeetingStatus | None = None


class DecisionIn(Schema):
    text: Annotated[str, Field(min_length=1, max_length=500)]


class ActionIn(Schema):
    title: Title
    owner_id: int
    due_on: datetime.date


class ActionPatch(Schema):
    status: ActionStatus | None = None
    due_on: datetime.date | None = None
    owner_id: int | None = None


def _meeting(request, meeting_id: int):
    meeting = selectors.meeting_detail(user=request.user, pk=meeting_id)
    if meeting is None:
        raise NotFound("Meeting not found", errors={"meeting": [f"No meeting with id {meeting_id}."]})
    return meeting


def _meeting_out(meeting) -> dict:
    items = selectors.meeting_items(meeting)
    return {
        **{
            f: getattr(meeting, f)
            for f in ("id", "series_id", "title", "starts_at", "duration_minutes", "location")
        },
        "status": meeting.status,
        "minutes": meeting.minutes,
        "agenda": meeting.agenda,
        "agenda_generated_at": meeting.agenda_generated_at,
        "attendee_ids": [p.pk for p in items["attendees"]],
        "decisions": items["decisions"],
        "action_items": items["action_items"],
        "carried_items": items["carried"],
    }


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS})
def list_meetings(request, upcoming: bool | None = None, limit: Annotated[int, Field(ge=1, le=500)] = 100):
    require_perm(request, "collaboration.view_meeting")
    return list(selectors.meetings_for(request.user, upcoming=upcoming).order_by("-starts_at")[:limit])


@router.post("/meetings", response={201: MeetingDetailOut, **ERRORS})
def create_meeting(request, payload: MeetingIn):
    require_perm(request, "collaboration.add_meeting")
    meeting = services.meeting_create(
        actor=request.user,
        title=payload.title,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
        attendees=_many(Person, payload.attendee_ids, "attendee_ids"),
        via="api",
    )
    return Status(201, _meeting_out(meeting))


@router.post("/meeting-series", response={201: SeriesOut, **ERRORS})
def create_series(request, payload: SeriesIn):
    require_perm(request, "collaboration.add_meetingseries")
    return Status(
        201,
        services.meeting_series_create(
            actor=request.user,
            title=payload.title,
            cadence=payload.cadence,
            first_at=payload.first_at,
            team=get_or_404(Team, payload.team_id, "team_id"),
            members=_many(Person, payload.member_ids, "member_ids"),
            duration_minutes=payload.duration_minutes,
            location=payload.location,
            occurrences=payload.occurrences,
            via="api",
        ),
    )


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def get_meeting(request, meeting_id: int):
    require_perm(request, "collaboration.view_meeting")
    return _meeting_out(_meeting(request, meeting_id))


@router.patch("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def update_meeting(request, meeting_id: int, payload: MeetingPatch):
    require_perm(request, "collaboration.change_meeting")
    meeting = services.meeting_record(
        meeting=_meeting(request, meeting_id),
        actor=request.user,
        minutes=payload.minutes,
        status=payload.status,
        via="api",
    )
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/agenda", response={200: MeetingDetailOut, **ERRORS})
def generate_agenda(request, meeting_id: int):
    require_perm(request, "collaboration.change_meeting")
    meeting = services.meeting_generate_agenda(
        meeting=_meeting(request, meeting_id), actor=request.user, via="api"
    )
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/decisions", response={201: DecisionOut, **ERRORS})
def add_decision(request, meeting_id: int, payload: DecisionIn):
    require_perm(request, "collaboration.change_meeting")
    return Status(
        201,
        services.decision_add(
            meeting=_meeting(request, meeting_id), actor=request.user, text=payload.text, via="api"
        ),
    )


@router.post("/meetings/{meeting_id}/action-items", response={201: ActionOut, **ERRORS})
def add_action(request, meeting_id: int, payload: ActionIn):
    require_perm(request, "collaboration.add_actionitem")
    return Status(
        201,
        services.action_item_create(
            meeting=_meeting(request, meeting_id),
            actor=request.user,
            title=payload.title,
            owner=get_or_404(Person, payload.owner_id, "owner_id"),
            due_on=payload.due_on,
            via="api",
        ),
    )


@router.get("/action-items", response={200: list[ActionOut], **ERRORS})
def my_actions(request):
    return selectors.my_action_items(person_of(request.user))


@router.patch("/action-items/{item_id}", response={200: ActionOut, **ERRORS})
def update_action(request, item_id: int, payload: ActionPatch):
    require_perm(request, "collaboration.change_actionitem")
    item = get_or_404(ActionItem, item_id, "action_item")
    if selectors.meeting_detail(user=request.user, pk=item.meeting_id) is None and item.owner != person_of(
        request.user
    ):
        raise NotFound("Action item not found")
    return services.action_item_update(
        item=item,
        actor=request.user,
        status=payload.status,
        due_on=payload.due_on,
        owner=get_or_404(Person, payload.owner_id, "owner_id"),
        via="api",
    )


def _calendar_response(items, name: str) -> HttpResponse:
    return HttpResponse(ical.calendar(items, name=name), content_type="text/calendar; charset=utf-8")


@router.get("/meetings/{meeting_id}/ics", response={200: str, **ERRORS})
def meeting_ics(request, meeting_id: int):
    """The meeting as an iCalendar (RFC 5545) file."""
    require_perm(request, "collaboration.view_meeting")
    from hamsu.collaboration.views import meeting_calendar_item

    meeting = _meeting(request, meeting_id)
    return _calendar_response([meeting_calendar_item(request, meeting)], meeting.title)


@router.get("/calendar.ics", response={200: str, **ERRORS})
def my_calendar(request):
    """My meetings, action-item due dates and joint events as one iCalendar feed."""
    require_perm(request, "collaboration.view_meeting")
    from hamsu.collaboration.views import calendar_items

    return _calendar_response(calendar_items(request), "Hamsu")


# ---------------------------------------------------------------- feedback


class FeedbackIn(Schema):
    account_id: int | None = None
    opportunity_id: int | None = None
    customer_need: Text = ""
    competitor: Annotated[str, Field(max_length=120)] = ""
    outcome: DealOutcome = DealOutcome.OPEN
    outcome_reason: Annotated[str, Field(max_length=300)] = ""
    product_gap: Text = ""
    winning_message: Text = ""
    lead_quality_complaint: bool = False
    log_call_report: bool = False


class ThemeOut(Schema):
    id: int
    digest_id: int
    label: str
    top_terms: list[str]
    size: int
    example_ids: list[int]
    status: str
    action_taken: str
    acted_at: datetime.datetime | None


class NoteWithThemesOut(NoteOut):
    themes: list[ThemeOut]

    @staticmethod
    def resolve_themes(obj) -> list:
        return list(obj.themes.all())


class DigestIn(Schema):
    period_start: datetime.date
    period_end: datetime.date
    n_themes: Annotated[int, Field(ge=2, le=30)] | None = None


class DigestOut(Schema):
    id: int
    period_start: datetime.date
    period_end: datetime.date
    note_count: int
    created_at: datetime.datetime


class DigestDetailOut(DigestOut):
    themes: list[ThemeOut]


class ThemeActIn(Schema):
    status: ThemeStatus
    action_taken: Annotated[str, Field(max_length=5000)]


@router.post("/feedback", response={201: NoteOut, **ERRORS})
def create_feedback(request, payload: FeedbackIn):
    require_perm(request, "collaboration.add_feedbacknote")
    data = payload.dict()
    return Status(
        201,
        services.feedback_create(
            actor=request.user,
            account=get_or_404(Account, data.pop("account_id"), "account_id"),
            opportunity=get_or_404(Opportunity, data.pop("opportunity_id"), "opportunity_id"),
            via="api",
            **data,
        ),
    )


@router.get("/feedback", response={200: list[NoteOut], **ERRORS})
def list_feedback(
    request,
    since: datetime.date | None = None,
    lead_quality: bool | None = None,
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
):
    qs = selectors.feedback_visible(request.user)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if lead_quality is not None:
        qs = qs.filter(lead_quality_complaint=lead_quality)
    return list(qs.order_by("-created_at", "-id")[:limit])


@router.get("/feedback/mine", response={200: list[NoteWithThemesOut], **ERRORS})
def my_feedback(request):
    """My notes and what became of them (theme, status, marketing's answer)."""
    return selectors.my_feedback(person_of(request.user))


@router.get("/digests", response={200: list[DigestOut], **ERRORS})
def list_digests(request):
    require_perm(request, "collaboration.view_feedbackdigest")
    return selectors.digest_list()


@router.post("/digests", response={201: DigestDetailOut, **ERRORS})
def build_digest(request, payload: DigestIn):
    require_perm(request, "collaboration.add_feedbackdigest")
    digest = services.feedback_digest_build(actor=request.user, via="api", **payload.dict())
    return Status(
        201, {**DigestOut.from_orm(digest).dict(), "themes": list(digest.themes.order_by("-size", "id"))}
    )


@router.get("/digests/{digest_id}", response={200: DigestDetailOut, **ERRORS})
def get_digest(request, digest_id: int):
    require_perm(request, "collaboration.view_feedbackdigest")
    digest, themes, _examples = selectors.digest_detail(digest_id)
    if digest is None:
        raise NotFound("Digest not found")
    return {**DigestOut.from_orm(digest).dict(), "themes": themes}


@router.post("/themes/{theme_id}/act", response={200: ThemeOut, **ERRORS})
def act_on_theme(request, theme_id: int, payload: ThemeActIn):
    require_perm(request, "collaboration.change_feedbacktheme")
    theme = get_or_404(FeedbackTheme, theme_id, "theme")
    return services.feedback_theme_act(
        theme=theme, actor=request.user, status=payload.status, action_taken=payload.action_taken, via="api"
    )


# ---------------------------------------------------------------- key accounts


class RankedOut(Schema):
    account_id: int
    name: str
    won: Decimal
    pipeline: Decimal
    plan_id: int | None


class SegmentRankingOut(Schema):
    segment_id: int
    segment: str
    accounts: list[RankedOut]


class PlanIn(Schema):
    account_id: int
    sales_owner_id: int
    marketing_owner_id: int | None = None
    objectives: Annotated[str, Field(max_length=10_000)] = ""
    status: PlanStatus = PlanStatus.ACTIVE


class PlanPatch(Schema):
    sales_owner_id: int | None = None
    marketing_owner_id: int | None = None
    objectives: Annotated[str, Field(max_length=10_000)] | None = None
    status: PlanStatus | None = None


class StakeholderOut(Schema):
    id: int
    name: str
    title: str
    stance: str
    contact_id: int | None


class PlanItemOut(Schema):
    id: int
    kind: str
    title: str
    owner_id: int | None
    due_on: datetime.date | None
    status: str


class ParticipationOut(Schema):
    id: int
    person_id: int
    kind: str
    occurred_on: datetime.date
    note: str


class PlanOut(Schema):
    id: int
    account_id: int
    objectives: str
    sales_owner_id: int
    marketing_owner_id: int | None
    status: str
    stakeholders: list[StakeholderOut]
    items: list[PlanItemOut]
    participations: list[ParticipationOut]

    @staticmethod
    def resolve_stakeholders(obj):
        return list(obj.stakeholders.all())

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())

    @staticmethod
    def resolve_participations(obj):
        return list(obj.participations.all())


class PlanItemIn(Schema):
    kind: PlanItemKind = PlanItemKind.NEXT_ACTION
    title: Title
    owner_id: int | None = None
    due_on: datetime.date | None = None


class PlanItemPatch(Schema):
    status: ActionStatus


class StakeholderIn(Schema):
    name: Annotated[str, Field(max_length=160)] = ""
    title: Annotated[str, Field(max_length=160)] = ""
    stance: Annotated[str, Field(max_length=80)] = ""
    contact_id: int | None = None


class ParticipationIn(Schema):
    person_id: int
    kind: ParticipationKind
    occurred_on: datetime.date | None = None
    note: Annotated[str, Field(max_length=300)] = ""


def _plan(request, plan_id: int) -> AccountPlan:
    plan = selectors.plan_detail(user=request.user, pk=plan_id)
    if plan is None:
        raise NotFound("Plan not found", errors={"plan": [f"No plan with id {plan_id}."]})
    return plan


@router.get("/key-accounts", response={200: list[SegmentRankingOut], **ERRORS})
def key_accounts(request, per_segment: Annotated[int, Field(ge=1, le=50)] = 10):
    """The top accounts of each segment by won revenue, then open pipeline."""
    require_perm(request, "collaboration.view_accountplan")
    ranking = selectors.top_accounts(user=request.user, per_segment=per_segment)
    return [
        {
            "segment_id": segment.pk,
            "segment": segment.name,
            "accounts": [
                {
                    "account_id": r.account.pk,
                    "name": r.account.name,
                    "won": r.won,
                    "pipeline": r.pipeline,
                    "plan_id": r.plan.pk if r.plan else None,
                }
                for r in rows
            ],
        }
        for segment, rows in ranking.items()
    ]


@router.get("/key-accounts/participation", response={200: dict, **ERRORS})
def participation_summary(request, since: datetime.date | None = None):
    """Marketing's part in key-account plans (evidence for the diagnostic)."""
    require_perm(request, "collaboration.view_accountplan")
    return selectors.marketing_participation_summary(since=since)


@router.post("/plans", response={201: PlanOut, **ERRORS})
def create_plan(request, payload: PlanIn):
    require_perm(request, "collaboration.add_accountplan")
    return Status(
        201,
        services.account_plan_create(
            actor=request.user,
            account=get_or_404(Account, payload.account_id, "account_id"),
            sales_owner=get_or_404(Person, payload.sales_owner_id, "sales_owner_id"),
            marketing_owner=get_or_404(Person, payload.marketing_owner_id, "marketing_owner_id"),
            objectives=payload.objectives,
            status=payload.status,
            via="api",
        ),
    )


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request, plan_id: int):
    require_perm(request, "collaboration.view_accountplan")
    return _plan(request, plan_id)


@router.patch("/plans/{plan_id}", response={200: PlanOut, **ERRORS})
def update_plan(request, plan_id: int, payload: PlanPatch):
    require_perm(request, "collaboration.change_accountplan")
    data = payload.dict(exclude_unset=True)
    if "sales_owner_id" in data:
        data["sales_owner"] = get_or_404(Person, data.pop("sales_owner_id"), "sales_owner_id")
    if "marketing_owner_id" in data:
        data["marketing_owner"] = get_or_404(Person, data.pop("marketing_owner_id"), "marketing_owner_id")
    return services.account_plan_update(plan=_plan(request, plan_id), actor=request.user, via="api", **data)


@router.post("/plans/{plan_id}/items", response={201: PlanItemOut, **ERRORS})
def add_plan_item(request, plan_id: int, payload: PlanItemIn):
    require_perm(request, "collaboration.change_accountplan")
    return Status(
        201,
        services.plan_item_add(
            plan=_plan(request, plan_id),
            actor=request.user,
            kind=payload.kind,
            title=payload.title,
            owner=get_or_404(Person, payload.owner_id, "owner_id"),
            due_on=payload.due_on,
            via="api",
        ),
    )


@router.patch("/plan-items/{item_id}", response={200: PlanItemOut, **ERRORS})
def update_plan_item(request, item_id: int, payload: PlanItemPatch):
    require_perm(request, "collaboration.change_accountplan")
    item = get_or_404(PlanItem, item_id, "item")
    _plan(request, item.plan_id)
    return services.plan_item_update(item=item, actor=request.user, status=payload.status, via="api")


@router.post("/plans/{plan_id}/stakeholders", response={201: StakeholderOut, **ERRORS})
def add_stakeholder(request, plan_id: int, payload: StakeholderIn):
    require_perm(request, "collaboration.change_accountplan")
    return Status(
        201,
        services.stakeholder_add(
            plan=_plan(request, plan_id),
            actor=request.user,
            name=payload.name,
            title=payload.title,
            stance=payload.stance,
            contact=get_or_404(Contact, payload.contact_id, "contact_id"),
            via="api",
        ),
    )


@router.post("/plans/{plan_id}/participation", response={201: ParticipationOut, **ERRORS})
def add_participation(request, plan_id: int, payload: ParticipationIn):
    require_perm(request, "collaboration.view_accountplan")
    return Status(
        201,
        services.participation_record(
            plan=_plan(request, plan_id),
            actor=request.user,
            person=get_or_404(Person, payload.person_id, "person_id"),
            kind=payload.kind,
            occurred_on=payload.occurred_on,
            note=payload.note,
            via="api",
        ),
    )


# ---------------------------------------------------------------- collateral


class CollateralIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    kind: CollateralKind
    description: Annotated[str, Field(max_length=10_000)] = ""
    url: Annotated[str, Field(max_length=500)] = ""
    stages: list[Stage] = []
    segment_ids: list[int] = []
    product_ids: list[int] = []
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] = "en"


class CollateralPatch(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    kind: CollateralKind | None = None
    description: Annotated[str, Field(max_length=10_000)] | None = None
    url: Annotated[str, Field(max_length=500)] | None = None
    stages: list[Stage] | None = None
    segment_ids: list[int] | None = None
    product_ids: list[int] | None = None
    is_active: bool | None = None


class CollateralOut(Schema):
    id: int
    title: str
    kind: str
    description: str
    url: str
    stages: list[str]
    segment_ids: list[int]
    product_ids: list[int]
    language: str
    is_active: bool

    @staticmethod
    def resolve_stages(obj) -> list[str]:
        return obj.stage_list

    @staticmethod
    def resolve_segment_ids(obj) -> list[int]:
        return [s.pk for s in obj.segments.all()]

    @staticmethod
    def resolve_product_ids(obj) -> list[int]:
        return [p.pk for p in obj.products.all()]


class CollateralStatsOut(Schema):
    collateral: CollateralOut
    uses: int
    won: int
    lost: int
    win_rate: float | None
    rating: float | None
    ratings: int


class UseIn(Schema):
    opportunity_id: int


class RatingIn(Schema):
    stars: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, Field(max_length=300)] = ""


@router.get("/collateral", response={200: list[CollateralStatsOut], **ERRORS})
def list_collateral(
    request,
    kind: CollateralKind | None = None,
    stage: Stage | None = None,
    segment: int | None = None,
    product: int | None = None,
    q: Annotated[str, Field(max_length=100)] = "",
):
    """Collateral with usage, its ratings (everyone's) and the win rate of the deals that used it."""
    require_perm(request, "collaboration.view_collateral")
    pieces = selectors.collateral_list(
        kind=kind or "", stage=stage or "", segment=segment, product=product, q=q
    )
    ratings = selectors.collateral_ratings([p.pk for p in pieces])
    out = []
    for piece in pieces:
        rating = ratings.get(piece.pk, {})
        out.append(
            {
                "collateral": piece,
                "uses": piece.n_uses,
                "won": piece.n_won,
                "lost": piece.n_lost,
                "win_rate": selectors.win_rate(piece),
                "rating": rating.get("avg"),
                "ratings": rating.get("n", 0),
            }
        )
    return out


@router.post("/collateral", response={201: CollateralOut, **ERRORS})
def create_collateral(request, payload: CollateralIn):
    require_perm(request, "collaboration.add_collateral")
    data = payload.dict()
    return Status(
        201,
        services.collateral_create(
            actor=request.user,
            segments=_many(Segment, data.pop("segment_ids"), "segment_ids"),
            products=_many(Product, data.pop("product_ids"), "product_ids"),
            via="api",
            **data,
        ),
    )


@router.patch("/collateral/{piece_id}", response={200: CollateralOut, **ERRORS})
def update_collateral(request, piece_id: int, payload: CollateralPatch):
    require_perm(request, "collaboration.change_collateral")
    data = payload.dict(exclude_unset=True)
    if "segment_ids" in data:
        data["segments"] = _many(Segment, data.pop("segment_ids") or [], "segment_ids")
    if "product_ids" in data:
        data["products"] = _many(Product, data.pop("product_ids") or [], "product_ids")
    return services.collateral_update(
        piece=get_or_404(Collateral, piece_id, "collateral"), actor=request.user, via="api", **data
    )


@router.post("/collateral/{piece_id}/uses", response={201: dict, **ERRORS})
def attach_collateral(request, piece_id: int, payload: UseIn):
    require_perm(request, "collaboration.add_collateraluse")
    use = services.collateral_attach(
        piece=get_or_404(Collateral, piece_id, "collateral"),
        opportunity=get_or_404(Opportunity, payload.opportunity_id, "opportunity_id"),
        actor=request.user,
        via="api",
    )
    return Status(
        201, {"id": use.pk, "collateral_id": use.collateral_id, "opportunity_id": use.opportunity_id}
    )


@router.post("/collateral/{piece_id}/ratings", response={201: dict, **ERRORS})
def rate_collateral(request, piece_id: int, payload: RatingIn):
    require_perm(request, "collaboration.add_collateralrating")
    rating = services.collateral_rate(
        piece=get_or_404(Collateral, piece_id, "collateral"),
        actor=request.user,
        stars=payload.stars,
        comment=payload.comment,
        via="api",
    )
    return Status(201, {"id": rating.pk, "stars": rating.stars, "comment": rating.comment})


# ---------------------------------------------------------------- joint events and rotations


class EventIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    kind: EventKind
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: Annotated[str, Field(max_length=200)] = ""
    description: Annotated[str, Field(max_length=10_000)] = ""
    participant_ids: list[int]


class EventOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    location: str
    description: str
    organiser_id: int
    participant_ids: list[int]

    @staticmethod
    def resolve_participant_ids(obj) -> list[int]:
        return [p.pk for p in obj.participants.all()]


class AssignmentIn(Schema):
    person_id: int
    kind: AssignmentKind
    host_team_id: int | None = None
    description: Annotated[str, Field(min_length=1, max_length=300)]
    starts_on: datetime.date
    ends_on: datetime.date | None = None


class AssignmentOut(Schema):
    id: int
    person_id: int
    kind: str
    host_team_id: int | None
    description: str
    starts_on: datetime.date
    ends_on: datetime.date | None


@router.get("/events", response={200: list[EventOut], **ERRORS})
def list_events(request, start: datetime.date | None = None, end: datetime.date | None = None):
    require_perm(request, "collaboration.view_jointevent")
    now = timezone.now()
    low = (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.UTC)
        if start
        else now - datetime.timedelta(days=30)
    )
    high = (
        datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.UTC)
        if end
        else now + datetime.timedelta(days=365)
    )
    return selectors.events_between(low, high)


@router.post("/events", response={201: EventOut, **ERRORS})
def create_event(request, payload: EventIn):
    require_perm(request, "collaboration.add_jointevent")
    data = payload.dict()
    return Status(
        201,
        services.joint_event_create(
            actor=request.user,
            participants=_many(Person, data.pop("participant_ids"), "participant_ids"),
            via="api",
            **data,
        ),
    )


@router.get("/assignments", response={200: list[AssignmentOut], **ERRORS})
def list_assignments(request):
    require_perm(request, "collaboration.view_jointassignment")
    return selectors.assignments_list()


@router.post("/assignments", response={201: AssignmentOut, **ERRORS})
def create_assignment(request, payload: AssignmentIn):
    require_perm(request, "collaboration.add_jointassignment")
    return Status(
        201,
        services.joint_assignment_create(
            actor=request.user,
            person=get_or_404(Person, payload.person_id, "person_id"),
            kind=payload.kind,
            host_team=get_or_404(Team, payload.host_team_id, "host_team_id"),
            description=payload.description,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            via="api",
        ),
    )
