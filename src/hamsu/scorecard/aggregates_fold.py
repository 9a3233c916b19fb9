"""How one stage event is folded into the aggregate tables' running totals (see
``hamsu.scorecard.aggregates`` for what each event contributes)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from hamsu.crm.stages import OPEN_STAGES, Stage
from hamsu.funnel import reach
from hamsu.scorecard.models import (
    CustomerFirstWin,
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
