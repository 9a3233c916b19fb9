"""Demo joint plans for the top accounts of each segment: items, stakeholders and
marketing's participation."""

from __future__ import annotations

import datetime

from hamsu.collaboration.demo.texts import (
    pick,
)
from hamsu.collaboration.models import (
    AccountPlan,
    ActionStatus,
    MarketingParticipation,
    PlanItem,
    PlanItemKind,
    Stakeholder,
)


def _plan_items(rng, plan, n: int, today) -> list:
    """Two plays and two next actions for the ``n``-th plan (unsaved)."""
    return [
        PlanItem(
            plan=plan,
            kind=PlanItemKind.PLAY,
            title="Executive briefing with the CFO on ROI",
            owner=plan.marketing_owner,
        ),
        PlanItem(
            plan=plan,
            kind=PlanItemKind.PLAY,
            title="Site visit to a reference customer",
            owner=plan.sales_owner,
        ),
        PlanItem(
            plan=plan,
            kind=PlanItemKind.NEXT_ACTION,
            title="Send the industry case study",
            owner=plan.marketing_owner,
            due_on=today + datetime.timedelta(days=int(rng.integers(-10, 30))),
            status=ActionStatus.DONE if n % 3 == 0 else ActionStatus.OPEN,
        ),
        PlanItem(
            plan=plan,
            kind=PlanItemKind.NEXT_ACTION,
            title="Agree the expansion proposal",
            owner=plan.sales_owner,
            due_on=today + datetime.timedelta(days=int(rng.integers(5, 60))),
            status=ActionStatus.IN_PROGRESS,
        ),
    ]


def plans(rng, ctx, today, top_by_segment, liaisons, marketers, result) -> None:
    reps = ctx["reps"]
    plans, items, stakeholders, participations = [], [], [], []
    for bucket in top_by_segment.values():
        for rank, index in enumerate(bucket[:3]):
            rep = reps[int(ctx["account_owner"][index])]
            marketing = liaisons.get(rep.team_id) or pick(rng, marketers)
            plan = AccountPlan(
                account_id=index + 1,
                sales_owner=rep,
                marketing_owner=marketing,
                objectives="Grow into a second product line; make us the reference in the segment."
                if rank % 2 == 0
                else "گسترش همکاری به محصول دوم و تبدیل مشتری به مرجع بخش.",
            )
            plans.append(plan)
    AccountPlan.objects.bulk_create(plans)
    for n, plan in enumerate(plans):
        items += _plan_items(rng, plan, n, today)
        stakeholders += [
            Stakeholder(plan=plan, name="CFO", title="Economic buyer", stance="neutral"),
            Stakeholder(plan=plan, name="CIO", title="Technical buyer", stance="champion"),
        ]
        # Marketing took part in most plans, not all: the diagnostic should see the gap.
        if rng.random() < 0.7:
            for _k in range(int(rng.integers(1, 4))):
                participations.append(
                    MarketingParticipation(
                        plan=plan,
                        person=plan.marketing_owner,
                        kind=pick(rng, ["planning", "sales_call", "pricing", "proposal", "executive"]),
                        occurred_on=today - datetime.timedelta(days=int(rng.integers(1, 200))),
                    )
                )
    PlanItem.objects.bulk_create(items)
    Stakeholder.objects.bulk_create(stakeholders)
    MarketingParticipation.objects.bulk_create(participations)
    result.rows["account_plans"] = len(plans)
    result.rows["marketing_participations"] = len(participations)
