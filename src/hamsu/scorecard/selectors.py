"""Reads for the scorecard. Dashboards read the aggregate tables, never the deal tables.

``Filters`` narrows every figure to a period and optionally a team, segment, product,
seller and source, in any combination: the funnel tables carry every dimension but the
seller, the per-seller table carries every dimension with the seller. A figure whose
records have no such split (costs, lead stages, targets of a combination) says it is not
measured for the filters rather than showing the whole company's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from hamsu.core import spend
from hamsu.core.company import company_settings
from hamsu.core.roles import SEES_EVERYTHING, SEES_TEAM, roles_of
from hamsu.crm.models import Segment
from hamsu.directory.visibility import person_of
from hamsu.scorecard.aggregates import MEASURES, SALES_ORDER
from hamsu.scorecard.models import (
    CostEntry,
    ForecastCall,
    ForecastLine,
    ForecastMethod,
    ForecastSnapshot,
    FunnelMonthRollup,
    FunnelMonthStat,
    FunnelPlan,
    LeadMonthStat,
    OpenPipelineStat,
    SellerMonthStat,
    Target,
    TargetScope,
    WonCycle,
)
from hamsu.scorecard.periods import QUARTER, Period, period_containing

ZERO = Decimal("0")


@dataclass(frozen=True)
class Filters:
    period: Period
    team: int | None = None
    segment: int | None = None
    product: int | None = None
    owner: int | None = None
    source: str = ""
    influenced: bool | None = None  # only deals a marketing campaign touched (aggregate tables only)

    @property
    def by_seller(self) -> bool:
        return self.owner is not None

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the period narrows the figures (the whole company if not)."""
        return any(
            getattr(self, name) not in (None, "")
            for name in ("team", "segment", "product", "owner", "source")
        )

    def crm_query(self, **extra) -> str:
        """The same filters as a /crm/opportunities/ query string (for drill-down links)."""
        from urllib.parse import urlencode

        params = {
            "team": self.team,
            "segment": self.segment,
            "owner": self.owner,
            "source": self.source,
            **extra,
        }
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def current_period(kind: str = QUARTER, today: datetime.date | None = None) -> Period:
    return period_containing(today or timezone.localdate(), kind, company_settings().fiscal_calendar)


# ---------------------------------------------------------------- who may see whose figures


def restrict_filters(user, filters: Filters) -> Filters:
    """Sellers see their own figures, managers and liaisons their team's, heads everything.

    Mirrors record visibility: an aggregate must not leak what the rows behind it hide.
    """
    from hamsu.core.models import Visibility

    roles = roles_of(user)
    if user.is_superuser or roles & SEES_EVERYTHING:
        return filters
    mode = company_settings().visibility
    if mode == Visibility.EVERYONE:
        return filters
    person = person_of(user)
    if person is None:
        return replace(filters, owner=-1)
    if mode == Visibility.TEAM or roles & SEES_TEAM:
        teams = person.visible_team_ids()
        if filters.owner == person.pk or (filters.team in teams):
            return filters
        return replace(filters, team=teams[0] if teams else None, owner=None if teams else person.pk)
    # The seller's own figures, still narrowed by whatever else was asked for.
    return replace(filters, owner=person.pk)


# ---------------------------------------------------------------- stage totals


def _stat_rows(filters: Filters, months: list[datetime.date]):
    qs: QuerySet[SellerMonthStat] | QuerySet[FunnelMonthStat] | QuerySet[FunnelMonthRollup]
    if filters.owner is not None:  # by seller
        qs = SellerMonthStat.objects.filter(month__in=months, owner_id=filters.owner)
    else:
        # Products live only in the full table; everything else reads the roll-up, which
        # holds a fraction of its rows (see FunnelMonthRollup).
        model = FunnelMonthStat if filters.product else FunnelMonthRollup
        qs = model.objects.filter(month__in=months)
    for name in ("team", "segment", "product"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.influenced is not None:
        qs = qs.filter(influenced=filters.influenced)
    return qs


def stage_totals(filters: Filters, months: list[datetime.date] | None = None) -> dict[str, dict]:
    """Per stage, the sum of every measure over the period's months (one grouped query)."""
    months = months if months is not None else filters.period.months()
    rows = _stat_rows(filters, months).values("stage").annotate(**{m: Sum(m) for m in MEASURES})
    out = {stage: dict.fromkeys(MEASURES, 0) for stage in [*SALES_ORDER, "lost"]}
    for row in rows:
        out[row["stage"]] = {m: row[m] or 0 for m in MEASURES}
    return out


def monthly_series(filters: Filters, months: list[datetime.date], stages: list[str]) -> dict[tuple, dict]:
    """(month, stage) → measures, for trend charts."""
    rows = (
        _stat_rows(filters, months)
        .filter(stage__in=stages)
        .values("month", "stage")
        .annotate(**{m: Sum(m) for m in MEASURES})
    )
    return {(row["month"], row["stage"]): row for row in rows}


def product_won(filters: Filters) -> dict[int | None, Decimal]:
    """Won revenue per product in the period (for the new-offerings share)."""
    model = SellerMonthStat if filters.by_seller else FunnelMonthStat
    qs = model.objects.filter(month__in=filters.period.months(), stage="won")
    for name in ("team", "segment", "product", "owner"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    rows = qs.values("product_id").annotate(total=Sum("reached_amount"))
    return {row["product_id"]: row["total"] or ZERO for row in rows}


def won_cycles(filters: Filters, months: list[datetime.date] | None = None):
    """The first wins in the period's months (or ``months``) that the filters select."""
    qs = WonCycle.objects.filter(month__in=months if months is not None else filters.period.months())
    for name in ("team", "segment", "product", "owner"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.influenced is not None:
        qs = qs.filter(influenced=filters.influenced)
    return qs


def median_cycle_seconds(filters: Filters, months: list[datetime.date] | None = None) -> float | None:
    """The median sales cycle of the deals won in the period (None: none won).

    The database sorts; only the one or two middle rows are read.
    """
    qs = won_cycles(filters, months)
    n = qs.count()
    if not n:
        return None
    middle = list(
        qs.order_by("cycle_seconds").values_list("cycle_seconds", flat=True)[(n - 1) // 2 : n // 2 + 1]
    )
    return sum(middle) / len(middle)


def open_pipeline(filters: Filters) -> dict[str, dict]:
    """The open pipeline now, per stage: deals and value."""
    qs = OpenPipelineStat.objects.all()
    for name in ("team", "segment", "product", "owner"):
        value = getattr(filters, name)
        if value:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    rows = qs.values("stage").annotate(deals=Sum("deals"), amount=Sum("amount"))
    return {row["stage"]: {"deals": row["deals"] or 0, "amount": row["amount"] or ZERO} for row in rows}


def lead_totals(months: list[datetime.date]) -> dict[str, dict]:
    rows = (
        LeadMonthStat.objects.filter(month__in=months)
        .values("stage")
        .annotate(
            reached=Sum("reached"),
            exits=Sum("exits"),
            exit_seconds=Sum("exit_seconds"),
            cohort_reached=Sum("cohort_reached"),
        )
    )
    return {row["stage"]: row for row in rows}


def leads_measured() -> bool:
    """Lead-stage figures exist only once the funnel app writes lead stage events."""
    return LeadMonthStat.objects.exists()


def ledger_total(
    start: datetime.date | None, end: datetime.date | None, function: str | None
) -> Decimal | None:
    """The cost ledger's entries with their month in ``[start, end]`` (None: none at all)."""
    qs = CostEntry.objects.order_by()
    if start:
        qs = qs.filter(month__gte=start)
    if end:
        qs = qs.filter(month__lte=end)
    if not qs.exists():
        return None
    if function:
        qs = qs.filter(function=function)
    return qs.aggregate(total=Sum("amount_base"))["total"] or ZERO


def costs(
    period: Period, *, function: str | None = None, category: str | None = None, segments=None
) -> Decimal | None:
    """Spend in the period (None when nothing at all was recorded: not measured).

    Without a category or segment this is ``hamsu.core.spend``: the cost ledger plus
    campaign spend, which is marketing's — the same "marketing spend" the closed loop
    shows. A category or segment narrows to the cost ledger, whose entries carry them.
    """
    if category is None and segments is None:
        return spend.total(start=period.start, end=period.end, function=function)
    qs = CostEntry.objects.filter(month__gte=period.start, month__lte=period.end)
    if not qs.exists():
        return None
    if function:
        qs = qs.filter(function=function)
    if category:
        qs = qs.filter(category=category)
    if segments is not None:
        qs = qs.filter(segment_id__in=segments)
    return qs.aggregate(total=Sum("amount_base"))["total"] or ZERO


# ---------------------------------------------------------------- targets


def _scope_filter(filters: Filters) -> Q | None:
    """The one target scope the filters name; None for a combination or a source, which no
    target is set for (a team's target is not its target within one segment)."""
    named = [name for name in ("owner", "team", "segment", "product") if getattr(filters, name) is not None]
    if len(named) > 1 or filters.source:
        return None
    if filters.owner:
        return Q(scope=TargetScope.SELLER, person_id=filters.owner)
    if filters.team:
        return Q(scope=TargetScope.TEAM, team_id=filters.team)
    if filters.segment:
        return Q(scope=TargetScope.SEGMENT, segment_id=filters.segment)
    if filters.product:
        return Q(scope=TargetScope.PRODUCT, product_id=filters.product)
    return Q(scope=TargetScope.COMPANY)


def target_for(filters: Filters) -> Decimal | None:
    """The target for the filters' scope and period.

    An exact period match wins; otherwise the targets of shorter periods that lie inside
    it are summed (four quarterly numbers make the year). None when nothing was set.
    """
    period = filters.period
    scope = _scope_filter(filters)
    if scope is None:
        return None
    base = Target.objects.filter(scope, calendar=period.calendar)
    exact = base.filter(period_key=period.key).values_list("amount", flat=True).first()
    if exact is not None:
        return exact
    inside = base.filter(period_start__gte=period.start, period_end__lte=period.end).exclude(
        period_kind=period.kind
    )
    kinds = list(inside.values_list("period_kind", flat=True).distinct())
    if not kinds:
        return None
    # Use one granularity only (quarters if set, else months), so nothing is counted twice.
    kind = "quarter" if "quarter" in kinds else "month"
    return inside.filter(period_kind=kind).aggregate(total=Sum("amount"))["total"]


def target_list(*, period: Period | None = None, scope: str = "") -> list[Target]:
    qs = Target.objects.select_related("team", "segment", "product", "person")
    if period is not None:
        qs = qs.filter(calendar=period.calendar, period_key=period.key)
    if scope:
        qs = qs.filter(scope=scope)
    return list(qs.order_by("-period_start", "scope", "id")[:500])


# ---------------------------------------------------------------- plans, calls, snapshots


def plan_list(*, period: Period | None = None) -> list[FunnelPlan]:
    qs = FunnelPlan.objects.select_related("sales_signed_by", "marketing_signed_by", "created_by")
    if period is not None:
        qs = qs.filter(calendar=period.calendar, period_key=period.key)
    return list(qs[:200])


def calls_visible_to(user, calls):
    """The ``calls`` (a ForecastCall queryset) ``user`` may see: their own, those of the
    sellers in the teams they manage, or all of them (heads, the revenue leader, admins).

    A call is a seller's own judgement of their quarter, so it is not a record that
    company-wide visibility opens up: a teammate or a liaison never sees it, under any
    visibility setting (docs/permissions-scorecard.md). Page, export and API all read
    calls through this one rule."""
    roles = roles_of(user)
    if user.is_superuser or roles & SEES_EVERYTHING:
        return calls
    person = person_of(user)
    if person is None:
        return calls.none()
    return calls.filter(Q(person=person) | Q(team__manager=person))


def sees_every_call(user, calls: list[ForecastCall]) -> bool:
    """Whether ``user`` may see each of ``calls`` (``calls_visible_to``). A sum of calls is
    shown only then: filtered by one seller, or by a team of one, a total is that seller's
    call, which a teammate may not see under any record visibility."""
    if user.is_superuser or roles_of(user) & SEES_EVERYTHING:
        return True
    ids = {call.pk for call in calls}
    return calls_visible_to(user, ForecastCall.objects.filter(pk__in=ids)).count() == len(ids)


def call_list(*, user, period: Period) -> list[ForecastCall]:
    """The period's calls the user may see (``calls_visible_to``)."""
    qs = ForecastCall.objects.filter(calendar=period.calendar, period_key=period.key).select_related(
        "person", "team", "override_by"
    )
    return list(calls_visible_to(user, qs))


@dataclass
class CallTotals:
    commit: Decimal = ZERO
    best_case: Decimal = ZERO
    seller_commit: Decimal = ZERO
    seller_best_case: Decimal = ZERO
    sellers: int = 0
    overridden: int = 0
    by_team: dict = field(default_factory=dict)


def call_totals(calls: list[ForecastCall]) -> CallTotals:
    totals = CallTotals()
    for call in calls:
        totals.commit += call.effective_commit
        totals.best_case += call.effective_best_case
        totals.seller_commit += call.commit
        totals.seller_best_case += call.best_case
        totals.sellers += 1
        totals.overridden += call.override_by_id is not None
        team = totals.by_team.setdefault(call.team_id, {"commit": ZERO, "best_case": ZERO})
        team["commit"] += call.effective_commit
        team["best_case"] += call.effective_best_case
    return totals


def latest_snapshots(period: Period, *, scope: str = "company") -> dict[str, ForecastSnapshot]:
    """The newest snapshot of each method for the period."""
    qs = ForecastSnapshot.objects.filter(calendar=period.calendar, period_key=period.key, scope=scope)
    latest = qs.order_by("-taken_on").values_list("taken_on", flat=True).first()
    if latest is None:
        return {}
    return {s.method: s for s in qs.filter(taken_on=latest)}


def snapshot_history(period: Period, *, scope: str = "company") -> list[ForecastSnapshot]:
    return list(
        ForecastSnapshot.objects.filter(
            calendar=period.calendar, period_key=period.key, scope=scope
        ).order_by("taken_on", "method")
    )


@dataclass
class ForecastView:
    """The learned forecast of one period for one set of filters, as of ``taken_on``.

    ``figures`` follows every filter: with none it is the company's stored snapshot, with
    any it is the same model summed and simulated over the filtered deals' lines.
    """

    taken_on: datetime.date
    figures: object  # hamsu.scorecard.forecasts.Figures
    whole_company: bool


def _latest_taken_on(period: Period) -> datetime.date | None:
    return (
        ForecastSnapshot.objects.filter(calendar=period.calendar, period_key=period.key, scope="company")
        .order_by("-taken_on")
        .values_list("taken_on", flat=True)
        .first()
    )


def forecast_lines(filters: Filters, taken_on: datetime.date):
    """The deal lines of the period's forecast taken on ``taken_on`` that the filters select."""
    qs = ForecastLine.objects.filter(
        calendar=filters.period.calendar, period_key=filters.period.key, taken_on=taken_on
    )
    for name in ("team", "segment", "product", "owner"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if filters.source:
        qs = qs.filter(source=filters.source)
    return qs


def forecast_view(filters: Filters) -> ForecastView | None:
    """The learned forecast for the filters (None: no snapshot of the period, or — when
    narrowed — none that kept its deal lines yet)."""
    import polars as pl
    from django.db.models import F, FloatField

    from hamsu.scorecard import forecasts

    taken_on = _latest_taken_on(filters.period)
    if taken_on is None:
        return None
    if not filters.narrowed:
        snaps = latest_snapshots(filters.period)
        learned = snaps.get(ForecastMethod.WEIGHTED_LEARNED)
        median = snaps.get(ForecastMethod.MONTE_CARLO)
        default = snaps.get(ForecastMethod.WEIGHTED_DEFAULT)
        # (A snapshot stores its P10 and P90 together, or neither.)
        if learned is not None and median is not None and learned.p10 is not None and learned.p90 is not None:
            parts = dict(
                forecast_lines(filters, taken_on)
                .values("kind")
                .annotate(expected=Sum(F("value") * F("probability"), output_field=FloatField()))
                .values_list("kind", "expected")
            )
            won = float(learned.won_to_date)
            open_expected = float(parts.get(forecasts.OPEN_LINE) or 0.0)
            return ForecastView(
                taken_on=taken_on,
                whole_company=True,
                figures=forecasts.Figures(
                    won_to_date=won,
                    open_pipeline=float(learned.open_pipeline),
                    open_expected=open_expected,
                    # What the stored expected value holds beyond won and open deals.
                    new_expected=float(learned.forecast) - won - open_expected,
                    weighted_default=float(default.forecast) if default else won,
                    p10=float(learned.p10),
                    p50=float(median.forecast),
                    p90=float(learned.p90),
                ),
            )
    lines_qs = forecast_lines(filters, taken_on)
    if not ForecastLine.objects.filter(
        calendar=filters.period.calendar, period_key=filters.period.key, taken_on=taken_on
    ).exists():
        # No line at all: a snapshot of a company with nothing to forecast (zero), or one
        # taken before snapshots kept their deals' lines (unknown for a filter).
        learned = latest_snapshots(filters.period).get(ForecastMethod.WEIGHTED_LEARNED)
        if learned is None or learned.forecast:
            return None
    rows = list(
        lines_qs.order_by("kind", "opportunity_id").values_list(
            "kind", "value", "probability", "default_probability"
        )
    )
    lines = pl.DataFrame(
        {
            "kind": [r[0] for r in rows],
            "value": [float(r[1]) for r in rows],
            "probability": [r[2] for r in rows],
            "default_probability": [r[3] for r in rows],
        },
        schema={
            "kind": pl.String,
            "value": pl.Float64,
            "probability": pl.Float64,
            "default_probability": pl.Float64,
        },
    )
    return ForecastView(
        taken_on=taken_on,
        whole_company=not filters.narrowed,
        figures=forecasts.figures(lines, seed=forecasts.seed_for(taken_on)),
    )


def calls_made_by(period: Period, as_of: datetime.date) -> list[ForecastCall]:
    """The calls for the period as they stood at the end of ``as_of``."""
    end_of_day = timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.max))
    return list(
        ForecastCall.objects.filter(
            calendar=period.calendar, period_key=period.key, updated_at__lte=end_of_day
        )
    )


def calls_for(calls: list[ForecastCall], filters: Filters) -> list[ForecastCall] | None:
    """The calls behind the filters' figures; None when calls cannot be split that way
    (a call is one seller's number for the whole period: no segment, product or source)."""
    if filters.segment or filters.product or filters.source:
        return None
    return [
        c
        for c in calls
        if (filters.team is None or c.team_id == filters.team)
        and (filters.owner is None or c.person_id == filters.owner)
    ]


def segments_discovered(period: Period) -> int:
    return Segment.objects.filter(discovered_on__gte=period.start, discovered_on__lte=period.end).count()


# ---------------------------------------------------------------- forecast accuracy


def forecast_accuracy(period=None) -> dict:
    """Forecast error and bias against actuals, per method and horizon (shape: docs/scorecard.md).

    Read by the alignment diagnostic's statement 1. ``period`` is a key such as
    "2026-Q3" (in the company's fiscal calendar), a Period, or None for every ended period.
    """
    from hamsu.scorecard import accuracy

    result = accuracy.forecast_accuracy(period)
    product = accuracy.forecast_accuracy(period, scope="product")
    result["product_forecasts"] = product["headline"] if product["measured"] else None
    return result
