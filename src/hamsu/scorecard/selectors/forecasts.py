"""Plans, forecast calls and snapshots, the forecast view under ``Filters``, and the
forecast accuracy."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.crm.models import Segment
from hamsu.directory.visibility import person_of
from hamsu.scorecard.models import (
    ForecastCall,
    ForecastLine,
    ForecastMethod,
    ForecastSnapshot,
    FunnelPlan,
)
from hamsu.scorecard.periods import Period
from hamsu.scorecard.selectors.filters import ZERO, Filters


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
