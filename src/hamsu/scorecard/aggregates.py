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
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from hamsu.core.company import company_settings
from hamsu.core.db_datetimes import stored_datetime
from hamsu.crm.models import Opportunity, StageEvent
from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.funnel import reach
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

STAT = "funnel"
OPEN = [s.value for s in OPEN_STAGES]
WON, LOST = Stage.WON.value, Stage.LOST.value
SALES_ORDER = [*OPEN, WON]  # depth index: how far down the funnel a deal got
# The lead lifecycle's stages the scorecard shows, top first; what "reached" means is the
# funnel's one definition (hamsu.funnel.reach), so MQLs and SQLs agree with its pages.
LEAD_ORDER = list(reach.LEAD_PATH[: reach.LEAD_PATH.index("opportunity") + 1])
MEASURES = (
    "reached",
    "reached_amount",
    "gross_profit",
    "new_customers",
    "exits",
    "exit_seconds",
    "cycle_seconds",
    "leaked",
    "cohort_reached",
)
LEAD_MEASURES = ("reached", "exits", "exit_seconds", "cohort_reached")
ZERO = Decimal("0")


def _new_measures() -> dict:
    return dict.fromkeys(MEASURES, 0)


class _Deltas:
    def __init__(self) -> None:
        self.funnel: dict[tuple, dict] = defaultdict(_new_measures)
        self.seller: dict[tuple, dict] = defaultdict(_new_measures)
        self.lead: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(LEAD_MEASURES, 0))
        self.open: dict[tuple, list] = defaultdict(lambda: [0, ZERO])
        self.cycles: list[tuple] = []  # (opportunity id, month, cycle seconds, dims) per first win

    def add(self, month, stage, dims: dict, **values) -> None:
        f = self.funnel[
            (
                month,
                stage,
                dims["team_id"],
                dims["segment_id"],
                dims["product_id"],
                dims["source"],
                dims["influenced"],
            )
        ]
        s = (
            self.seller[
                (
                    month,
                    stage,
                    dims["owner_id"],
                    dims["team_id"],
                    dims["segment_id"],
                    dims["product_id"],
                    dims["source"],
                    dims["influenced"],
                )
            ]
            if dims["owner_id"]
            else None
        )
        for name, value in values.items():
            f[name] += value
            if s is not None:
                s[name] += value

    def move_open(self, stage, dims: dict, count: int, amount: Decimal) -> None:
        key = (
            stage,
            dims["team_id"],
            dims["segment_id"],
            dims["product_id"],
            dims["source"],
            dims["owner_id"],
        )
        row = self.open[key]
        row[0] += count
        row[1] += amount


def _seconds(later: datetime.datetime, earlier: datetime.datetime) -> int:
    # An event recorded with an earlier time than the previous one (a back-dated move)
    # counts as a zero-length stay rather than a negative one.
    return max(0, int((later - earlier).total_seconds()))


@dataclass(slots=True)
class _Progress:
    """What the fill knows of one deal or lead (a ``DealProgress`` row without the ORM).

    Millions of these pass through a rebuild; a slotted object costs a fraction of a
    model instance to create, and rows are read and written as plain tuples (fields in
    the order of ``object_type, object_id, *PROGRESS_FIELDS``).
    """

    object_type: str
    object_id: int
    depth: int = -1
    stage: str = ""
    stage_at: datetime.datetime | None = None
    first_at: datetime.datetime | None = None
    amount: Decimal = ZERO
    team_id: int = 0
    segment_id: int = 0
    product_id: int = 0
    source: str = ""
    owner_id: int = 0
    influenced: bool = False


def _dims(progress: _Progress) -> dict:
    return {
        "team_id": progress.team_id,
        "segment_id": progress.segment_id,
        "product_id": progress.product_id,
        "source": progress.source,
        "owner_id": progress.owner_id,
        "influenced": progress.influenced,
    }


def _fold_opportunity(
    event: dict,
    progress: _Progress | None,
    opp: dict | None,
    month,
    deltas,
    wins,
    influenced=None,
    month_of=None,
) -> _Progress:
    at = event["at"]
    to = event["to_stage"]
    if progress is None:
        progress = _Progress("opportunity", event["object_id"], stage_at=at, first_at=at)
    elif progress.stage in OPEN:
        # Leaving an open stage: one completed stay, and the deal leaves that stage's pipeline.
        deltas.add(
            month, progress.stage, _dims(progress), exits=1, exit_seconds=_seconds(at, progress.stage_at)
        )
        deltas.move_open(progress.stage, _dims(progress), -1, -progress.amount)
    if opp is not None:
        progress.amount = opp["amount_base"]
        for name in ("team_id", "segment_id", "product_id", "owner_id"):
            setattr(progress, name, opp[name] or 0)  # 0: none (see StatMeasures)
        progress.source = opp["source"]
        # A property of the deal (a marketing touch in the window before its creation),
        # defined once in hamsu.campaigns.influence.
        progress.influenced = opp["id"] in (influenced or ())
    dims = _dims(progress)
    amount = progress.amount
    # The cohort: the month the deal entered the funnel. Conversions divide counts of one
    # cohort, so a stage is never divided by deals that reached it in another period.
    cohort = month_of(progress.first_at) if month_of else month
    target_depth = SALES_ORDER.index(to) if to in SALES_ORDER else progress.depth
    for depth in range(progress.depth + 1, target_depth + 1):
        deltas.add(month, SALES_ORDER[depth], dims, reached=1, reached_amount=amount)
        deltas.add(cohort, SALES_ORDER[depth], dims, cohort_reached=1)
    if to == WON and progress.depth < target_depth:
        gp = opp["gross_profit"] if opp else ZERO
        cycle = _seconds(at, progress.first_at)
        deltas.add(month, WON, dims, gross_profit=gp, cycle_seconds=cycle)
        deltas.cycles.append((progress.object_id, month, cycle, dims))
        if opp is not None and opp["account_id"]:
            wins.append((opp["account_id"], at, month, dims))
    if to == LOST and progress.stage != LOST:
        deltas.add(
            month, LOST, dims, reached=1, reached_amount=amount, cycle_seconds=_seconds(at, progress.first_at)
        )
        left = event["from_stage"] or progress.stage
        if left in OPEN:
            deltas.add(month, left, dims, leaked=1)
        deltas.add(cohort, LOST, dims, cohort_reached=1)  # lost now (a reopened deal leaves)
    elif progress.stage == LOST and to != LOST:
        deltas.add(cohort, LOST, dims, cohort_reached=-1)
    if to in OPEN:
        deltas.move_open(to, dims, 1, amount)
    progress.depth = max(progress.depth, target_depth)
    progress.stage = to
    progress.stage_at = at
    return progress


def _fold_lead(event: dict, progress: _Progress | None, month, deltas, month_of=None) -> _Progress:
    at = event["at"]
    to = event["to_stage"]
    if progress is None:
        progress = _Progress("lead", event["object_id"], stage_at=at, first_at=at)
    elif progress.stage:
        row = deltas.lead[(month, progress.stage)]
        row["exits"] += 1
        row["exit_seconds"] += _seconds(at, progress.stage_at)
    cohort = month_of(progress.first_at) if month_of else month
    for stage in reach.stages_passed(reach.LEAD, progress.depth, to):
        if stage in LEAD_ORDER:
            deltas.lead[(month, stage)]["reached"] += 1
            deltas.lead[(cohort, stage)]["cohort_reached"] += 1
    target = reach.depth(reach.LEAD, to)
    if target is not None:
        progress.depth = max(progress.depth, target)
    progress.stage = to
    progress.stage_at = at
    return progress


def _apply_first_wins(wins: list, deltas: _Deltas, calendar: str) -> None:
    """Count a new customer in the month of the account's first win, moving it if an
    earlier win turns up later in the log (the log is ordered by id, not by time)."""
    if not wins:
        return
    earliest: dict[int, tuple] = {}
    for account_id, at, month, dims in wins:
        if account_id not in earliest or at < earliest[account_id][0]:
            earliest[account_id] = (at, month, dims)
    known = {row.account_id: row for row in CustomerFirstWin.objects.filter(account_id__in=list(earliest))}
    new_rows, changed = [], []
    for account_id, (at, month, dims) in earliest.items():
        row = known.get(account_id)
        if row is None:
            new_rows.append(CustomerFirstWin(account_id=account_id, won_at=at))
            deltas.add(month, WON, dims, new_customers=1)
        elif at < row.won_at:
            # The first win is now an earlier one: move the count. The old row's dims are
            # not stored, so the earlier deal's dims are used for both sides.
            deltas.add(bucket(timezone.localtime(row.won_at).date(), calendar), WON, dims, new_customers=-1)
            deltas.add(month, WON, dims, new_customers=1)
            row.won_at = at
            changed.append(row)
    CustomerFirstWin.objects.bulk_create(new_rows, batch_size=5000)
    CustomerFirstWin.objects.bulk_update(changed, ["won_at"], batch_size=5000)


def _adapter():
    """A converter of raw SQL parameters to the form the backend stores them in.

    Only datetimes need the backend's help (aware → what the ORM would write); dates,
    Decimals and plain values go through the database driver's own adapters.
    """
    adapt_dt = stored_datetime

    def adapt(value):
        return adapt_dt(value) if isinstance(value, datetime.datetime) else value

    return adapt


def _upsert(model, key_fields: tuple, fields: tuple, rows: list[tuple], *, add: bool) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE, adding to (or replacing) the stored values.

    One statement per row batch on SQLite and PostgreSQL alike, instead of reading every
    touched row back to update it — the fill's cost stays proportional to the new events.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [*key_fields, *fields]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    keys = ", ".join(connection.ops.quote_name(c) for c in key_fields)
    sets = ", ".join(
        f"{connection.ops.quote_name(f)} = {table}.{connection.ops.quote_name(f)} + excluded.{connection.ops.quote_name(f)}"
        if add
        else f"{connection.ops.quote_name(f)} = excluded.{connection.ops.quote_name(f)}"
        for f in fields
    )
    conflict = f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"
    if connection.vendor == "postgresql":
        _upsert_by_copy(table, columns, names, conflict, rows)
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}"
    adapt = _adapter()
    # Only datetime columns need converting; find them once instead of testing every value.
    temporal = [
        i for i in range(len(columns)) if any(isinstance(row[i], datetime.datetime) for row in rows[:100])
    ]
    if temporal:
        rows = [list(row) for row in rows]
        for row in rows:
            for i in temporal:
                row[i] = adapt(row[i])
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


def _upsert_by_copy(table: str, columns: list[str], names: str, conflict: str, rows: list[tuple]) -> None:
    """PostgreSQL: COPY the rows into a scratch table, then one INSERT … SELECT … ON CONFLICT.

    Sent one by one (even pipelined), each upsert is planned and executed on its own: about
    170 µs a row on this machine, which made the server the bottleneck of a rebuild (11 of a
    batch's 15 s). One statement over a copied table costs a few µs a row.
    """
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS scorecard_upsert_rows")
        cursor.execute(
            f"CREATE TEMPORARY TABLE scorecard_upsert_rows AS SELECT {names} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY scorecard_upsert_rows ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM scorecard_upsert_rows {conflict}")
        cursor.execute("DROP TABLE scorecard_upsert_rows")


def _write_stats(model, deltas: dict, key_fields: tuple, fields: tuple) -> None:
    _upsert(
        model,
        key_fields,
        fields,
        [(*key, *(values[f] for f in fields)) for key, values in deltas.items()],
        add=True,
    )


FUNNEL_KEYS = ("month", "stage", "team_id", "segment_id", "product_id", "source", "influenced")
SELLER_KEYS = ("month", "stage", "owner_id", "team_id", "segment_id", "product_id", "source", "influenced")
CYCLE_FIELDS = (
    "month",
    "cycle_seconds",
    "team_id",
    "segment_id",
    "product_id",
    "source",
    "owner_id",
    "influenced",
)
ROLLUP_KEYS = ("month", "stage", "team_id", "segment_id", "source", "influenced")


def _rolled_up(funnel: dict[tuple, dict]) -> dict[tuple, dict]:
    """The funnel deltas summed over products (keys in ``ROLLUP_KEYS`` order)."""
    rollup: dict[tuple, dict] = defaultdict(_new_measures)
    for (month, stage, team, segment, _product, source, influenced), values in funnel.items():
        row = rollup[(month, stage, team, segment, source, influenced)]
        for name, value in values.items():
            row[name] += value
    return rollup


def _write_cycles(cycles: list[tuple]) -> None:
    """One row per deal's first win: its cycle length, for medians (a sum cannot give one)."""
    _upsert(
        WonCycle,
        ("opportunity_id",),
        CYCLE_FIELDS,
        [(oid, month, seconds, *(dims[f] for f in CYCLE_FIELDS[2:])) for oid, month, seconds, dims in cycles],
        add=False,
    )


def _write_open(deltas: dict) -> None:
    key_fields = ("stage", "team_id", "segment_id", "product_id", "source", "owner_id")
    _upsert(
        OpenPipelineStat,
        key_fields,
        ("deals", "amount"),
        [(*key, count, amount) for key, (count, amount) in deltas.items() if count or amount],
        add=True,
    )
    OpenPipelineStat.objects.filter(deals=0).delete()


PROGRESS_FIELDS = (
    "depth",
    "stage",
    "stage_at",
    "first_at",
    "amount",
    "team_id",
    "segment_id",
    "product_id",
    "source",
    "owner_id",
    "influenced",
)


def _write_progress(progress: dict) -> None:
    rows = [
        (p.object_type, p.object_id, *(getattr(p, f) for f in PROGRESS_FIELDS)) for p in progress.values()
    ]
    _upsert(DealProgress, ("object_type", "object_id"), PROGRESS_FIELDS, rows, add=False)


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


def fill(*, batch_size: int = 50_000, progress=None) -> int:
    """Fold stage events newer than the bookmark into the aggregates; returns how many."""
    calendar = company_settings().fiscal_calendar
    state, _created = FillState.objects.get_or_create(stat=STAT)
    # Stored figures are split by fiscal month and by influence: a new calendar, a new
    # shape of the aggregates or a new influence window changes what every row holds.
    stale = (
        (state.calendar and state.calendar != calendar)
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
    """Empty every aggregate and fold the whole stage-event log again.

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
                "version": VERSION,
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
        last_event_id=last["id"], last_event_at=last["at"], updated_at=timezone.now()
    )
    if upto_id is not None:
        return total
    # Events written while the rebuild ran (ids above ``last``) fold in the usual way.
    return total + fill(batch_size=batch_size, progress=progress)


def fill_state() -> FillState | None:
    return FillState.objects.filter(stat=STAT).first()
