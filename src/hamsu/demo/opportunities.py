"""The demo company's deals and their histories: stage events, participants and
activities, simulated in vectorised steps and bulk-inserted (see ``hamsu.demo.generator``)."""

from __future__ import annotations

import datetime
import time

import numpy as np
from django.db import connection

from hamsu.core.bulk import insert_rows
from hamsu.crm.models import (
    StageEvent,
)
from hamsu.crm.stages import DEFAULT_PROBABILITY, OPEN_STAGES, Stage
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


def opportunities(spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result, progress) -> None:
    n = spec.opportunities
    reps = ctx["reps"]
    products = ctx["products"]
    rep_ids = np.array([r.pk for r in reps])
    rep_team = np.array([r.team_id for r in reps])
    seg_ids = np.array([s.pk for s in ctx["segments"]])
    account = rng.integers(0, spec.accounts, size=n)
    # Most deals are owned by the account owner; some by a colleague (territory changes).
    owner = np.where(rng.random(n) < 0.85, ctx["account_owner"][account], rng.integers(0, len(reps), size=n))
    segment = ctx["account_segment"][account]
    source = rng.choice(3, size=n, p=[0.45, 0.45, 0.10])  # marketing, sales, partner
    source_names = np.array(["marketing", "sales", "partner"])
    product = rng.choice(len(products), size=n, p=[0.18, 0.2, 0.06, 0.16, 0.08, 0.14, 0.1, 0.08])
    list_price = np.array([float(p.list_price) for p in products])[product]
    unit_cost = np.array([float(p.unit_cost) for p in products])[product]
    quantity = np.maximum(1, rng.geometric(0.45, size=n))
    discount = rng.uniform(0.0, 0.25, size=n)
    amount_usd = np.round(list_price * quantity * (1 - discount), 2)
    gross_profit = np.round(amount_usd - unit_cost * quantity, 2)
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
    amount_base = np.round(amount * rate_arr, 2)

    created_ago = _creation_times(n, rng, now)
    win_factor = (
        SEGMENT_WIN_FACTOR[segment]
        * ctx["skill"][owner]
        * np.where(source == 0, 1.05, np.where(source == 2, 1.08, 0.95))
    )

    # Walk every deal through the open stages at once, one stage per step.
    t = np.zeros(n)  # seconds since creation at which the deal entered its current stage
    stage = np.zeros(n, dtype=int)
    state = np.zeros(n, dtype=int)  # 0 open, 1 won, 2 lost
    events_from, events_to, events_at, events_opp = [], [], [], []
    ids = np.arange(1, n + 1)
    events_from.append(np.full(n, -1))
    events_to.append(np.zeros(n, dtype=int))
    events_at.append(np.zeros(n))
    events_opp.append(ids)
    slipped = np.zeros(n, dtype=bool)
    for k in range(len(OPEN_STAGES)):
        active = (state == 0) & (stage == k)
        durations = rng.lognormal(np.log(MEDIAN_DAYS[k] * 86400), 0.6, size=n)
        leave_at = t + durations
        still_open = active & (leave_at >= created_ago)
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
        target = np.where(k + 1 < len(OPEN_STAGES), k + 1, 6)  # 6 = won
        events_from.append(np.full(advance.sum(), k))
        events_to.append(np.full(advance.sum(), target))
        events_at.append(leave_at[advance])
        events_opp.append(ids[advance])
        events_from.append(np.full(lose.sum(), k))
        events_to.append(np.full(lose.sum(), 7))
        events_at.append(leave_at[lose])
        events_opp.append(ids[lose])
        t = np.where(moving, leave_at, t)
        stage = np.where(advance, k + 1, stage)
        state = np.where(lose, 2, state)
        if k + 1 == len(OPEN_STAGES):
            state = np.where(advance, 1, state)
    stage_codes = [s.value for s in OPEN_STAGES] + [Stage.WON.value, Stage.LOST.value]
    final_stage = np.where(state == 1, 6, np.where(state == 2, 7, stage))
    # Expected close: for open deals the remaining typical cycle; for closed ones the close date.
    typical_left = np.array([MEDIAN_DAYS[k:].sum() for k in range(6)] + [0, 0])
    lost_reason = np.array(LOST_REASONS)[rng.integers(0, len(LOST_REASONS), size=n)]
    names = [p.code for p in products]

    # Columns are built whole with NumPy and zipped into rows: formatting a million
    # rows one value at a time in Python was the generator's bottleneck.
    now64 = np.datetime64(now.replace(tzinfo=None), "s")
    created64 = now64 - created_ago.astype("timedelta64[s]")
    entered64 = created64 + t.astype("timedelta64[s]")
    closed = final_stage >= 6
    close_date = np.where(
        closed,
        entered64.astype("datetime64[D]"),
        (entered64 + ((typical_left[final_stage] + 3) * 86400).astype("timedelta64[s]")).astype(
            "datetime64[D]"
        ),
    )
    product_codes = np.array(names)[product]
    probability = np.array([DEFAULT_PROBABILITY[Stage(code)] for code in stage_codes])[final_stage]
    entered_text = _timestamps(entered64)
    columns = [
        range(1, n + 1),
        [
            f"{code} for account #{acc + 1} ({i + 1})"
            for i, (code, acc) in enumerate(zip(product_codes.tolist(), account.tolist(), strict=True))
        ],
        (account + 1).tolist(),
        rep_ids[owner].tolist(),
        rep_team[owner].tolist(),
        np.array(stage_codes)[final_stage].tolist(),
        probability.tolist(),
        amount.tolist(),
        currency.tolist(),
        amount_base.tolist(),
        (product + ctx["products"][0].pk).tolist(),
        quantity.tolist(),
        gross_profit.tolist(),
        seg_ids[segment].tolist(),
        source_names[source].tolist(),
        np.datetime_as_string(close_date, unit="D").tolist(),
        [text if is_closed else None for text, is_closed in zip(entered_text, closed.tolist(), strict=True)],
        entered_text,
        np.where(final_stage == 7, lost_reason, "").tolist(),
        [""] * n,
        _timestamps(created64),
        entered_text,
    ]

    def opportunity_rows():
        return zip(*columns, strict=True)

    # What later demo steps (leads, touchpoints, forecasts) need to stay consistent with
    # the deals: index i describes opportunity id i + 1.
    ctx["opportunities"] = {
        "count": n,
        "account_index": account,
        "owner_person_id": rep_ids[owner],
        "team_id": rep_team[owner],
        "source": source_names[source],
        "created_at": [
            value.replace(tzinfo=datetime.UTC) for value in created64.astype("datetime64[us]").tolist()
        ],
        "final_stage": np.array(stage_codes)[final_stage],
        "amount_base": amount_base,
        "product_id": product + ctx["products"][0].pk,
        "segment_id": seg_ids[segment],
    }
    step = time.perf_counter()
    result.rows["opportunities"] = insert_rows(
        "crm_opportunity",
        [
            "id",
            "name",
            "account_id",
            "owner_id",
            "team_id",
            "stage",
            "probability",
            "amount",
            "currency",
            "amount_base",
            "product_id",
            "quantity",
            "gross_profit",
            "segment_id",
            "source",
            "expected_close",
            "closed_at",
            "stage_changed_at",
            "lost_reason",
            "external_id",
            "created_at",
            "updated_at",
        ],
        opportunity_rows(),
    )
    progress(f"opportunities: {n:,} in {time.perf_counter() - step:.1f}s")

    ev_from = np.concatenate(events_from)
    ev_to = np.concatenate(events_to)
    ev_at = np.concatenate(events_at)
    ev_opp = np.concatenate(events_opp)
    order = np.lexsort((ev_at, ev_opp))
    labels = np.array(stage_codes + [""])  # index -1 → ""

    ev_sorted_opp = ev_opp[order]
    ev_sorted_to = ev_to[order]
    ev_sorted_from = ev_from[order]
    ev_times = _timestamps(created64[ev_sorted_opp - 1] + ev_at[order].astype("timedelta64[s]"))
    ev_reason = np.where(
        ev_sorted_to == 7, lost_reason[ev_sorted_opp - 1], np.where(ev_sorted_from < 0, "created", "")
    )
    ev_count = len(order)

    def event_rows():
        return zip(
            range(1, ev_count + 1),
            ["opportunity"] * ev_count,
            ev_sorted_opp.tolist(),
            ev_sorted_opp.tolist(),
            labels[ev_sorted_from].tolist(),
            labels[ev_sorted_to].tolist(),
            ev_times,
            [None] * ev_count,
            ev_reason.tolist(),
            ["demo"] * ev_count,
            strict=True,
        )

    step = time.perf_counter()
    result.rows["stage_events"] = insert_rows(
        StageEvent._meta.db_table,
        [
            "id",
            "object_type",
            "object_id",
            "opportunity_id",
            "from_stage",
            "to_stage",
            "at",
            "actor_id",
            "reason",
            "via",
        ],
        event_rows(),
    )
    progress(f"stage events: {result.rows['stage_events']:,} in {time.perf_counter() - step:.1f}s")

    created_text = _timestamps(created64)

    def participant_rows():
        return zip(
            range(1, n + 1),
            range(1, n + 1),
            rep_ids[owner].tolist(),
            ["owner"] * n,
            created_text,
            strict=True,
        )

    result.rows["participants"] = insert_rows(
        "crm_opportunityparticipant",
        ["id", "opportunity_id", "person_id", "role", "added_at"],
        participant_rows(),
    )

    kinds = ["call", "meeting", "email", "call_report", "note"]
    outcomes = ["connected", "positive", "neutral", "next_step", "no_answer"]
    per_opp = rng.poisson(spec.activities_per_opportunity, size=n)

    activity_opp = np.repeat(np.arange(n), per_opp)
    activity_count = len(activity_opp)
    activity_ids = np.arange(1, activity_count + 1)
    span = np.maximum(1.0, t[activity_opp])
    offset = (span * ((activity_ids * 7919) % 997) / 997).astype("timedelta64[s]")
    activity_at = _timestamps(created64[activity_opp] + offset)
    activity_kind = np.array(kinds)[activity_ids % 5]
    activity_subject = [
        f"{kind.replace('_', ' ').capitalize()} with account #{acc + 1}"
        for kind, acc in zip(activity_kind.tolist(), account[activity_opp].tolist(), strict=True)
    ]

    def activity_rows():
        return zip(
            activity_ids.tolist(),
            activity_kind.tolist(),
            activity_subject,
            [""] * activity_count,
            np.array(outcomes)[activity_ids % 5].tolist(),
            activity_at,
            (account[activity_opp] + 1).tolist(),
            [None] * activity_count,
            (activity_opp + 1).tolist(),
            rep_ids[owner[activity_opp]].tolist(),
            rep_team[owner[activity_opp]].tolist(),
            activity_at,
            strict=True,
        )

    step = time.perf_counter()
    result.rows["activities"] = insert_rows(
        "crm_activity",
        [
            "id",
            "kind",
            "subject",
            "body",
            "outcome",
            "occurred_at",
            "account_id",
            "contact_id",
            "opportunity_id",
            "owner_id",
            "team_id",
            "created_at",
        ],
        activity_rows(),
    )
    progress(f"activities: {result.rows['activities']:,} in {time.perf_counter() - step:.1f}s")

    def activity_participant_rows():
        return zip(
            activity_ids.tolist(),
            activity_ids.tolist(),
            rep_ids[owner[activity_opp]].tolist(),
            ["sales"] * activity_count,
            strict=True,
        )

    result.rows["activity_participants"] = insert_rows(
        "crm_activityparticipant", ["id", "activity_id", "person_id", "function"], activity_participant_rows()
    )
