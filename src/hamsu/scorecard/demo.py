"""Demo data for the scorecard (the generator's EXTENSION_APPS hook).

Adds, consistent with the generated deals: the number and its split by team, segment and
product plus seller quotas for the last eight quarters and the current one; monthly sales
and marketing costs; this quarter's seller calls (two overridden by their manager); a
signed funnel plan for this quarter; and weekly forecast snapshots back-filled over the
history, each using only what was known that week, so forecast accuracy is measurable.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.utils import timezone

from hamsu.core.company import company_settings
from hamsu.core.errors import DomainError
from hamsu.core.money import quantize
from hamsu.crm.models import Segment
from hamsu.scorecard import aggregates, jobs, selectors, services
from hamsu.scorecard.models import CostEntry, ForecastCall, FunnelPlan, PlanStatus, Target, TargetScope
from hamsu.scorecard.periods import MONTH, QUARTER, period_containing

# `make demo` runs at small scale. Three quarters of weekly snapshots give the forecast a
# track record for both kinds of forecast (the quarter before last was forecast as "next
# quarter" from the quarter before it), so the method shown is chosen on evidence.
BACKFILL_WEEKS = {"tiny": 60, "small": 39, "medium": 26, "large": 8}
# Per-product snapshots multiply the back-fill by the number of products: small scales only.
PRODUCT_SNAPSHOTS = {"tiny", "small"}


def _round(value: float, step: int = 1000) -> Decimal:
    return Decimal(max(step, round(value / step) * step))


def generate(*, spec, rng, ctx, now, result, progress) -> None:
    """Targets, costs and forecast calls for the demo's quarters, then the weekly forecast
    snapshots back-filled and a signed plan."""
    started = time.perf_counter()
    aggregates.fill(progress=progress)
    calendar = company_settings().fiscal_calendar
    today = timezone.localtime(now).date()
    current = period_containing(today, QUARTER, calendar)
    reps_by_team: dict[int, list] = {}
    for rep in ctx["reps"]:
        reps_by_team.setdefault(rep.team_id, []).append(rep)
    admin = ctx["people"]["head.sales"].user
    targets = _targets(rng, ctx, current, reps_by_team, admin)
    Target.objects.bulk_create(targets)
    result.rows["targets"] = len(targets)

    result.rows["cost_entries"] = _costs(rng, today, calendar, admin)
    result.rows["forecast_calls"] = _calls(rng, ctx, current, reps_by_team)
    progress(f"scorecard: {len(targets)} targets, {result.rows['cost_entries']} cost entries")

    weeks = BACKFILL_WEEKS.get(spec.name, 52)
    rows = jobs.backfill(
        weeks=weeks,
        until=today,
        products=spec.name in PRODUCT_SNAPSHOTS,
        progress=progress,
    )
    result.rows["forecast_snapshots"] = rows
    _signed_plan(ctx, current)
    progress(
        f"scorecard: {rows} forecast snapshots over {weeks} weeks in {time.perf_counter() - started:.1f}s"
    )


def _targets(rng, ctx, current, reps_by_team: dict[int, list], admin) -> list[Target]:
    """The number for the current quarter and the eight before it, split by team (and
    seller), segment and product."""
    quarters = [current]
    for _i in range(8):
        quarters.append(quarters[-1].previous())
    quarters.reverse()
    targets: list[Target] = []
    last_actual = None
    for q in quarters:
        won = float(selectors.stage_totals(selectors.Filters(period=q))["won"]["reached_amount"])
        # Past quarters: the number was set a little above what came in (as numbers are);
        # the current one: last quarter's result grown by 12%.
        if q == current:
            number = (last_actual or won or 1_000_000) * 1.12
        else:
            number = won * float(rng.uniform(0.95, 1.18)) if won else 0
            last_actual = won
        if number > 0:
            targets.extend(_quarter_targets(q, number, rng, ctx, reps_by_team, admin))
    return targets


def _quarter_targets(q, number: float, rng, ctx, reps_by_team: dict[int, list], admin) -> list[Target]:
    """One quarter's targets: the company's ``number``, and its shares by team and seller,
    segment and product in proportion to what each won in the year before."""
    base = {
        "calendar": q.calendar,
        "period_key": q.key,
        "period_kind": q.kind,
        "period_start": q.start,
        "period_end": q.end,
        "set_by": admin,
    }
    targets = [Target(scope=TargetScope.COMPANY, amount=_round(number), **base)]
    teams = ctx["teams"]
    shares = _shares(q, "team_id", [t.pk for t in teams])
    for team in teams:
        team_number = number * shares[team.pk]
        targets.append(Target(scope=TargetScope.TEAM, team=team, amount=_round(team_number), **base))
        reps = reps_by_team.get(team.pk, [])
        for rep in reps:
            quota = team_number / max(len(reps), 1) * float(rng.uniform(0.9, 1.1))
            targets.append(Target(scope=TargetScope.SELLER, person=rep, amount=_round(quota), **base))
    segments = ctx["segments"]
    seg_shares = _shares(q, "segment_id", [s.pk for s in segments])
    for segment in segments:
        targets.append(
            Target(
                scope=TargetScope.SEGMENT,
                segment=segment,
                amount=_round(number * seg_shares[segment.pk]),
                **base,
            )
        )
    products = ctx["products"]
    prod_shares = _shares(q, "product_id", [p.pk for p in products])
    for product in products:
        targets.append(
            Target(
                scope=TargetScope.PRODUCT,
                product=product,
                amount=_round(number * prod_shares[product.pk]),
                **base,
            )
        )
    return targets


def _shares(period, field: str, keys: list[int]) -> dict[int, float]:
    """Each key's share of won revenue in the four quarters to ``period`` (even if none)."""
    from django.db.models import Sum

    from hamsu.scorecard.models import FunnelMonthStat

    months = []
    q = period
    for _i in range(4):
        q = q.previous()
        months += q.months()
    rows = dict(
        FunnelMonthStat.objects.filter(stage="won", month__in=months)
        .values(field)
        .annotate(total=Sum("reached_amount"))
        .values_list(field, "total")
    )
    total = float(sum(float(rows.get(k) or 0) for k in keys))
    if total <= 0:
        return dict.fromkeys(keys, 1 / max(len(keys), 1))
    return {k: float(rows.get(k) or 0) / total for k in keys}


def _costs(rng, today, calendar, admin) -> int:
    """Monthly costs that are no campaign's: sales ~9 % of the month's won revenue, and
    marketing's people, tools and research ~4 %, plus entry costs for segments
    discovered in the last two years. Media, events and content are campaign spend,
    already on the campaigns (``campaigns.demo``): entering them here as well would
    count them twice in marketing spend (see ``hamsu.core.spend``)."""
    month = period_containing(today, MONTH, calendar)
    months = [month]
    for _i in range(23):
        months.append(months[-1].previous())
    new_segments = list(Segment.objects.filter(discovered_on__gte=today - datetime.timedelta(days=730)))
    entries = []
    for m in months:
        won = float(selectors.stage_totals(selectors.Filters(period=m))["won"]["reached_amount"]) or 50_000.0
        plan = [
            ("sales", "salaries", 0.07),
            ("sales", "travel", 0.012),
            ("sales", "tools", 0.006),
            ("marketing", "salaries", 0.03),
            ("marketing", "tools", 0.006),
            ("marketing", "research", 0.004),
        ]
        for function, category, share in plan:
            amount = quantize(Decimal(won * share * float(rng.uniform(0.8, 1.2))))
            entries.append(
                CostEntry(
                    month=m.start,
                    function=function,
                    category=category,
                    amount=amount,
                    currency="USD",
                    amount_base=amount,
                    entered_by=admin,
                )
            )
        for segment in new_segments:
            amount = quantize(Decimal(won * 0.01 * float(rng.uniform(0.5, 1.5))))
            entries.append(
                CostEntry(
                    month=m.start,
                    function="marketing",
                    category="market_entry",
                    segment=segment,
                    amount=amount,
                    currency="USD",
                    amount_base=amount,
                    entered_by=admin,
                    note="Entry campaign",
                )
            )
    CostEntry.objects.bulk_create(entries)
    return len(entries)


def _calls(rng, ctx, current, reps_by_team) -> int:
    """Each seller's call for this quarter: won so far plus a share of their open pipeline."""
    from django.db.models import Sum

    from hamsu.scorecard.models import OpenPipelineStat, SellerMonthStat

    won = dict(
        SellerMonthStat.objects.filter(stage="won", month__in=current.months())
        .values("owner_id")
        .annotate(t=Sum("reached_amount"))
        .values_list("owner_id", "t")
    )
    pipe = dict(
        OpenPipelineStat.objects.values("owner_id").annotate(t=Sum("amount")).values_list("owner_id", "t")
    )
    now = timezone.now()
    calls = []
    for team_reps in reps_by_team.values():
        for rep in team_reps:
            base = float(won.get(rep.pk) or 0)
            open_value = float(pipe.get(rep.pk) or 0)
            commit = base + open_value * float(rng.uniform(0.15, 0.3))
            best = commit + open_value * float(rng.uniform(0.1, 0.25))
            calls.append(
                ForecastCall(
                    person=rep,
                    team_id=rep.team_id,
                    commit=_round(commit, 100),
                    best_case=_round(best, 100),
                    calendar=current.calendar,
                    period_key=current.key,
                    period_kind=current.kind,
                    period_start=current.start,
                    period_end=current.end,
                    updated_at=now,
                )
            )
    ForecastCall.objects.bulk_create(calls)
    manager = ctx["people"].get("manager")
    if manager is not None:
        for call in ForecastCall.objects.filter(team_id=manager.team_id, period_key=current.key).order_by(
            "id"
        )[:2]:
            services.call_override(
                actor=manager.user,
                call=call,
                commit=quantize(call.commit * Decimal("0.85")),
                via="demo",
                note="Two deals slipping to next quarter",
            )
    return len(calls)


def _signed_plan(ctx, current) -> None:
    """This quarter's plan from the measured rates, signed by both heads."""
    head_sales, head_marketing = ctx["people"].get("head.sales"), ctx["people"].get("head.marketing")
    if head_sales is None or head_marketing is None or FunnelPlan.objects.exists():
        return
    try:
        plan = services.plan_create(actor=head_sales.user, period=current.key, via="demo")
    except (DomainError, ValueError):  # not enough history at a tiny scale: the demo goes on without a plan
        return
    services.plan_sign(actor=head_sales.user, plan=plan, side="sales", via="demo")
    plan = services.plan_sign(actor=head_marketing.user, plan=plan, side="marketing", via="demo")
    assert plan.status == PlanStatus.SIGNED
