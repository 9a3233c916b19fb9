"""Demo data for working together (the generator's EXTENSION_APPS hook).

Consistent with the generated company: liaisons live with the four sales teams; a year of
monthly sales–marketing meetings (and a quarterly key-account review) with minutes,
decisions and action items, some still open and carried forward; ~300 feedback notes in
English and Persian around real themes (price, Jalali reports, ERP integration, webinar
lead quality, case studies, implementation time, offline mobile), grouped into quarterly
digests that marketing has partly answered; joint plans for the top accounts of each
segment; collateral with usage on real deals, ratings and win rates; joint events and
rotations; and directory profiles filled in (some stale, some people away).

One module per subject (``meetings``, ``feedback``, ``plans``, ``content``); ``texts``
holds the words they draw from.
"""

from __future__ import annotations

import datetime
import time

import numpy as np
from django.utils import timezone

from hamsu.collaboration.agenda import build_agenda
from hamsu.collaboration.demo.content import collateral, events
from hamsu.collaboration.demo.feedback import feedback
from hamsu.collaboration.demo.meetings import meetings
from hamsu.collaboration.demo.plans import plans
from hamsu.collaboration.models import (
    LiaisonAssignment,
    Meeting,
)
from hamsu.crm.models import Account, Coverage
from hamsu.directory import search_index
from hamsu.directory.models import Function, Person, RoleTitle


def generate(*, spec, rng, ctx, now, result, progress) -> None:
    started = time.perf_counter()
    rng = np.random.default_rng(int(rng.integers(0, 2**31)))
    today = timezone.localdate(now)
    people = ctx["people"]
    teams = ctx["teams"]
    segments = ctx["segments"]
    products = ctx["products"]
    opp = ctx["opportunities"]
    liaisons = {p.team_id: p for p in Person.objects.filter(role_title=RoleTitle.MARKETING_LIAISON)}
    marketers = list(Person.objects.filter(function__in=Function.marketing(), is_active=True).order_by("pk"))
    managers = list(Person.objects.filter(role_title=RoleTitle.SALES_MANAGER).order_by("pk"))
    heads = [people["cro"], people["head.sales"], people["head.marketing"]]

    # Accounts ranked by won revenue, then open pipeline, straight from the generated deals.
    n_accounts = len(ctx["account_segment"])
    won_mask = opp["final_stage"] == "won"
    open_mask = ~np.isin(opp["final_stage"], ["won", "lost"])
    amount = opp["amount_base"].astype(float)
    won_by_account = np.bincount(
        opp["account_index"][won_mask], weights=amount[won_mask], minlength=n_accounts
    )
    open_by_account = np.bincount(
        opp["account_index"][open_mask], weights=amount[open_mask], minlength=n_accounts
    )
    order = np.lexsort((-open_by_account, -won_by_account))
    top_by_segment: dict[int, list[int]] = {s: [] for s in range(len(segments))}
    for index in order:
        bucket = top_by_segment[int(ctx["account_segment"][index])]
        if len(bucket) < 10:
            bucket.append(int(index))
        if all(len(b) == 10 for b in top_by_segment.values()):
            break
    key_account_ids = [i + 1 for bucket in top_by_segment.values() for i in bucket]
    account_names = dict(Account.objects.filter(pk__in=key_account_ids).values_list("pk", "name"))

    _liaisons_and_profiles(rng, ctx, teams, liaisons, marketers, top_by_segment, now, today, result)
    meetings(rng, ctx, now, today, heads, managers, liaisons, marketers, account_names, result)
    feedback(rng, ctx, now, today, marketers, result)
    plans(rng, ctx, today, top_by_segment, liaisons, marketers, result)
    collateral(rng, ctx, now, segments, products, marketers, result)
    events(rng, ctx, now, today, marketers, liaisons, result)
    result.rows["search_words"] = search_index.rebuild()
    # The next meeting's agenda, generated from the live demo data.
    upcoming = Meeting.objects.filter(starts_at__gte=now, series__isnull=False).order_by("starts_at").first()
    if upcoming is not None:
        upcoming.agenda = build_agenda(meeting=upcoming, now=now)
        upcoming.agenda_generated_at = now
        upcoming.save(update_fields=["agenda", "agenda_generated_at"])
    progress(
        f"collaboration: {result.rows['meetings']} meetings, {result.rows['feedback_notes']} feedback notes, "
        f"{result.rows['account_plans']} plans, {result.rows['collateral_uses']} collateral uses "
        f"({time.perf_counter() - started:.1f}s)"
    )


def _liaisons_and_profiles(rng, ctx, teams, liaisons, marketers, top_by_segment, now, today, result) -> None:
    rows = [
        LiaisonAssignment(
            liaison=liaisons[team.pk],
            team=team,
            starts_on=today - datetime.timedelta(days=400 - 30 * i),
            note="Lives with the team: weekly pipeline call, key-account reviews.",
        )
        for i, team in enumerate(teams)
        if team.pk in liaisons
    ]
    LiaisonAssignment.objects.bulk_create(rows)
    result.rows["liaison_assignments"] = len(rows)

    # Profiles: sellers cover their accounts' segments and two products; liaisons cover
    # their team's key accounts; some profiles are stale and a few people are away.
    reps = ctx["reps"]
    segments, products = ctx["segments"], ctx["products"]
    owner_of_account = ctx["account_owner"]
    seg_rows, prod_rows, account_rows = [], [], []
    for r, rep in enumerate(reps):
        owned_segments = np.unique(ctx["account_segment"][owner_of_account == r])
        seg_rows += [Coverage(person_id=rep.pk, segment_id=segments[int(s)].pk) for s in owned_segments[:3]]
        for p in rng.choice(len(products), size=2, replace=False):
            prod_rows.append(Coverage(person_id=rep.pk, product_id=products[int(p)].pk))
    for s, marketer in enumerate(marketers):
        seg_rows.append(Coverage(person_id=marketer.pk, segment_id=segments[s % len(segments)].pk))
        prod_rows.append(Coverage(person_id=marketer.pk, product_id=products[s % len(products)].pk))
    rep_team = np.array([rep.team_id for rep in reps])
    for team_id, liaison in liaisons.items():
        team_accounts = [
            i
            for bucket in top_by_segment.values()
            for i in bucket
            if rep_team[owner_of_account[i]] == team_id
        ]
        account_rows += [Coverage(person_id=liaison.pk, account_id=i + 1) for i in team_accounts[:8]]
    Coverage.objects.bulk_create(seg_rows + prod_rows + account_rows, ignore_conflicts=True)
    everyone = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    ages = rng.integers(0, 320, size=len(everyone))
    for age in np.unique(ages // 20):
        ids = [pk for pk, a in zip(everyone, ages, strict=True) if a // 20 == age]
        Person.objects.filter(pk__in=ids).update(
            profile_updated_at=now - datetime.timedelta(days=int(age) * 20 + 1)
        )
    away = [reps[int(i)].pk for i in rng.choice(len(reps), size=min(2, len(reps)), replace=False)]
    Person.objects.filter(pk__in=away).update(absent_until=today + datetime.timedelta(days=12))
