"""The demo company's deals and their histories: stage events, participants and
activities, simulated in vectorised steps and bulk-inserted (see ``hamsu.demo.generator``)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection

from hamsu.core.bulk import insert_rows
from hamsu.crm.models import StageEvent
from hamsu.crm.stages import DEFAULT_PROBABILITY, OPEN_STAGES, Stage
from hamsu.demo.naming import ACTIVITY_SUBJECTS, deal_names
from hamsu.demo.world import (
    ADVANCE,
    COUNTRIES,
    LOST_REASONS,
    MEDIAN_DAYS,
    MONTH_WEIGHT,
    SEGMENT_WIN_FACTOR,
    Result,
    Scale,
)


def _timestamps(values: np.ndarray) -> list[str]:
    """UTC timestamps as the text each database reads directly (naive UTC on SQLite, as
    Django stores it there; explicit +00:00 for PostgreSQL's timestamptz)."""
    text = np.datetime_as_string(values.astype("datetime64[s]"), unit="s")
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [value.replace("T", " ") + suffix for value in text.tolist()]


def _creation_times(n: int, rng, now: datetime.datetime) -> np.ndarray:
    """Seconds before ``now`` at which each deal was created, with seasonality and growth."""
    days = 730
    day_index = np.arange(days)
    dates = [now.date() - datetime.timedelta(days=int(days - d)) for d in day_index]
    weights = np.array(
        [
            MONTH_WEIGHT[d.month - 1] * (0.8 + 0.4 * i / days) * (0.35 if d.weekday() in (4, 5) else 1.0)
            for i, d in enumerate(dates)
        ]
    )
    # Late December is quiet everywhere; the Nowruz fortnight (late March) in Iran.
    weights *= np.array(
        [
            0.5 if (d.month == 12 and d.day > 20) or (d.month == 3 and 20 <= d.day <= 31) else 1.0
            for d in dates
        ]
    )
    weights /= weights.sum()
    chosen = rng.choice(days, size=n, p=weights)
    seconds_into_day = rng.integers(8 * 3600, 18 * 3600, size=n)
    return (days - chosen) * 86400 - seconds_into_day


# The stages a deal walks through, as indexes into these codes: the open stages in order,
# then won (6) and lost (7).
STAGE_CODES = [s.value for s in OPEN_STAGES] + [Stage.WON.value, Stage.LOST.value]
WON, LOST = 6, 7


@dataclass
class Deals:
    """What is drawn for each deal before its history; index i is opportunity id i + 1."""

    account: np.ndarray  # index of the account (account id - 1)
    owner: np.ndarray  # index into ctx["reps"]
    owner_person_id: np.ndarray
    owner_team_id: np.ndarray
    segment: np.ndarray  # index into SEGMENT_WIN_FACTOR and ctx["segments"]
    source: np.ndarray  # 0 marketing, 1 sales, 2 partner
    product: np.ndarray  # index into ctx["products"]
    quantity: np.ndarray
    amount: np.ndarray  # in the deal's currency
    currency: np.ndarray
    amount_base: np.ndarray
    gross_profit: np.ndarray
    created_ago: np.ndarray  # seconds before now

    @property
    def count(self) -> int:
        return len(self.account)


@dataclass
class Histories:
    """Every deal walked through the stages: where it ended and each move on the way."""

    entered: np.ndarray  # seconds after creation at which the deal entered its last stage
    final_stage: np.ndarray  # index into STAGE_CODES
    event_from: np.ndarray  # index into STAGE_CODES; -1 for the creation event
    event_to: np.ndarray
    event_at: np.ndarray  # seconds after the deal's creation
    event_deal: np.ndarray  # opportunity id


def _draw_deals(spec: Scale, rng, ctx: dict, now: datetime.datetime) -> Deals:
    """Account, owner, source, product, amount and creation time of every deal."""
    n = spec.opportunities
    reps = ctx["reps"]
    products = ctx["products"]
    rep_ids = np.array([r.pk for r in reps])
    rep_team = np.array([r.team_id for r in reps])
    account = rng.integers(0, spec.accounts, size=n)
    # Most deals are owned by the account owner; some by a colleague (territory changes).
    owner = np.where(rng.random(n) < 0.85, ctx["account_owner"][account], rng.integers(0, len(reps), size=n))
    source = rng.choice(3, size=n, p=[0.45, 0.45, 0.10])  # marketing, sales, partner
    product = rng.choice(len(products), size=n, p=[0.18, 0.2, 0.06, 0.16, 0.08, 0.14, 0.1, 0.08])
    list_price = np.array([float(p.list_price) for p in products])[product]
    unit_cost = np.array([float(p.unit_cost) for p in products])[product]
    quantity = np.maximum(1, rng.geometric(0.45, size=n))
    discount = rng.uniform(0.0, 0.25, size=n)
    amount_usd = np.round(list_price * quantity * (1 - discount), 2)
    # Iranian accounts mostly book in rials, a few European deals in euros.
    country = np.array(COUNTRIES)[ctx["account_country"][account]]
    currency = np.where(
        country == "IR",
        np.where(rng.random(n) < 0.7, "IRR", "USD"),
        np.where(np.isin(country, ["DE", "NL"]), "EUR", "USD"),
    )
    rate = {"USD": 1.0, "EUR": 1.08, "IRR": 0.0000238}
    rate_arr = np.vectorize(rate.get)(currency).astype(float)
    amount = np.round(amount_usd / rate_arr, 2)
    return Deals(
        account=account,
        owner=owner,
        owner_person_id=rep_ids[owner],
        owner_team_id=rep_team[owner],
        segment=ctx["account_segment"][account],
        source=source,
        product=product,
        quantity=quantity,
        amount=amount,
        currency=currency,
        amount_base=np.round(amount * rate_arr, 2),
        gross_profit=np.round(amount_usd - unit_cost * quantity, 2),
        created_ago=_creation_times(n, rng, now),
    )


def _walk_stages(deals: Deals, rng, ctx: dict) -> Histories:
    """Walk every deal through the open stages at once, one stage per step: each either
    stays open (its time in the stage reaches now), advances, or is lost; a few slip back
    one stage first."""
    n = deals.count
    win_factor = (
        SEGMENT_WIN_FACTOR[deals.segment]
        * ctx["skill"][deals.owner]
        * np.where(deals.source == 0, 1.05, np.where(deals.source == 2, 1.08, 0.95))
    )
    t = np.zeros(n)  # seconds since creation at which the deal entered its current stage
    stage = np.zeros(n, dtype=int)
    state = np.zeros(n, dtype=int)  # 0 open, 1 won, 2 lost
    ids = np.arange(1, n + 1)
    events_from, events_to, events_at, events_opp = (
        [np.full(n, -1)],
        [np.zeros(n, dtype=int)],
        [np.zeros(n)],
        [ids],
    )
    slipped = np.zeros(n, dtype=bool)
    for k in range(len(OPEN_STAGES)):
        active = (state == 0) & (stage == k)
        durations = rng.lognormal(np.log(MEDIAN_DAYS[k] * 86400), 0.6, size=n)
        leave_at = t + durations
        still_open = active & (leave_at >= deals.created_ago)
        moving = active & ~still_open
        p_adv = np.clip(ADVANCE[k] * win_factor, 0.05, 0.97)
        advance = moving & (rng.random(n) < p_adv)
        lose = moving & ~advance
        # A deal in needs definition or later sometimes slips back one stage first.
        slip = advance & (k >= 2) & ~slipped & (rng.random(n) < 0.13)
        if slip.any():
            back_at = t + durations * 0.5
            events_from.append(np.full(slip.sum(), k))
            events_to.append(np.full(slip.sum(), k - 1))
            events_at.append(back_at[slip])
            events_opp.append(ids[slip])
            events_from.append(np.full(slip.sum(), k - 1))
            events_to.append(np.full(slip.sum(), k))
            events_at.append((back_at + durations * 0.3)[slip])
            events_opp.append(ids[slip])
            slipped |= slip
        target = np.where(k + 1 < len(OPEN_STAGES), k + 1, WON)
        events_from.append(np.full(advance.sum(), k))
        events_to.append(np.full(advance.sum(), target))
        events_at.append(leave_at[advance])
        events_opp.append(ids[advance])
        events_from.append(np.full(lose.sum(), k))
        events_to.append(np.full(lose.sum(), LOST))
        events_at.append(leave_at[lose])
        events_opp.append(ids[lose])
        t = np.where(moving, leave_at, t)
        stage = np.where(advance, k + 1, stage)
        state = np.where(lose, 2, state)
        if k + 1 == len(OPEN_STAGES):
            state = np.where(advance, 1, state)
    return Histories(
        entered=t,
        final_stage=np.where(state == 1, WON, np.where(state == 2, LOST, stage)),
        event_from=np.concatenate(events_from),
        event_to=np.concatenate(events_to),
        event_at=np.concatenate(events_at),
        event_deal=np.concatenate(events_opp),
    )


def opportunities(spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result, progress) -> None:
    """The deals, their stage events, owners as participants, and their activities."""
    deals = _draw_deals(spec, rng, ctx, now)
    histories = _walk_stages(deals, rng, ctx)
    lost_reason = np.array(LOST_REASONS)[rng.integers(0, len(LOST_REASONS), size=deals.count)]
    now64 = np.datetime64(now.replace(tzinfo=None), "s")
    created64 = now64 - deals.created_ago.astype("timedelta64[s]")
    _insert_deals(deals, histories, lost_reason, created64, ctx, result, progress)
    _insert_stage_events(histories, lost_reason, created64, result, progress)
    _insert_participants(deals, created64, result)
    _insert_activities(spec, rng, deals, histories, created64, ctx, result, progress)


def _insert_columns(table: str, columns: dict[str, Any]) -> int:
    """Insert rows given column by column (name → every row's value, in order).

    Columns are built whole with NumPy and zipped into rows: formatting a million rows one
    value at a time in Python was the generator's bottleneck."""
    return insert_rows(table, list(columns), zip(*columns.values(), strict=True))


def _expected_close(entered64: np.ndarray, final_stage: np.ndarray) -> list[str]:
    """For open deals the remaining typical cycle (and three days); for closed ones the day
    they closed."""
    typical_left = np.array([MEDIAN_DAYS[k:].sum() for k in range(6)] + [0, 0])
    close_date = np.where(
        final_stage >= WON,
        entered64.astype("datetime64[D]"),
        (entered64 + ((typical_left[final_stage] + 3) * 86400).astype("timedelta64[s]")).astype(
            "datetime64[D]"
        ),
    )
    return np.datetime_as_string(close_date, unit="D").tolist()


def _insert_deals(
    deals: Deals,
    histories: Histories,
    lost_reason: np.ndarray,
    created64: np.ndarray,
    ctx: dict,
    result: Result,
    progress,
) -> None:
    """The opportunity rows, and what later demo steps need to know of them (ctx)."""
    n = deals.count
    final_stage = histories.final_stage
    seg_ids = np.array([s.pk for s in ctx["segments"]])
    source_names = np.array(["marketing", "sales", "partner"])
    entered64 = created64 + histories.entered.astype("timedelta64[s]")
    closed = final_stage >= WON
    product_codes = np.array([p.code for p in ctx["products"]])[deals.product]
    entered_text = _timestamps(entered64)
    product_id = deals.product + ctx["products"][0].pk
    step = time.perf_counter()
    result.rows["opportunities"] = _insert_columns(
        "crm_opportunity",
        {
            "id": range(1, n + 1),
            "name": deal_names(
                rng=ctx["names_rng"],
                product_codes=product_codes.tolist(),
                quantities=deals.quantity.tolist(),
                created=created64.astype("datetime64[D]").tolist(),
                account_names=[ctx["account_name"][a] for a in deals.account.tolist()],
                account_groups=[ctx["account_group"][a] for a in deals.account.tolist()],
            ),
            "account_id": (deals.account + 1).tolist(),
            "owner_id": deals.owner_person_id.tolist(),
            "team_id": deals.owner_team_id.tolist(),
            "stage": np.array(STAGE_CODES)[final_stage].tolist(),
            "probability": np.array([DEFAULT_PROBABILITY[Stage(code)] for code in STAGE_CODES])[
                final_stage
            ].tolist(),
            "amount": deals.amount.tolist(),
            "currency": deals.currency.tolist(),
            "amount_base": deals.amount_base.tolist(),
            "product_id": product_id.tolist(),
            "quantity": deals.quantity.tolist(),
            "gross_profit": deals.gross_profit.tolist(),
            "segment_id": seg_ids[deals.segment].tolist(),
            "source": source_names[deals.source].tolist(),
            "expected_close": _expected_close(entered64, final_stage),
            "closed_at": [
                text if is_closed else None
                for text, is_closed in zip(entered_text, closed.tolist(), strict=True)
            ],
            "stage_changed_at": entered_text,
            "lost_reason": np.where(final_stage == LOST, lost_reason, "").tolist(),
            "external_id": [""] * n,
            "created_at": _timestamps(created64),
            "updated_at": entered_text,
        },
    )
    progress(f"opportunities: {n:,} in {time.perf_counter() - step:.1f}s")
    # What later demo steps (leads, touchpoints, forecasts) need to stay consistent with
    # the deals: index i describes opportunity id i + 1.
    ctx["opportunities"] = {
        "count": n,
        "account_index": deals.account,
        "owner_person_id": deals.owner_person_id,
        "team_id": deals.owner_team_id,
        "source": source_names[deals.source],
        "created_at": [
            value.replace(tzinfo=datetime.UTC) for value in created64.astype("datetime64[us]").tolist()
        ],
        "final_stage": np.array(STAGE_CODES)[final_stage],
        "amount_base": deals.amount_base,
        "product_id": product_id,
        "segment_id": seg_ids[deals.segment],
    }


def _insert_stage_events(
    histories: Histories, lost_reason: np.ndarray, created64: np.ndarray, result: Result, progress
) -> None:
    """Each deal's moves, in order of deal and time (the ids follow that order)."""
    order = np.lexsort((histories.event_at, histories.event_deal))
    labels = np.array(STAGE_CODES + [""])  # index -1 → ""
    ev_deal = histories.event_deal[order]
    ev_to = histories.event_to[order]
    ev_from = histories.event_from[order]
    ev_count = len(order)
    step = time.perf_counter()
    result.rows["stage_events"] = _insert_columns(
        StageEvent._meta.db_table,
        {
            "id": range(1, ev_count + 1),
            "object_type": ["opportunity"] * ev_count,
            "object_id": ev_deal.tolist(),
            "opportunity_id": ev_deal.tolist(),
            "from_stage": labels[ev_from].tolist(),
            "to_stage": labels[ev_to].tolist(),
            "at": _timestamps(created64[ev_deal - 1] + histories.event_at[order].astype("timedelta64[s]")),
            "actor_id": [None] * ev_count,
            "reason": np.where(
                ev_to == LOST, lost_reason[ev_deal - 1], np.where(ev_from < 0, "created", "")
            ).tolist(),
            "via": ["demo"] * ev_count,
        },
    )
    progress(f"stage events: {result.rows['stage_events']:,} in {time.perf_counter() - step:.1f}s")


def _insert_participants(deals: Deals, created64: np.ndarray, result: Result) -> None:
    """Each deal's owner as its participant from the day it was created."""
    n = deals.count
    result.rows["participants"] = _insert_columns(
        "crm_opportunityparticipant",
        {
            "id": range(1, n + 1),
            "opportunity_id": range(1, n + 1),
            "person_id": deals.owner_person_id.tolist(),
            "role": ["owner"] * n,
            "added_at": _timestamps(created64),
        },
    )


def _insert_activities(
    spec: Scale,
    rng,
    deals: Deals,
    histories: Histories,
    created64: np.ndarray,
    ctx: dict,
    result: Result,
    progress,
) -> None:
    """Calls, meetings, e-mails and notes by each deal's owner with one of the account's
    contacts, spread over its history."""
    kinds = ["call", "meeting", "email", "call_report", "note"]
    outcomes = ["connected", "positive", "neutral", "next_step", "no_answer"]
    per_opp = rng.poisson(spec.activities_per_opportunity, size=deals.count)
    activity_opp = np.repeat(np.arange(deals.count), per_opp)
    count = len(activity_opp)
    ids = np.arange(1, count + 1)
    span = np.maximum(1.0, histories.entered[activity_opp])
    offset = (span * ((ids * 7919) % 997) / 997).astype("timedelta64[s]")
    occurred64 = created64[activity_opp] + offset
    occurred_at = _timestamps(occurred64)
    # A third of the calls, meetings and e-mails were planned as tasks and marked done:
    # due a little before (up to a day and a half: some were late) or after they happened.
    planned = (ids % 3 == 0) & (ids % 5 < 3)
    lateness = (((ids * 37) % 49) - 12).astype("timedelta64[h]")
    due_at = [
        text if was_planned else None
        for text, was_planned in zip(_timestamps(occurred64 - lateness), planned.tolist(), strict=True)
    ]
    done_at = [
        text if was_planned else None for text, was_planned in zip(occurred_at, planned.tolist(), strict=True)
    ]
    kind = np.array(kinds)[ids % 5]
    account = deals.account[activity_opp]
    owner_person_id = deals.owner_person_id[activity_opp].tolist()
    contact_id, subject = _with_whom(kind.tolist(), account.tolist(), (ids % 3).tolist(), ctx)
    step = time.perf_counter()
    result.rows["activities"] = _insert_columns(
        "crm_activity",
        {
            "id": ids.tolist(),
            "kind": kind.tolist(),
            "subject": subject,
            "body": [""] * count,
            "outcome": np.array(outcomes)[ids % 5].tolist(),
            "occurred_at": occurred_at,
            "due_at": due_at,
            "done_at": done_at,
            "account_id": (account + 1).tolist(),
            "contact_id": contact_id,
            "opportunity_id": (activity_opp + 1).tolist(),
            "owner_id": owner_person_id,
            "team_id": deals.owner_team_id[activity_opp].tolist(),
            "created_at": occurred_at,
        },
    )
    progress(f"activities: {result.rows['activities']:,} in {time.perf_counter() - step:.1f}s")
    result.rows["activity_participants"] = _insert_columns(
        "crm_activityparticipant",
        {
            "id": ids.tolist(),
            "activity_id": ids.tolist(),
            "person_id": owner_person_id,
            "function": ["sales"] * count,
        },
    )


def _with_whom(kinds: list[str], accounts: list[int], picks: list[int], ctx: dict) -> tuple[list, list[str]]:
    """Each activity's contact (one of its account's, by ``picks``) and its subject, in
    Persian for an Iranian account."""
    contact_ids, subjects = [], []
    for kind, account, pick in zip(kinds, accounts, picks, strict=True):
        people = ctx["contact_people"][account + 1]
        contact_id, person = people[pick % len(people)]
        template = ACTIVITY_SUBJECTS["fa" if ctx["account_group"][account] == "fa" else "en"][kind]
        contact_ids.append(contact_id)
        subjects.append(
            template.format(person=f"{person.first} {person.last}", company=ctx["account_name"][account])
        )
    return contact_ids, subjects
