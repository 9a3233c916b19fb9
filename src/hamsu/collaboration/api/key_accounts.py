"""Key accounts: the ranking by segment and the account plans."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from hamsu.collaboration import selectors, services
from hamsu.collaboration.api.common import Title, router
from hamsu.collaboration.models import (
    AccountPlan,
    ActionStatus,
    ParticipationKind,
    PlanItem,
    PlanItemKind,
    PlanStatus,
)
from hamsu.core.api_figures import figure
from hamsu.core.api_kit import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    base_currency_field,
    get_or_404,
    not_found,
    require_perm,
)
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.core.errors import ValidationFailed
from hamsu.crm.models import Account, Contact, Segment
from hamsu.directory.models import Person


class RankedOut(Schema):
    account_id: int
    name: str
    won: Decimal = figure("together.account_revenue")
    pipeline: Decimal = figure("together.account_revenue")
    plan_id: int | None


class SegmentRankingOut(Schema):
    segment_id: int
    segment: str
    accounts: list[RankedOut]
    base_currency: str = base_currency_field()


class KeyAccountPlanIn(Schema):
    account_id: Id
    sales_owner_id: Id
    marketing_owner_id: Id | None = None
    objectives: Annotated[str, Field(max_length=10_000)] = ""
    status: PlanStatus = PlanStatus.ACTIVE


class KeyAccountPlanPatch(Patch):
    for_model = AccountPlan

    sales_owner_id: Id | None = None
    marketing_owner_id: Id | None = None
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
    version: Annotated[int, Field(description=VERSION_DOC)]


class ParticipationOut(Schema):
    id: int
    person_id: int
    kind: str
    occurred_on: datetime.date
    note: str


class KeyAccountPlanOut(Schema):
    id: int
    account_id: int
    objectives: str
    sales_owner_id: int
    marketing_owner_id: int | None
    status: str
    stakeholders: list[StakeholderOut]
    items: list[PlanItemOut]
    participations: list[ParticipationOut]
    version: Annotated[int, Field(description=VERSION_DOC)]

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
    owner_id: Id | None = None
    due_on: datetime.date | None = None


class PlanItemPatch(Patch):
    for_model = PlanItem

    status: ActionStatus | None = None


class StakeholderIn(Schema):
    name: Annotated[str, Field(max_length=160)] = ""
    title: Annotated[str, Field(max_length=160)] = ""
    stance: Annotated[str, Field(max_length=80)] = ""
    contact_id: Id | None = None


class ParticipationIn(Schema):
    person_id: Id
    kind: ParticipationKind
    occurred_on: datetime.date | None = None
    note: Annotated[str, Field(max_length=300)] = ""


def _plan(request, plan_id: Id) -> AccountPlan:
    plan = selectors.plan_detail(user=request.user, pk=plan_id)
    if plan is None:
        raise not_found(AccountPlan, plan_id, "plan")
    return plan


@router.get("/key-accounts", response={200: list[SegmentRankingOut], **ERRORS})
def key_accounts(
    request,
    per_segment: Annotated[int, Field(ge=1, le=50)] = 10,
    segment: Annotated[Id | None, Field(description="Only this segment's ranking")] = None,
):
    """The top accounts of each segment (or of one) by won revenue, then open pipeline."""
    require_perm(request, "collaboration.view_accountplan")
    chosen = None
    if segment is not None:
        chosen = Segment.objects.filter(pk=segment).first()
        if chosen is None:
            # A filter naming no segment is bad input, not a missing resource.
            raise ValidationFailed(
                _("Please correct the errors below."),
                errors={"segment": [_("No segment with id %(id)s.") % {"id": segment}]},
            )
    ranking = selectors.top_accounts(user=request.user, per_segment=per_segment, segment=chosen)
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


class ParticipationSummaryOut(Schema):
    plans: int = figure("together.plans_with_marketing", "Joint account plans")
    plans_with_marketing: int = figure("together.plans_with_marketing")
    share: float | None = figure("together.plans_with_marketing", "plans_with_marketing / plans")
    participations: int = figure("together.participations")
    by_kind: dict[str, int] = figure("together.participations", "Participations per kind")


@router.get("/key-accounts/participation", response={200: ParticipationSummaryOut, **ERRORS})
def participation_summary(request, since: datetime.date | None = None):
    """Marketing's part in key-account plans (evidence for the diagnostic)."""
    require_perm(request, "collaboration.view_accountplan")
    return selectors.marketing_participation_summary(since=since)


@router.post("/plans", response={201: KeyAccountPlanOut, **ERRORS})
def create_plan(request, payload: KeyAccountPlanIn):
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


@router.get("/plans/{plan_id}", response={200: KeyAccountPlanOut, **ERRORS})
def get_plan(request, response: HttpResponse, plan_id: Id):
    require_perm(request, "collaboration.view_accountplan")
    return with_etag(response, _plan(request, plan_id))


@router.patch("/plans/{plan_id}", response={200: KeyAccountPlanOut, **WRITE_ERRORS})
def update_plan(
    request, response: HttpResponse, plan_id: Id, payload: KeyAccountPlanPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "collaboration.change_accountplan")
    data = payload.dict(exclude_unset=True)
    if "sales_owner_id" in data:
        data["sales_owner"] = get_or_404(Person, data.pop("sales_owner_id"), "sales_owner_id")
    if "marketing_owner_id" in data:
        data["marketing_owner"] = get_or_404(Person, data.pop("marketing_owner_id"), "marketing_owner_id")
    plan = services.account_plan_update(
        plan=_plan(request, plan_id),
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **data,
    )
    return with_etag(response, _plan(request, plan.pk))


@router.post("/plans/{plan_id}/items", response={201: PlanItemOut, **ERRORS})
def add_plan_item(request, plan_id: Id, payload: PlanItemIn):
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


def _plan_item(request, item_id: Id) -> PlanItem:
    item = get_or_404(PlanItem, item_id, "item")
    _plan(request, item.plan_id)  # only on a plan the caller may open
    return item


@router.get("/plan-items/{item_id}", response={200: PlanItemOut, **ERRORS})
def get_plan_item(request, response: HttpResponse, item_id: Id):
    require_perm(request, "collaboration.view_accountplan")
    return with_etag(response, _plan_item(request, item_id))


@router.patch("/plan-items/{item_id}", response={200: PlanItemOut, **WRITE_ERRORS})
def update_plan_item(
    request, response: HttpResponse, item_id: Id, payload: PlanItemPatch, if_match: IfMatch = None
):
    require_perm(request, "collaboration.change_accountplan")
    item = _plan_item(request, item_id)
    item = services.plan_item_update(
        item=item,
        actor=request.user,
        status=payload.status or item.status,  # left out: unchanged
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
    )
    return with_etag(response, item)


@router.post("/plans/{plan_id}/stakeholders", response={201: StakeholderOut, **ERRORS})
def add_stakeholder(request, plan_id: Id, payload: StakeholderIn):
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
def add_participation(request, plan_id: Id, payload: ParticipationIn):
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
