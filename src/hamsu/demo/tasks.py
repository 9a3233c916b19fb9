"""The demo company's planned work, as open tasks (``docs/tasks.md``) due around the
moment the demo is generated: the next step of most open deals, the next call of each
lead a seller is working, and a check-in with each customer — so a seller's day starts
with something overdue, something due today and the week ahead, and a few open deals are
flagged for having no next step.

Run after every app's demo data (the leads exist), written with the same bulk inserts as
the deals' history, and drawn from a random stream of its own (``TASKS_STREAM``): the
rest of the company is the same with or without its tasks.

Who gets what, per seller (their open deals by id, then their leads, then their customers):
- ``NO_NEXT_STEP`` of the open deals have no task at all (the flag has something to flag);
- of the rest, a seller's first three items are one overdue task, one due today and one
  upcoming, so every seller with three items has each kind (their day is never all 0);
- each later one is overdue, due today, upcoming (within seven days) or later (8–30
  days), in the shares of ``SHARES`` for its kind of item.
The done tasks of the past are among the deals' logged history (``opportunities``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Max
from django.utils import timezone

from hamsu.core.bulk import insert_rows
from hamsu.crm.models import Activity, ActivityParticipant
from hamsu.crm.stages import OPEN_STAGES
from hamsu.demo.world import Result
from hamsu.funnel.models import Lead

TASKS_STREAM = 2  # the second seed word of the tasks' random stream
OVERDUE, TODAY, UPCOMING, LATER, NONE = "overdue", "today", "upcoming", "later", "none"
FIRST_THREE = [OVERDUE, TODAY, UPCOMING]
NO_NEXT_STEP = 0.15
# After a seller's first three items: when the task of each kind of item falls.
SHARES = {
    "deal": {OVERDUE: 0.16, TODAY: 0.12, UPCOMING: 0.42, LATER: 0.30},
    "lead": {OVERDUE: 0.2, TODAY: 0.2, UPCOMING: 0.45, LATER: 0.15},
    "account": {OVERDUE: 0.08, TODAY: 0.05, UPCOMING: 0.27, LATER: 0.6},
}
# The next step a seller plans at each open stage: kind, English, Persian.
DEAL_STEPS = {
    "prospecting": ("call", "Intro call with {person}", "تماس معرفی با {person}"),
    "qualifying": ("meeting", "Discovery meeting at {company}", "جلسهٔ نیازسنجی در {company}"),
    "needs_definition": ("meeting", "Requirements workshop with {person}", "کارگاه تعریف نیازها با {person}"),
    "solution_development": (
        "task",
        "Prepare the proposal for {company}",
        "آماده‌سازی پیشنهاد برای {company}",
    ),
    "decision": ("call", "Call {person} about the decision", "تماس با {person} دربارهٔ تصمیم نهایی"),
    "negotiation": ("email", "Send the revised contract to {person}", "ارسال قرارداد اصلاح‌شده برای {person}"),
}
ACCOUNT_STEP = ("meeting", "Quarterly check-in with {person}", "بازبینی فصلی با {person}")
LEAD_STEPS = {
    "mql": ("call", "First call with {person}", "نخستین تماس با {person}"),
    "sal": ("call", "Follow-up call with {person}", "تماس پیگیری با {person}"),
    "sql": ("meeting", "Qualification meeting with {person}", "جلسهٔ ارزیابی با {person}"),
}
ACTIVITY_COLUMNS = [
    "id", "kind", "subject", "body", "outcome", "occurred_at", "due_at", "done_at", "reminded_at",
    "account_id", "contact_id", "opportunity_id", "owner_id", "team_id", "created_at",
]  # fmt: skip


@dataclass(frozen=True)
class Item:
    """An open deal, a worked lead or a customer that a task may be planned for."""

    source: str  # "deal", "lead" or "account" (a key of SHARES)
    owner_id: int
    team_id: int | None
    account_id: int
    contact_id: int | None
    opportunity_id: int | None
    kind: str
    subject: str


def _deal_items(ctx: dict) -> list[Item]:
    deals = ctx.get("opportunities")
    if not deals:
        return []
    open_codes = {stage.value for stage in OPEN_STAGES}
    items = []
    for i, stage in enumerate(deals["final_stage"].tolist()):
        if stage not in open_codes:
            continue
        account = int(deals["account_index"][i])
        contact_id, person = ctx["contact_people"][account + 1][i % len(ctx["contact_people"][account + 1])]
        kind, english, persian = DEAL_STEPS[stage]
        persian_account = ctx["account_group"][account] == "fa"
        items.append(
            Item(
                source="deal",
                owner_id=int(deals["owner_person_id"][i]),
                team_id=int(deals["team_id"][i]),
                account_id=account + 1,
                contact_id=contact_id,
                opportunity_id=i + 1,
                kind=kind,
                subject=(persian if persian_account else english).format(
                    person=f"{person.first} {person.last}", company=ctx["account_name"][account]
                ),
            )
        )
    return items


def _lead_items(ctx: dict) -> list[Item]:
    items = []
    worked = (
        Lead.objects.filter(state__in=list(LEAD_STEPS), owner__isnull=False, account__isnull=False)
        .order_by("id")
        .values_list("owner_id", "team_id", "account_id", "contact_id", "first_name", "last_name", "state")
    )
    for owner_id, team_id, account_id, contact_id, first, last, state in worked:
        kind, english, persian = LEAD_STEPS[state]
        persian_account = ctx["account_group"][account_id - 1] == "fa"
        items.append(
            Item(
                source="lead",
                owner_id=owner_id,
                team_id=team_id,
                account_id=account_id,
                contact_id=contact_id,
                opportunity_id=None,
                kind=kind,
                subject=(persian if persian_account else english).format(person=f"{first} {last}".strip()),
            )
        )
    return items


def _account_items(ctx: dict) -> list[Item]:
    """A check-in with each customer (an account with a won deal), by its owner."""
    deals = ctx.get("opportunities")
    if not deals:
        return []
    won = sorted({int(a) for a in deals["account_index"][deals["final_stage"] == "won"].tolist()})
    kind, english, persian = ACCOUNT_STEP
    items = []
    for account in won:
        owner = ctx["reps"][int(ctx["account_owner"][account])]
        contact_id, person = ctx["contact_people"][account + 1][0]
        persian_account = ctx["account_group"][account] == "fa"
        items.append(
            Item(
                source="account",
                owner_id=owner.pk,
                team_id=owner.team_id,
                account_id=account + 1,
                contact_id=contact_id,
                opportunity_id=None,
                kind=kind,
                subject=(persian if persian_account else english).format(
                    person=f"{person.first} {person.last}"
                ),
            )
        )
    return items


def _buckets(items: list[Item], rng) -> list[str]:
    """When each item's task falls (or NONE), by the rule of the module's docstring."""
    n = len(items)
    without = (rng.random(n) < NO_NEXT_STEP).tolist()
    drawn = {
        source: rng.choice(list(shares), size=n, p=list(shares.values())).tolist()
        for source, shares in SHARES.items()
    }
    seen: dict[int, int] = defaultdict(int)
    out = []
    for i, item in enumerate(items):
        if item.source == "deal" and without[i]:
            out.append(NONE)
            continue
        k = seen[item.owner_id]
        seen[item.owner_id] += 1
        out.append(FIRST_THREE[k] if k < len(FIRST_THREE) else drawn[item.source][i])
    return out


def _due_times(buckets: list[str], rng, now: datetime.datetime) -> list[datetime.datetime | None]:
    """A due time for each bucket, in the company's working hours (its time zone)."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    n = len(buckets)
    hour = rng.integers(9, 18, size=n).tolist()
    minute = (rng.integers(0, 4, size=n) * 15).tolist()
    days = {
        OVERDUE: rng.integers(1, 11, size=n).tolist(),  # before today
        UPCOMING: rng.integers(1, 8, size=n).tolist(),  # tomorrow to seven days on
        LATER: rng.integers(8, 31, size=n).tolist(),
    }
    out: list[datetime.datetime | None] = []
    for i, bucket in enumerate(buckets):
        if bucket == NONE:
            out.append(None)
            continue
        offset = 0 if bucket == TODAY else -days[OVERDUE][i] if bucket == OVERDUE else days[bucket][i]
        day = (start + datetime.timedelta(days=offset)).date()
        moment = datetime.datetime.combine(day, datetime.time(hour[i], minute[i]), tzinfo=local.tzinfo)
        out.append(moment.astimezone(datetime.UTC))
    return out


def planned_tasks(*, seed: int, ctx: dict, now: datetime.datetime, result: Result, progress) -> None:
    """Insert the open tasks (and their owners as participants)."""
    rng = np.random.default_rng([seed, TASKS_STREAM])
    items = _deal_items(ctx) + _lead_items(ctx) + _account_items(ctx)
    buckets = _buckets(items, rng)
    due = _due_times(buckets, rng, now)
    # Planned one to six days before it is due, never after now.
    planned_ago = rng.integers(1, 7, size=len(items)).tolist()
    first_id = (Activity.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    first_participant = (ActivityParticipant.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    now_utc = now.astimezone(datetime.UTC)
    rows, participants = [], []
    for item, due_at, ago in zip(items, due, planned_ago, strict=True):
        if due_at is None:
            continue
        activity_id = first_id + len(rows)
        planned = min(due_at - datetime.timedelta(days=ago), now_utc)
        # A task already due was reminded when it came due: the clock's reminder job
        # (every minute) sends only what comes due from now on, not a demo's backlog.
        reminded = due_at - datetime.timedelta(minutes=15) if due_at <= now_utc else None
        rows.append((
            activity_id, item.kind, item.subject, "", "", planned, due_at, None, reminded,
            item.account_id, item.contact_id, item.opportunity_id, item.owner_id, item.team_id, planned,
        ))  # fmt: skip
        participants.append((first_participant + len(participants), activity_id, item.owner_id, "sales"))
    result.rows["tasks"] = insert_rows(Activity._meta.db_table, ACTIVITY_COLUMNS, rows)
    insert_rows(
        ActivityParticipant._meta.db_table, ["id", "activity_id", "person_id", "function"], participants
    )
    result.rows["activity_participants"] = result.rows.get("activity_participants", 0) + len(participants)
    without = buckets.count(NONE)
    progress(f"planned tasks: {result.rows['tasks']:,} ({without:,} open deals left without a next step)")
