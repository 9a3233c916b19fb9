"""Field feedback from sales and marketing's digests of it."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Field, Schema, Status

from hamsu.collaboration import selectors, services
from hamsu.collaboration.api.common import NoteOut, Text, router
from hamsu.collaboration.models import DealOutcome, FeedbackDigest, FeedbackTheme, ThemeStatus
from hamsu.core.api_figures import figure
from hamsu.core.api_kit import ERRORS, Id, get_or_404, not_found, require_perm
from hamsu.crm.models import Account, Opportunity
from hamsu.directory.visibility import person_of


class FeedbackIn(Schema):
    account_id: Id | None = None
    opportunity_id: Id | None = None
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
    size: int = figure("together.theme_size")
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
    note_count: int = figure("together.digest_notes")
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
def get_digest(request, digest_id: Id):
    require_perm(request, "collaboration.view_feedbackdigest")
    digest, themes, _examples = selectors.digest_detail(digest_id)
    if digest is None:
        raise not_found(FeedbackDigest, digest_id, "digest_id")
    return {**DigestOut.from_orm(digest).dict(), "themes": themes}


@router.post("/themes/{theme_id}/act", response={200: ThemeOut, **ERRORS})
def act_on_theme(request, theme_id: Id, payload: ThemeActIn):
    require_perm(request, "collaboration.change_feedbacktheme")
    theme = get_or_404(FeedbackTheme, theme_id, "theme")
    return services.feedback_theme_act(
        theme=theme, actor=request.user, status=payload.status, action_taken=payload.action_taken, via="api"
    )
