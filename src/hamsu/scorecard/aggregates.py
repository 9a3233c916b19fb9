"""Keep the scorecard's pre-aggregated tables current from the append-only stage-event log.

As zulip's analytics counts do, each aggregate has a progress bookmark (``FillState``:
the last stage-event id folded in). ``fill`` folds the events after the bookmark, a batch
at a time, each batch in one transaction with its bookmark — so a crash loses nothing and
double-counts nothing. ``rebuild`` empties the tables and folds the whole log again; it
runs by itself when the company switches its fiscal calendar (the monthly grain moves)
or its marketing-influence window (every deal's influenced flag may change).

What one event contributes (month = the fiscal month of the event's local date):
- the stage it leaves gets one completed stay (``exits``) and its length (``exit_seconds``);
- every sales stage newly reached (an object that skips a stage has passed through it:
  what matters is how far down it got) gets ``reached`` + 1 and the deal's value;
- ``won``: value, gross profit, cycle length since creation, and a new customer when it
  is the account's first win; ``lost``: the value lost, and ``leaked`` on the stage left;
- the open-pipeline table moves the deal's count and value from the old stage to the new.
Dimensions (team, segment, product, source, owner) are the deal's at the time it is folded.

``aggregates_fold`` folds one event into running totals, ``aggregates_write`` writes them.

A rebuild commits range by range, so a process killed in the middle of one (SIGKILL, a
restart) leaves the tables half refilled and the bookmark at 0: the next ``fill`` folded
the whole log again on top of them, counting every rebuilt deal twice. The rebuild now
marks the bookmark ``REBUILDING`` until it is done, so a ``fill`` finding that mark starts
the rebuild again, unless a live process still runs it (its lease is held: it then
leaves the tables alone rather than fold events a second time).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from hamsu.core import leases
from hamsu.core.company import company_settings
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.scorecard.aggregates_fold import (  # noqa: F401 (LEAD_ORDER, SALES_ORDER: the pages' stage order)
    LEAD_MEASURES,
    LEAD_ORDER,
    MEASURES,
    SALES_ORDER,
    STAT,
    _apply_first_wins,
    _Deltas,
    _fold_lead,
    _fold_opportunity,
    _Progress,
)
from hamsu.scorecard.aggregates_write import (
    FUNNEL_KEYS,
    PROGRESS_FIELDS,
    ROLLUP_KEYS,
    SELLER_KEYS,
    _rolled_up,
    _write_cycles,
    _write_open,
    _write_progress,
    _write_stats,
)
from hamsu.scorecard.models import (
    CustomerFirstWin,
    DealProgress,
    FillState,
    FunnelMonthRollup,
    FunnelMonthStat,
    LeadMonthStat,
    OpenPipelineStat,
    SellerMonthStat,
    WonCycle,
)
from hamsu.scorecard.periods import bucket


def _influenced_deals(opportunity_ids: set | None) -> set[int]:
    """The marketing-influenced deals among ``opportunity_ids`` (None: all), by the
    campaigns app's definition, with the company's window. Without the campaigns app
    there are no touches, so nothing is influenced."""
    from django.apps import apps

    if not apps.is_installed("hamsu.campaigns"):
        return set()
    from hamsu.campaigns import influence

    return influence.influenced_ids(opportunity_ids, days=_influence_days())


def _influence_days() -> int:
    return company_settings().influence_lookback_days


OPP_FIELDS = (
    "id",
    "amount_base",
    "gross_profit",
    "team_id",
    "segment_id",
    "product_id",
    "source",
    "owner_id",
    "account_id",
)


def _opportunity_rows(qs) -> dict[int, dict]:
    return {row[0]: dict(zip(OPP_FIELDS, row, strict=True)) for row in qs.values_list(*OPP_FIELDS)}


def _known_progress(object_type: str, ids: set) -> dict[tuple, _Progress]:
    known: dict[tuple, _Progress] = {}
    id_list = list(ids)
    for i in range(0, len(id_list), 5000):
        rows = DealProgress.objects.filter(object_type=object_type, object_id__in=id_list[i : i + 5000])
        for row in rows.values_list("object_type", "object_id", *PROGRESS_FIELDS):
            known[(object_type, row[1])] = _Progress(*row)
    return known


def _fold_batch(
    events: list[dict],
    calendar: str,
    *,
    fresh: bool = False,
    opps: dict[int, dict] | None = None,
    influenced: set | None = None,
) -> None:
    """Fold ``events`` (in id order per object) into the aggregates.

    ``fresh``: no object in ``events`` has been folded before (a rebuild), so there is no
    progress to read back. A rebuild also passes the deals and first touches it already
    read for the whole range, instead of looking them up id by id.
    """
    opp_ids = {e["object_id"] for e in events if e["object_type"] == "opportunity"}
    lead_ids = {e["object_id"] for e in events if e["object_type"] == "lead"}
    if opps is None:
        opps = {}
        opp_list = list(opp_ids)
        for i in range(0, len(opp_list), 5000):
            opps.update(_opportunity_rows(Opportunity.objects.filter(pk__in=opp_list[i : i + 5000])))
    if influenced is None:
        influenced = _influenced_deals(set(opps))
    progress: dict[tuple, _Progress] = {}
    if not fresh:
        progress.update(_known_progress("opportunity", opp_ids))
        progress.update(_known_progress("lead", lead_ids))
    deltas = _Deltas()
    wins: list = []
    tz = timezone.get_current_timezone()
    months: dict[datetime.date, datetime.date] = {}

    def month_of(at: datetime.datetime) -> datetime.date:
        day = at.astimezone(tz).date()
        month = months.get(day)
        if month is None:
            month = months[day] = bucket(day, calendar)
        return month

    for event in events:
        key = (event["object_type"], event["object_id"])
        month = month_of(event["at"])
        if event["object_type"] == "opportunity":
            progress[key] = _fold_opportunity(
                event,
                progress.get(key),
                opps.get(event["object_id"]),
                month,
                deltas,
                wins,
                influenced,
                month_of,
            )
        elif event["object_type"] == "lead":
            progress[key] = _fold_lead(event, progress.get(key), month, deltas, month_of)
    _apply_first_wins(wins, deltas, calendar)
    _write_progress(progress)
    _write_stats(FunnelMonthStat, deltas.funnel, FUNNEL_KEYS, MEASURES)
    _write_stats(FunnelMonthRollup, _rolled_up(deltas.funnel), ROLLUP_KEYS, MEASURES)
    _write_stats(SellerMonthStat, deltas.seller, SELLER_KEYS, MEASURES)
    _write_cycles(deltas.cycles)
    _write_stats(LeadMonthStat, deltas.lead, ("month", "stage"), LEAD_MEASURES)
    _write_open(deltas.open)


# Every table derived from the log (FillState, the bookmark, aside): what a rebuild empties.
AGGREGATE_MODELS = (
    FunnelMonthStat,
    FunnelMonthRollup,
    SellerMonthStat,
    LeadMonthStat,
    OpenPipelineStat,
    DealProgress,
    CustomerFirstWin,
    WonCycle,
)
# Raised whenever what the tables hold changes shape: a fill finding aggregates built by
# an older version rebuilds them from the log, so no table is left half-filled.
VERSION = 3
# The version a rebuild writes until it has folded the whole log: a bookmark left with it
# is a rebuild that did not finish.
REBUILDING = 0
REBUILD_LEASE = "scorecard-aggregates-rebuild"


def fill(*, batch_size: int = 50_000, progress=None) -> int:
    """Fold stage events newer than the bookmark into the aggregates; returns how many."""
    if leases.is_held(REBUILD_LEASE):
        return 0  # a rebuild is running: it folds the log, then fills what came meanwhile
    calendar = company_settings().fiscal_calendar
    state, _created = FillState.objects.get_or_create(stat=STAT)
    # Stored figures are split by fiscal month and by influence: a new calendar, a new
    # shape of the aggregates or a new influence window changes what every row holds.
    stale = (
        (state.rebuilt_at and state.version == REBUILDING)  # a rebuild that did not finish
        or (state.calendar and state.calendar != calendar)
        or (state.events_folded and state.version != VERSION)
        or (state.calendar and state.influence_days != _influence_days())
    )
    if stale:
        return rebuild(batch_size=batch_size, progress=progress)
    total = 0
    while True:
        with transaction.atomic():
            # Lock the bookmark: two fills running at once would fold the same events twice.
            state = FillState.objects.select_for_update().get(stat=STAT)
            events = list(
                StageEvent.objects.filter(id__gt=state.last_event_id)
                .order_by("id")
                .values("id", "object_type", "object_id", "from_stage", "to_stage", "at")[:batch_size]
            )
            if not events:
                break
            _fold_batch(events, calendar)
            state.last_event_id = events[-1]["id"]
            state.last_event_at = events[-1]["at"]
            state.calendar = calendar
            state.version = VERSION
            state.influence_days = _influence_days()
            state.events_folded += len(events)
            state.updated_at = timezone.now()
            state.save()
        total += len(events)
        if progress:
            progress(f"scorecard aggregates: {state.events_folded:,} events folded")
        if len(events) < batch_size:
            break
    return total


def rebuild(*, batch_size: int = 50_000, progress=None, upto_id: int | None = None) -> int:
    """Empty every aggregate and fold the whole stage-event log again (0 when another
    live process is rebuilding them already)."""
    try:
        with leases.hold(REBUILD_LEASE):
            total = _rebuild(batch_size=batch_size, progress=progress, upto_id=upto_id)
    except leases.LeaseHeld:
        return 0
    if upto_id is not None:
        return total
    # Events written while the rebuild ran (ids above its last one) fold in the usual way.
    return total + fill(batch_size=batch_size, progress=progress)


def _rebuild(*, batch_size: int, progress, upto_id: int | None) -> int:
    """The rebuild itself, run while holding its lease.

    A rebuild reads the log object by object (ranges of deal and lead ids, each object's
    events in id order, which is the order ``fill`` would have folded them in), so no
    object's progress has to be read back between batches, and the deals of a range are
    read with one range query. Then the bookmark moves to the last event that existed when
    the rebuild began; anything newer is left to the next ``fill``.
    """
    calendar = company_settings().fiscal_calendar
    with transaction.atomic():
        for model in AGGREGATE_MODELS:
            model.objects.all().delete()
        log = StageEvent.objects.order_by("-id")
        if upto_id is not None:  # benchmarks: leave the rest of the log for an incremental fill
            log = log.filter(id__lte=upto_id)
        last = log.values("id", "at").first() or {"id": 0, "at": None}
        FillState.objects.update_or_create(
            stat=STAT,
            defaults={
                "last_event_id": 0,
                "last_event_at": None,
                "events_folded": 0,
                "calendar": calendar,
                "version": REBUILDING,  # until the last range is folded, below
                "influence_days": _influence_days(),
                "rebuilt_at": timezone.now(),
                "updated_at": timezone.now(),
            },
        )
    influenced = _influenced_deals(None)
    total = 0
    for object_type in (StageEvent.ObjectType.OPPORTUNITY, StageEvent.ObjectType.LEAD):
        events_of_type = StageEvent.objects.filter(object_type=object_type, id__lte=last["id"])
        bounds = events_of_type.aggregate(lo=Min("object_id"), hi=Max("object_id"), n=Count("id"))
        if not bounds["n"]:
            continue
        # Ranges of object ids holding about ``batch_size`` events each.
        span = max(1, (bounds["hi"] - bounds["lo"] + 1) * batch_size // bounds["n"])
        for lo in range(bounds["lo"], bounds["hi"] + 1, span):
            hi = lo + span
            events = list(
                events_of_type.filter(object_id__gte=lo, object_id__lt=hi)
                .order_by("object_id", "id")
                .values("id", "object_type", "object_id", "from_stage", "to_stage", "at")
            )
            if not events:
                continue
            with transaction.atomic():
                opps = None
                if object_type == StageEvent.ObjectType.OPPORTUNITY:
                    opps = _opportunity_rows(Opportunity.objects.filter(pk__gte=lo, pk__lt=hi))
                _fold_batch(events, calendar, fresh=True, opps=opps, influenced=influenced)
                FillState.objects.filter(stat=STAT).update(
                    events_folded=F("events_folded") + len(events), updated_at=timezone.now()
                )
            total += len(events)
            if progress:
                progress(f"scorecard aggregates: {total:,} events folded (rebuild)")
    FillState.objects.filter(stat=STAT).update(
        last_event_id=last["id"], last_event_at=last["at"], version=VERSION, updated_at=timezone.now()
    )
    return total


def fill_state() -> FillState | None:
    return FillState.objects.filter(stat=STAT).first()
