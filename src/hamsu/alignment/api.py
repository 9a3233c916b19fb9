"""API v1 for the alignment diagnostic: the same services and selectors as the pages.

The questionnaire endpoints (``/alignment/survey/{token}``) are public: the invitation
token is the credential, exactly as for the web page.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from hamsu.alignment import moves, report, selectors, services
from hamsu.alignment.advisor import Advice
from hamsu.alignment.models import ActionItem, Assessment, Invitation, Level, RespondentFunction, Round
from hamsu.alignment.statements import STATEMENTS
from hamsu.analytics.diagnostic import Relationship
from hamsu.core.api_figures import figure, stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, Id, Int, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.core.errors import NotFound, ValidationFailed
from hamsu.directory.models import Person

router = Router(tags=["alignment"])
PREFIX = "alignment"

Rating = Annotated[int, Field(ge=1, le=5)]


class StatementOut(Schema):
    key: str
    number: int = stored()
    text: str
    short: str


class RoundIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=160)]
    closes_at: datetime.datetime
    anonymous: bool = True
    min_group_size: Annotated[int, Field(ge=2, le=50)] = 3


class RoundOut(Schema):
    id: int
    name: str
    status: str
    anonymous: bool
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    min_group_size: int = stored()
    n_invited: int = figure("alignment.invitations", default=0)
    n_used: int = figure("alignment.invitations", default=0)
    n_responses: int = figure("alignment.responses", default=0)


class InviteEntryIn(Schema):
    function: RespondentFunction
    level: Level = Level.STAFF
    email: Annotated[str, Field(max_length=254)] = ""
    person_id: Id | None = None


class InvitationsIn(Schema):
    entries: Annotated[list[InviteEntryIn], Field(min_length=1, max_length=1000)]


class InvitationOut(Schema):
    id: int
    function: str
    level: str
    email: str
    used: bool
    link: str | None = Field(None, description="Personal link, returned once for invitations without e-mail.")


class ImportIn(Schema):
    csv: Annotated[str, Field(min_length=1, max_length=2_000_000)]


class AlignmentImportOut(Schema):
    created: int
    warnings: list[str]


class GapOut(Schema):
    statement: str
    gap: float | None = figure("alignment.gap")
    sales_mean: float | None = figure("alignment.gap")
    marketing_mean: float | None = figure("alignment.gap")
    n_sales: int = figure("alignment.responses")
    n_marketing: int = figure("alignment.responses")
    p_value: float | None = figure("alignment.gap")
    flagged: bool


class EvidenceOut(Schema):
    statement: str
    label: str
    measured: bool
    value: str
    level: str | None
    disagreement: str | None


class StatementResultOut(Schema):
    statement: str
    mean: float = figure("alignment.statement_mean")
    by_function: dict[str, float | None] = figure("alignment.statement_mean")


class IntervalOut(Schema):
    low: float = figure("alignment.confidence_interval")
    high: float = figure("alignment.confidence_interval")
    level: float = stored()


class ResultsOut(Schema):
    round_id: int
    n_responses: int = figure("alignment.responses")
    enough: bool
    hidden_until_closed: bool = Field(
        False, description="Anonymous round answered by links: results appear when it closes."
    )
    total: float | None = figure("alignment.total", default=None)
    relationship: str | None = None
    confidence_interval: IntervalOut | None = None
    by_function: dict[str, float | None] = figure("alignment.by_function", default={})
    n_by_function: dict[str, int] = figure("alignment.responses", default={})
    pooled_functions: list[str] = []
    left_out: int = figure(
        "alignment.left_out", "Answers of a group too small to show, left out of every figure.", default=0
    )
    statements: list[StatementResultOut] = []
    gaps: list[GapOut] = []
    evidence: list[EvidenceOut] = []


class TrendPointOut(Schema):
    round_id: int
    name: str
    total: float = figure("alignment.total")
    relationship: str
    by_function: dict[str, float | None] = figure("alignment.by_function")


class SurveyOut(Schema):
    round: str
    closes_at: datetime.datetime
    anonymous: bool
    function: str
    statements: list[StatementOut]
    draft: dict[str, int] = stored()


class AnswersIn(Schema):
    answers: dict[str, Int | str | None] = {}


class SavedOut(Schema):
    answered: int
    remaining: list[str]


class SubmittedOut(Schema):
    status: str


class AssessmentIn(Schema):
    company_size: Assessment.CompanySize
    informal_relations_good: bool = False
    marketing_role: Assessment.MarketingRole
    cycle_length: Assessment.CycleLength
    complexity: Assessment.Complexity
    market: Assessment.Market
    pace: Assessment.Pace


class AssessmentOut(Schema):
    id: int
    recommended: str
    reasons: list[str]
    reason_codes: list[str]
    created_at: datetime.datetime


class MoveOut(Schema):
    key: str
    to: str
    title: str
    why: str
    feature: str
    url: str | None
    status: str
    in_place: bool | None


class ActionItemIn(Schema):
    move: Annotated[str, Field(max_length=40)]
    title: Annotated[str, Field(max_length=200)] = ""
    owner_id: Id
    due_on: datetime.date | None = None
    round_id: Id | None = None


class ActionItemPatch(Patch):
    for_model = ActionItem

    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    owner_id: Id | None = None
    due_on: datetime.date | None = None
    status: ActionItem.Status | None = None


class ActionItemOut(Schema):
    id: int
    move: str
    title: str
    owner_id: int
    due_on: datetime.date | None
    status: str
    round_id: int | None
    version: Annotated[int, Field(description=VERSION_DOC)]


def _statements() -> list[dict]:
    return [
        {"key": s.key, "number": s.number, "text": str(s.text), "short": str(s.short)} for s in STATEMENTS
    ]


def _round(pk: Id) -> Round:
    round_ = selectors.round_get(pk)
    if round_ is None:
        raise NotFound(_("Round not found"), errors={"round": [_("No round with id %(id)s.") % {"id": pk}]})
    return round_


def _person(pk: Id | None, field: str) -> Person | None:
    if pk is None:
        return None
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise NotFound(_("Person not found"), errors={field: [_("No person with id %(id)s.") % {"id": pk}]})
    return person


# ---------------------------------------------------------------- instrument and rounds


@router.get("/statements", response={200: list[StatementOut]}, auth=None)
def list_statements(request):
    return _statements()


@router.get("/rounds", response={200: list[RoundOut], **ERRORS})
def list_rounds(request):
    require_perm(request, "alignment.view_round")
    return list(selectors.round_list()[:200])


@router.post("/rounds", response={201: RoundOut, **ERRORS})
def create_round(request, payload: RoundIn):
    require_perm(request, "alignment.add_round")
    round_ = services.round_create(actor=request.user, via="api", **payload.dict())
    return Status(201, selectors.round_get(round_.pk))


@router.get("/rounds/{round_id}", response={200: RoundOut, **ERRORS})
def get_round(request, round_id: Id):
    require_perm(request, "alignment.view_round")
    return _round(round_id)


@router.post("/rounds/{round_id}/close", response={200: RoundOut, **ERRORS})
def close_round(request, round_id: Id):
    require_perm(request, "alignment.change_round")
    services.round_close(round=_round(round_id), actor=request.user, via="api")
    return _round(round_id)


@router.post("/rounds/{round_id}/invitations", response={201: list[InvitationOut], **ERRORS})
def invite(request, round_id: Id, payload: InvitationsIn):
    require_perm(request, "alignment.change_round")
    round_ = _round(round_id)
    entries = [
        services.InviteEntry(
            function=e.function,
            level=e.level,
            email=e.email,
            person=_person(e.person_id, f"entries.{n}.person_id"),
        )
        for n, e in enumerate(payload.entries, start=1)
    ]
    issued = services.invitations_create(
        round=round_, actor=request.user, entries=entries, base_url=request.build_absolute_uri("/"), via="api"
    )
    from hamsu.alignment.emails import survey_url

    return Status(
        201,
        [
            {
                "id": i.invitation.pk,
                "function": i.invitation.function,
                "level": i.invitation.level,
                "email": i.invitation.email,
                "used": False,
                "link": survey_url(i.token, request.build_absolute_uri("/")) if i.token else None,
            }
            for i in issued
        ],
    )


class LinkOut(Schema):
    invitation_id: int
    link: str


@router.post("/invitations/{invitation_id}/link", response={201: LinkOut, **ERRORS})
def new_link(request, invitation_id: Id):
    """A new personal link for an unanswered invitation; the previous link stops working."""
    require_perm(request, "alignment.change_round")
    invitation = Invitation.objects.select_related("round").filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFound(
            _("Invitation not found"),
            errors={"invitation": [_("No invitation with id %(id)s.") % {"id": invitation_id}]},
        )
    services.round_check_open(invitation.round)
    token = services.invitation_issue_link(invitation=invitation, actor=request.user, via="api")
    from hamsu.alignment.emails import survey_url

    return Status(
        201, {"invitation_id": invitation.pk, "link": survey_url(token, request.build_absolute_uri("/"))}
    )


@router.post("/rounds/{round_id}/reminders", response={202: dict, **ERRORS})
def remind(request, round_id: Id):
    require_perm(request, "alignment.change_round")
    queued = services.reminders_queue(round=_round(round_id), base_url=request.build_absolute_uri("/"))
    return Status(202, {"queued": queued})


@router.post("/rounds/{round_id}/import", response={201: AlignmentImportOut, **ERRORS})
def import_responses(request, round_id: Id, payload: ImportIn):
    require_perm(request, "alignment.change_round")
    report = services.responses_import(
        round=_round(round_id), actor=request.user, text=payload.csv, via="api"
    )
    if not report.ok:
        errors: dict[str, list[str]] = {}
        for e in report.errors:
            key = (
                ".".join(str(p) for p in (f"line {e['line']}" if e["line"] else "", e["field"]) if p) or "csv"
            )
            errors.setdefault(key, []).append(e["message"])
        raise ValidationFailed(_("Nothing was imported: fix these rows and try again."), errors=errors)
    return Status(201, {"created": report.created, "warnings": report.warnings})


@router.get("/rounds/{round_id}/results", response={200: ResultsOut, **ERRORS})
def results(request, round_id: Id):
    require_perm(request, "alignment.view_round")
    res = selectors.round_results(_round(round_id))
    out = {
        "round_id": round_id,
        "n_responses": res.n_responses,
        "enough": res.enough,
        "hidden_until_closed": res.hidden_until_closed,
    }
    r = res.result
    if r is None:
        return out
    ci = r.confidence_interval
    out.update(
        total=r.total,
        relationship=r.relationship.value,
        confidence_interval=None if ci is None else {"low": ci.low, "high": ci.high, "level": ci.level},
        by_function={f: r.by_function.get(f) for f in res.functions},
        n_by_function={f: r.n_by_function.get(f, 0) for f in res.functions},
        pooled_functions=res.pooled,
        left_out=res.left_out,
        statements=[
            {
                "statement": row.statement.key,
                "mean": row.mean,
                "by_function": dict(zip(res.functions, row.by_function, strict=True)),
            }
            for row in res.rows
        ],
        gaps=[
            {
                "statement": g.statement,
                "gap": g.gap,
                "sales_mean": g.mean_a,
                "marketing_mean": g.mean_b,
                "n_sales": g.n_a,
                "n_marketing": g.n_b,
                "p_value": g.p_value,
                "flagged": g.large_and_meaningful,
            }
            for g in r.gaps.values()
        ],
        evidence=[
            {
                "statement": row.statement.key,
                "label": str(row.indicator.label),
                "measured": row.indicator.measured,
                "value": str(row.indicator.value),
                "level": row.indicator.level,
                "disagreement": row.disagreement,
            }
            for row in res.rows
            if row.indicator
        ],
    )
    return out


@router.get(
    "/rounds/{round_id}/report.pdf",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "The round's report as a PDF, the same as the page's Download PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def report_pdf(request, round_id: Id, lang: Literal["en", "fa"] | None = None):
    require_perm(request, "alignment.view_round")
    from hamsu.alignment import pdf  # fpdf2 costs ~0.8 s to import: only when a PDF is asked for

    return pdf.download(_round(round_id), report.report_language(lang))


@router.get("/trend", response={200: list[TrendPointOut], **ERRORS})
def trend(request):
    require_perm(request, "alignment.view_round")
    points, _deltas = selectors.round_trend()
    return [
        {
            "round_id": p.round.pk,
            "name": p.round.name,
            "total": p.result.total,
            "relationship": p.result.relationship.value,
            "by_function": p.result.by_function,
        }
        for p in points
    ]


# ---------------------------------------------------------------- the questionnaire (public)


@router.get("/survey/{token}", response={200: SurveyOut, **ERRORS}, auth=None)
def survey_get(request, token: str):
    invitation = services.invitation_for_token(token)
    services.round_check_open(invitation.round)
    return {
        "round": invitation.round.name,
        "closes_at": invitation.round.closes_at,
        "anonymous": invitation.round.anonymous,
        "function": invitation.function,
        "statements": _statements(),
        "draft": invitation.draft,
    }


@router.put("/survey/{token}", response={200: SavedOut, **ERRORS}, auth=None)
def survey_save(request, token: str, payload: AnswersIn):
    invitation = services.survey_save(token=token, answers=payload.answers)
    return {
        "answered": len(invitation.draft),
        "remaining": [s.key for s in STATEMENTS if s.key not in invitation.draft],
    }


@router.post("/survey/{token}/submit", response={201: SubmittedOut, **ERRORS}, auth=None)
def survey_submit(request, token: str, payload: AnswersIn):
    services.survey_submit(token=token, answers=payload.answers)
    return Status(201, {"status": "received"})


# ---------------------------------------------------------------- advisor, moves, action items


@router.post("/assessments", response={201: AssessmentOut, **ERRORS})
def create_assessment(request, payload: AssessmentIn):
    require_perm(request, "alignment.add_assessment")
    current, _round_ = selectors.current_relationship()
    a = services.assessment_create(
        actor=request.user, via="api", current=current.value if current else None, **payload.dict()
    )
    advice = Advice(Relationship(a.recommended), list(a.reasons))
    return Status(
        201,
        {
            "id": a.pk,
            "recommended": a.recommended,
            "reasons": advice.reasons,
            "reason_codes": a.reasons,
            "created_at": a.created_at,
        },
    )


@router.get("/moves", response={200: list[MoveOut], **ERRORS})
def list_moves(request, target: Relationship | None = None):
    require_perm(request, "alignment.view_actionitem")
    current, _round_ = selectors.current_relationship()
    if target is None:
        assessment = selectors.latest_assessment()
        if assessment is None:
            raise ValidationFailed(
                _("No target"), errors={"target": [_("Give a target or answer the advisor first.")]}
            )
        target = Relationship(assessment.recommended)
    return [
        {
            "key": m.move.key,
            "to": m.move.to.value,
            "title": str(m.move.title),
            "why": str(m.move.why),
            "feature": str(m.move.feature),
            "url": m.url,
            "status": m.status.text,
            "in_place": m.status.in_place,
        }
        for m in moves.moves_between(current or Relationship.UNDEFINED, target, user=request.user)
    ]


@router.get("/action-items", response={200: list[ActionItemOut], **ERRORS})
def list_action_items(request, status: ActionItem.Status | None = None):
    require_perm(request, "alignment.view_actionitem")
    return list(selectors.action_items(status=status or "")[:500])


@router.post("/action-items", response={201: ActionItemOut, **ERRORS})
def create_action_item(request, payload: ActionItemIn):
    require_perm(request, "alignment.add_actionitem")
    round_ = _round(payload.round_id) if payload.round_id else None
    item = services.action_item_create(
        actor=request.user,
        move=payload.move,
        title=payload.title,
        owner=_person(payload.owner_id, "owner_id"),
        due_on=payload.due_on,
        round=round_,
        via="api",
    )
    return Status(201, item)


@router.get("/action-items/{item_id}", response={200: ActionItemOut, **ERRORS})
def get_action_item(request, response: HttpResponse, item_id: Id):
    require_perm(request, "alignment.view_actionitem")
    return with_etag(response, get_object_or_404(ActionItem, pk=item_id))


@router.patch("/action-items/{item_id}", response={200: ActionItemOut, **WRITE_ERRORS})
def update_action_item(
    request, response: HttpResponse, item_id: Id, payload: ActionItemPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "alignment.change_actionitem")
    item = get_object_or_404(ActionItem, pk=item_id)
    data = payload.dict(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = _person(data.pop("owner_id"), "owner_id")
    item = services.action_item_update(
        item=item,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **data,
    )
    return with_etag(response, item)
