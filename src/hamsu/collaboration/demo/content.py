"""Demo collateral (uses on real deals, ratings) and joint events with their rotations."""

from __future__ import annotations

import datetime

import numpy as np

from hamsu.collaboration.demo.texts import (
    COLLATERAL,
    EVENTS,
    pick,
)
from hamsu.collaboration.models import (
    AssignmentKind,
    Collateral,
    CollateralRating,
    CollateralUse,
    JointAssignment,
    JointEvent,
)
from hamsu.directory.models import Function, Team


def collateral(rng, ctx, now, segments, products, marketers, result) -> None:
    opp = ctx["opportunities"]
    owner = marketers[0] if marketers else None
    pieces = []
    for n, (title, kind, stages, _quality) in enumerate(COLLATERAL):
        piece = Collateral.objects.create(
            title=title.format(
                segment=segments[n % len(segments)].name, product=products[n % len(products)].name
            ),
            kind=kind,
            description="Ready to send; ask the liaison for a tailored version.",
            url=f"https://intranet.arya.example/collateral/{n + 1}",
            stages=stages,
            language="en" if n % 3 else "fa",
            owner=owner,
            created_at=now - datetime.timedelta(days=300 - 20 * n),
        )
        piece.segments.set([segments[n % len(segments)]])
        piece.products.set([products[n % len(products)]])
        pieces.append(piece)
    won = np.flatnonzero(opp["final_stage"] == "won")
    lost = np.flatnonzero(opp["final_stage"] == "lost")
    late_open = np.flatnonzero(np.isin(opp["final_stage"], ["decision", "negotiation"]))
    uses, ratings = [], []
    raters = ctx["reps"]
    for piece, (_t, _k, _s, quality) in zip(pieces, COLLATERAL, strict=True):
        n_closed = min(40, len(won), len(lost))
        n_won = int(round(n_closed * quality))
        chosen = list(rng.choice(won, size=n_won, replace=False)) if n_won else []
        chosen += list(rng.choice(lost, size=n_closed - n_won, replace=False)) if n_closed - n_won else []
        if len(late_open):
            chosen += list(rng.choice(late_open, size=min(10, len(late_open)), replace=False))
        for index in chosen:
            index = int(index)
            uses.append(
                CollateralUse(
                    collateral=piece,
                    opportunity_id=index + 1,
                    attached_by_id=int(opp["owner_person_id"][index]),
                    attached_at=opp["created_at"][index] + datetime.timedelta(days=10),
                )
            )
        for rep in rng.choice(len(raters), size=min(6, len(raters)), replace=False):
            stars = int(np.clip(round(rng.normal(1 + 5 * quality, 0.7)), 1, 5))
            ratings.append(CollateralRating(collateral=piece, person=raters[int(rep)], stars=stars))
    CollateralUse.objects.bulk_create(uses, ignore_conflicts=True)
    CollateralRating.objects.bulk_create(ratings, ignore_conflicts=True)
    result.rows["collateral"] = len(pieces)
    result.rows["collateral_uses"] = len(uses)


def events(rng, ctx, now, today, marketers, liaisons, result) -> None:
    reps = ctx["reps"]
    organiser = ctx["people"]["head.marketing"]
    events = []
    for n in range(12):
        title, kind = EVENTS[n % len(EVENTS)]
        starts = (now + datetime.timedelta(days=30 * (n - 8) + 5)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        days = 2 if kind in ("trade_show", "conference") else 0
        event = JointEvent.objects.create(
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(days=days, hours=6),
            location=pick(rng, ["Tehran", "Dubai", "Istanbul", "Online"]),
            organiser=organiser,
            description="Planned together by sales and marketing.",
        )
        chosen = [reps[int(i)] for i in rng.choice(len(reps), size=min(6, len(reps)), replace=False)]
        chosen += marketers[: 2 + n % 3] + list(liaisons.values())[:2]
        event.participants.set({p.pk: p for p in [organiser, *chosen]}.values())
        events.append(event)
    result.rows["joint_events"] = len(events)
    downstream = Team.objects.filter(function=Function.DOWNSTREAM_MARKETING).first()
    rows = []
    if reps and downstream:
        rows.append(
            JointAssignment(
                person=reps[0],
                kind=AssignmentKind.ROTATION,
                host_team=downstream,
                description="Three months in campaign planning",
                starts_on=today - datetime.timedelta(days=200),
                ends_on=today - datetime.timedelta(days=110),
            )
        )
    if marketers:
        rows.append(
            JointAssignment(
                person=marketers[-1],
                kind=AssignmentKind.ROTATION,
                host_team=ctx["teams"][0],
                description="Ride-along with enterprise sellers",
                starts_on=today - datetime.timedelta(days=60),
                ends_on=today + datetime.timedelta(days=30),
            )
        )
        rows.append(
            JointAssignment(
                person=marketers[0],
                kind=AssignmentKind.JOINT,
                host_team=ctx["teams"][-1],
                description="Joint segment plan for the Gulf market",
                starts_on=today - datetime.timedelta(days=20),
            )
        )
    JointAssignment.objects.bulk_create(rows)
    result.rows["joint_assignments"] = len(rows)
