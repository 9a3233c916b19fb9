"""Reads for the CRM: lists, the pipeline board, timelines. Visibility is applied here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import chain

from django.db.models import Count, QuerySet, Sum
from django.utils.functional import Promise

from hamsu.core.pagination import Page, keyset_page
from hamsu.core.search import filter_words
from hamsu.crm import search
from hamsu.crm.models import Account, Activity, Contact, Opportunity, PipelineTotal, StageEvent
from hamsu.crm.selectors_tasks import HAPPENED
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.directory.visibility import visible

OPPORTUNITY_SORTS = {
    "created": "created_at",
    "amount": "amount_base",
    "close": "expected_close",
    "name": "name",
}
ACCOUNT_SORTS = {"name": "name", "created": "created_at"}
CONTACT_SORTS = {"name": "last_name", "created": "created_at"}
# The columns a list's search box reads (each word typed must be in one of them).
ACCOUNT_SEARCHED = ("name", "domain")
CONTACT_SEARCHED = ("first_name", "last_name", "email", "account__name")
# Enough cards to act on at a glance; the column links to the full, filtered list.
BOARD_CARDS_PER_STAGE = 12
CENT = Decimal("0.01")


@dataclass(frozen=True)
class OpportunityFilters:
    q: str = ""
    stage: str = ""
    owner: int | None = None
    team: int | None = None
    segment: int | None = None
    source: str = ""
    account: int | None = None
    open_only: bool = False


def opportunities_visible(user) -> QuerySet[Opportunity]:
    return visible(Opportunity.objects.all(), user)


def _filter_opportunities(qs: QuerySet[Opportunity], f: OpportunityFilters) -> QuerySet[Opportunity]:
    if f.q:
        qs = search.filter_by_name(qs, f.q)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.open_only:
        qs = qs.filter(stage__in=OPEN_STAGES)
    for field in ("owner", "team", "segment", "account"):
        value = getattr(f, field)
        if value:
            qs = qs.filter(**{f"{field}_id": value})
    if f.source:
        qs = qs.filter(source=f.source)
    return qs


def opportunity_list(
    *, user, filters: OpportunityFilters, sort: str = "-created", cursor: str | None = None, limit: int = 50
) -> Page:
    qs = _filter_opportunities(opportunities_visible(user), filters).select_related("account", "owner")
    return keyset_page(qs, sort=sort, allowed=OPPORTUNITY_SORTS, cursor=cursor, limit=limit)


def opportunity_export_rows(*, user, filters: OpportunityFilters):
    """Every visible opportunity matching the filters, streamed for export."""
    qs = _filter_opportunities(opportunities_visible(user), filters)
    return (
        qs.order_by("id")
        .values_list(
            "id",
            "name",
            "account__name",
            "owner__full_name",
            "stage",
            "amount",
            "currency",
            "amount_base",
            "gross_profit",
            "probability",
            "expected_close",
            "source",
            "created_at",
        )
        .iterator(chunk_size=5000)
    )


@dataclass
class BoardColumn:
    stage: str
    label: Promise  # the stage's name in the reader's language
    count: int
    total: Decimal
    cards: list[Opportunity]


def pipeline_board(*, user, filters: OpportunityFilters) -> list[BoardColumn]:
    """Open stages with their count, total and largest deals — one totals query + one per stage."""
    base = _filter_opportunities(opportunities_visible(user), filters)
    totals = _stage_totals(user=user, filters=filters, base=base)
    columns = []
    for stage in OPEN_STAGES:
        cards = list(
            base.filter(stage=stage)
            .select_related("account", "owner")
            .order_by("-amount_base", "-id")[:BOARD_CARDS_PER_STAGE]
        )
        count, total = totals.get(stage.value, (0, Decimal("0")))
        columns.append(
            BoardColumn(stage=stage.value, label=Stage(stage).label, count=count, total=total, cards=cards)
        )
    return columns


def _stage_totals(*, user, filters: OpportunityFilters, base) -> dict[str, tuple[int, Decimal]]:
    """Count and value of open deals per stage under the board's filters and visibility.

    Filters on the totals' dimensions (and visibility, which is by owner and team) read
    the trigger-kept totals; a name search or an account narrows the deals themselves, so
    those sum the deals directly.
    """
    if filters.q or filters.account:
        rows = (
            base.filter(stage__in=OPEN_STAGES)
            .values_list("stage")
            .annotate(n=Count("id"), total=Sum("amount_base"))
        )
    else:
        qs = visible(PipelineTotal.objects.filter(stage__in=OPEN_STAGES), user, team_field="team_key")
        if filters.stage:
            qs = qs.filter(stage=filters.stage)
        for field, column in (("owner", "owner_id"), ("team", "team_key"), ("segment", "segment_key")):
            if value := getattr(filters, field):
                qs = qs.filter(**{column: value})
        if filters.source:
            qs = qs.filter(source=filters.source)
        rows = qs.values_list("stage").annotate(n=Sum("n"), total=Sum("total"))
    return {stage: (n or 0, Decimal(total or 0).quantize(CENT)) for stage, n, total in rows}


def opportunity_detail(*, user, pk: int) -> Opportunity | None:
    return (
        opportunities_visible(user)
        .select_related("account", "owner", "team", "product", "segment")
        .filter(pk=pk)
        .first()
    )


def opportunity_timeline(opportunity: Opportunity, limit: int = 100) -> list[dict]:
    """Activities and stage events of a deal, newest first, as one list."""
    activities = (
        opportunity.activities.filter(HAPPENED).select_related("owner").order_by("-occurred_at")[:limit]
    )
    events = opportunity.stage_events.select_related("actor").order_by("-at", "-id")[:limit]
    merged = chain(
        ({"kind": "activity", "at": a.occurred_at, "item": a} for a in activities),
        ({"kind": "stage", "at": e.at, "item": e} for e in events),
    )
    return sorted(merged, key=lambda row: row["at"], reverse=True)[:limit]


def account_timeline(account: Account, limit: int = 100) -> list[dict]:
    activities = (
        account.activities.filter(HAPPENED)
        .select_related("owner", "opportunity")
        .order_by("-occurred_at")[:limit]
    )
    events = (
        StageEvent.objects.filter(opportunity__account=account)
        .select_related("actor", "opportunity")
        .order_by("-at", "-id")[:limit]
    )
    merged = chain(
        ({"kind": "activity", "at": a.occurred_at, "item": a} for a in activities),
        ({"kind": "stage", "at": e.at, "item": e} for e in events),
    )
    return sorted(merged, key=lambda row: row["at"], reverse=True)[:limit]


def account_list(
    *,
    user,
    q: str = "",
    segment: int | None = None,
    sort: str = "name",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    qs = visible(Account.objects.all(), user).select_related("segment", "owner")
    if q:
        qs = filter_words(qs, q, ACCOUNT_SEARCHED)
    if segment:
        qs = qs.filter(segment_id=segment)
    return keyset_page(qs, sort=sort, allowed=ACCOUNT_SORTS, cursor=cursor, limit=limit)


def account_detail(*, user, pk: int) -> Account | None:
    return visible(Account.objects.select_related("segment", "owner", "parent"), user).filter(pk=pk).first()


def contact_list(
    *,
    user,
    q: str = "",
    account: int | None = None,
    sort: str = "name",
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    qs = visible(Contact.objects.all(), user).select_related("account", "owner")
    if q:
        qs = filter_words(qs, q, CONTACT_SEARCHED)
    if account:
        qs = qs.filter(account_id=account)
    return keyset_page(qs, sort=sort, allowed=CONTACT_SORTS, cursor=cursor, limit=limit)


def contact_detail(*, user, pk: int) -> Contact | None:
    return visible(Contact.objects.select_related("account", "owner"), user).filter(pk=pk).first()


def activity_list(
    *,
    user,
    opportunity: int | None = None,
    account: int | None = None,
    contact: int | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page:
    qs = visible(Activity.objects.all(), user).select_related("owner")
    for field, value in (("opportunity", opportunity), ("account", account), ("contact", contact)):
        if value:
            qs = qs.filter(**{f"{field}_id": value})
    return keyset_page(qs, sort="-occurred", allowed={"occurred": "occurred_at"}, cursor=cursor, limit=limit)
