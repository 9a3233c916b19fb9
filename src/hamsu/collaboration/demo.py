"""Demo data for working together (the generator's EXTENSION_APPS hook).

Consistent with the generated company: liaisons live with the four sales teams; a year of
monthly sales–marketing meetings (and a quarterly key-account review) with minutes,
decisions and action items, some still open and carried forward; ~300 feedback notes in
English and Persian around real themes (price, Jalali reports, ERP integration, webinar
lead quality, case studies, implementation time, offline mobile), grouped into quarterly
digests that marketing has partly answered; joint plans for the top accounts of each
segment; collateral with usage on real deals, ratings and win rates; joint events and
rotations; and directory profiles filled in (some stale, some people away).
"""

from __future__ import annotations

import datetime
import time

import numpy as np
from django.utils import timezone

from hamsu.collaboration.agenda import build_agenda
from hamsu.collaboration.digest import build_digest
from hamsu.collaboration.models import (
    AccountPlan,
    ActionItem,
    ActionStatus,
    AssignmentKind,
    Cadence,
    Collateral,
    CollateralRating,
    CollateralUse,
    Decision,
    FeedbackNote,
    JointAssignment,
    JointEvent,
    LiaisonAssignment,
    MarketingParticipation,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    PlanItem,
    PlanItemKind,
    Stakeholder,
    ThemeStatus,
)
from hamsu.collaboration.services import add_months
from hamsu.core.notify import notify
from hamsu.crm.models import Account, Coverage, Opportunity
from hamsu.directory import search_index
from hamsu.directory.models import Function, Person, RoleTitle, Team

COMPETITORS = ["Acme Analytics", "Sepid Systems", "DataNova", "Rayan Soft"]
# key: (field the seller fills, outcome, lead-quality complaint, weight, English, Persian)
THEMES = {
    "price": (
        "outcome_reason",
        "lost",
        False,
        0.20,
        [
            "Our price was {pct}% above {comp}; the customer would not move",
            "{comp} undercut us on price for {product}",
            "Price was the blocker: budget approved at {pct}% less than our quote",
            "Lost on price, {comp} offered a bigger discount",
        ],
        [
            "قیمت ما {pct} درصد بالاتر از {comp} بود",
            "مشتری گفت {comp} ارزان‌تر پیشنهاد داد",
            "بودجهٔ مشتری برای {product} کافی نبود و قیمت مانع شد",
            "به‌خاطر قیمت باختیم، {comp} تخفیف بیشتری داد",
        ],
    ),
    "jalali": (
        "product_gap",
        "open",
        False,
        0.15,
        [
            "Reports need Jalali dates; the ministry will not accept Gregorian",
            "Customer asked for the Persian calendar in dashboards",
            "No Jalali calendar in exported reports is a blocker",
        ],
        [
            "گزارش‌ها باید تاریخ شمسی داشته باشند",
            "داشبورد تقویم شمسی ندارد و مشتری ناراضی است",
            "خروجی گزارش با تاریخ شمسی پیش‌شرط خرید است",
        ],
    ),
    "integration": (
        "product_gap",
        "open",
        False,
        0.15,
        [
            "Needs integration with their ERP before signing",
            "Asked for an API connector to their accounting system",
            "Integration with SAP is a must for {product}",
        ],
        [
            "یکپارچه‌سازی با نرم‌افزار حسابداری را می‌خواهند",
            "اتصال به ERP پیش‌شرط خرید {product} است",
            "بدون یکپارچه‌سازی با سیستم مالی قرارداد نمی‌بندند",
        ],
    ),
    "leads": (
        "customer_need",
        "none",
        True,
        0.15,
        [
            "Webinar leads were students with no buying authority",
            "The leads from the trade show had no budget",
            "Marketing lead was not qualified: no budget, no project",
        ],
        [
            "سرنخ‌های وبینار بودجه نداشتند",
            "سرنخ‌های نمایشگاه تصمیم‌گیرنده نبودند",
            "سرنخ ارسالی مارکتینگ پروژه و بودجه نداشت",
        ],
    ),
    "case_studies": (
        "winning_message",
        "won",
        False,
        0.15,
        [
            "A case study from their own industry won the deal",
            "The reference visit to a similar plant convinced the CFO",
            "The banking success story closed it",
        ],
        [
            "نمونهٔ موفق از صنعت خودشان قرارداد را قطعی کرد",
            "بازدید از مشتری مشابه مدیر مالی را قانع کرد",
            "داستان موفقیت بانک مشتری را راضی کرد",
        ],
    ),
    "implementation": (
        "outcome_reason",
        "lost",
        False,
        0.10,
        [
            "Six months of implementation scared them off",
            "They chose {comp} because of a faster rollout",
            "Implementation time was too long for their deadline",
        ],
        [
            "زمان پیاده‌سازی شش ماهه مشتری را ترساند",
            "رقیب پیاده‌سازی سریع‌تری وعده داد",
            "زمان استقرار برای ضرب‌الاجل مشتری طولانی بود",
        ],
    ),
    "mobile": (
        "product_gap",
        "open",
        False,
        0.10,
        [
            "Field teams need the mobile app to work offline",
            "No offline mode in Field Sales Mobile is a gap",
            "Reps in remote sites lose data without an offline mobile app",
        ],
        [
            "اپلیکیشن موبایل بدون اینترنت کار نمی‌کند",
            "نسخهٔ آفلاین موبایل نیاز جدی فروشندگان میدانی است",
            "در سایت‌های دورافتاده اپ موبایل آفلاین لازم است",
        ],
    ),
}
ANSWERS = {
    "price": "Pricing guide updated with competitive bundles; brand manager joins deals above the threshold.",
    "jalali": "Jalali dates in all reports and exports shipped in release 2.3.",
    "integration": "ERP connector added to the roadmap; solution template for SAP integration published.",
    "leads": "Webinar leads now need a score of 60 and a budget answer before handoff.",
    "case_studies": "Three new industry case studies published in the collateral library.",
    "implementation": "Fast-start implementation package (6 weeks) launched with services.",
    "mobile": "Offline mode is planned for next year; not possible this quarter.",
}
DECISIONS = [
    "Involve the brand manager in every opportunity above the big-deal threshold",
    "Webinar leads go through the SAL check before reaching sellers",
    "Marketing joins the top ten accounts' quarterly reviews",
    "Publish one industry case study per segment each quarter",
    "Sellers file the one-minute feedback form after every lost deal",
    "Pricing exceptions above 15% go to the monthly meeting",
]
ACTIONS = [
    "Send the {segment} case study to all sellers",
    "Review the pricing guide for {product}",
    "Tighten the webinar lead score",
    "Join the {account} call with the account owner",
    "Prepare the competitor sheet on {comp}",
    "Draft the joint plan for {account}",
    "Update the {product} solution template",
]
MINUTES_EN = (
    "Reviewed the big opportunities and the deals stuck in their stage. Marketing presented the latest "
    "feedback themes; sales raised lead quality from recent campaigns. Action items agreed below."
)
MINUTES_FA = (
    "فرصت‌های بزرگ و معامله‌های متوقف مرور شد. مارکتینگ موضوعات بازخورد اخیر را ارائه کرد و فروش کیفیت "
    "سرنخ‌های کمپین‌های اخیر را مطرح کرد. اقدامات توافق‌شده در ادامه آمده است."
)
COLLATERAL = [
    ("Case study: {segment} leader cuts reporting time by 40%", "case_study", "|decision|negotiation|", 0.72),
    ("Success story: regional bank goes live in 8 weeks", "success_story", "|decision|", 0.68),
    ("Solution template: ERP integration", "solution_template", "|solution_development|", 0.55),
    ("Customisation guide: Jalali reporting", "customisation_guide", "|solution_development|decision|", 0.6),
    ("Pricing guide: {product}", "pricing_guide", "|negotiation|", 0.5),
    ("ROI calculator template", "solution_template", "|needs_definition|solution_development|", 0.45),
    ("Case study: hospital group on Customer Portal", "case_study", "|decision|", 0.62),
    ("Competitive pricing guide vs Acme Analytics", "pricing_guide", "|negotiation|", 0.4),
]
EVENTS = [
    ("Joint sales kickoff", "training"),
    ("Value proposition workshop", "workshop"),
    ("Iran Telecom & IT Expo", "trade_show"),
    ("Gulf Retail Summit", "conference"),
    ("Objection handling with marketing", "training"),
    ("Persona refresh workshop", "workshop"),
]


def _pick(rng, items):
    return items[int(rng.integers(0, len(items)))]


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
    _meetings(rng, ctx, now, today, heads, managers, liaisons, marketers, account_names, result)
    _feedback(rng, ctx, now, today, marketers, result)
    _plans(rng, ctx, today, top_by_segment, liaisons, marketers, result)
    _collateral(rng, ctx, now, segments, products, marketers, result)
    _events(rng, ctx, now, today, marketers, liaisons, result)
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


def _meetings(rng, ctx, now, today, heads, managers, liaisons, marketers, account_names, result) -> None:
    meetings = _meeting_rows(_meeting_series(ctx, now, heads, managers, liaisons, marketers), now)
    result.rows["meetings"] = len(meetings)
    decisions, actions = _decisions_and_actions(rng, ctx, now, meetings, account_names)
    Decision.objects.bulk_create(decisions)
    ActionItem.objects.bulk_create(actions)
    _carry_open_items(meetings)
    result.rows["decisions"] = len(decisions)
    result.rows["action_items"] = len(actions)
    owners = {a.owner_id for a in actions if a.status != ActionStatus.DONE and a.due_on < today}
    notify(
        recipients=Person.objects.filter(pk__in=owners),
        kind="action_reminder",
        title="You have overdue action items from the monthly meeting",
        url="/together/",
        email=False,
    )


def _meeting_series(ctx, now, heads, managers, liaisons, marketers) -> list[tuple]:
    """The monthly meeting and the enterprise key-account review: (series, meetings, people)."""
    head_sales = ctx["people"]["head.sales"]
    # Every demo login that works with the sales teams sits in the monthly meeting.
    logins = [ctx["people"][name] for name in ("upstream", "downstream", "liaison") if name in ctx["people"]]
    members = list(
        {p.pk: p for p in heads + managers + list(liaisons.values()) + marketers[:4] + logins}.values()
    )
    first = (now - datetime.timedelta(days=365)).replace(day=10, hour=10, minute=0, second=0, microsecond=0)
    monthly = MeetingSeries.objects.create(
        title="Monthly sales–marketing meeting",
        cadence=Cadence.MONTHLY,
        organiser=head_sales,
        first_at=first,
        duration_minutes=90,
        location="Board room / online",
        created_at=first - datetime.timedelta(days=7),
    )
    monthly.members.set(members)
    enterprise = ctx["teams"][0]
    review_members = [
        head_sales,
        ctx["people"]["head.marketing"],
        *(p for p in managers if p.team_id == enterprise.pk),
    ]
    if enterprise.pk in liaisons:
        review_members.append(liaisons[enterprise.pk])
    if "rep" in ctx["people"]:
        review_members.append(ctx["people"]["rep"])  # the demo seller sees a key-account review
    quarterly = MeetingSeries.objects.create(
        title="Enterprise key-account review",
        cadence=Cadence.QUARTERLY,
        team=enterprise,
        organiser=head_sales,
        first_at=first + datetime.timedelta(days=5),
        duration_minutes=120,
        created_at=first,
    )
    quarterly.members.set(review_members)
    return [(monthly, 15, members), (quarterly, 5, review_members)]


def _meeting_rows(series_list, now) -> list[tuple]:
    """Each series' meetings, held before now and planned after: (meeting, attendees)."""
    meetings = []
    for series, count, people in series_list:
        step = 1 if series.cadence == Cadence.MONTHLY else 3
        for n in range(count):
            starts = add_months(series.first_at, n * step)
            held = starts < now
            meeting = Meeting.objects.create(
                series=series,
                title=series.title,
                starts_at=starts,
                duration_minutes=series.duration_minutes,
                location=series.location,
                status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
                minutes=(MINUTES_EN if n % 3 else MINUTES_FA) if held else "",
                created_at=series.created_at,
            )
            meeting.attendees.set(people)
            meetings.append((meeting, people))
    return meetings


def _action_status(rng, age_days: int) -> str:
    """Old items are mostly done; recent ones are still being worked on."""
    roll = rng.random()
    if age_days > 60:
        return (
            ActionStatus.DONE if roll < 0.85 else (ActionStatus.DROPPED if roll < 0.9 else ActionStatus.OPEN)
        )
    return (
        ActionStatus.DONE if roll < 0.4 else (ActionStatus.IN_PROGRESS if roll < 0.7 else ActionStatus.OPEN)
    )


def _decisions_and_actions(rng, ctx, now, meetings, account_names) -> tuple[list, list]:
    """Two decisions and two or three action items for each meeting held (unsaved)."""
    decisions, actions = [], []
    account_list = list(account_names.values()) or ["a key account"]
    for meeting, people in meetings:
        if meeting.status != MeetingStatus.HELD:
            continue
        for text in rng.choice(DECISIONS, size=2, replace=False):
            decisions.append(Decision(meeting=meeting, text=str(text), created_at=meeting.starts_at))
        age_days = (now - meeting.starts_at).days
        for _k in range(int(rng.integers(2, 4))):
            title = _pick(rng, ACTIONS).format(
                segment=_pick(rng, ctx["segments"]).name,
                product=_pick(rng, ctx["products"]).name,
                account=_pick(rng, account_list),
                comp=_pick(rng, COMPETITORS),
            )
            status = _action_status(rng, age_days)
            actions.append(
                ActionItem(
                    meeting=meeting,
                    title=title,
                    owner=_pick(rng, people),
                    due_on=(meeting.starts_at + datetime.timedelta(days=14)).date(),
                    status=status,
                    last_meeting=meeting,
                    done_at=meeting.starts_at + datetime.timedelta(days=10)
                    if status == ActionStatus.DONE
                    else None,
                    created_at=meeting.starts_at,
                )
            )
    return decisions, actions


def _carry_open_items(meetings) -> None:
    """Open items ride along into every later meeting of their series until they are closed."""
    held = {}
    for meeting, _people in meetings:
        if meeting.status == MeetingStatus.HELD:
            held.setdefault(meeting.series_id, []).append(meeting)
    for item in ActionItem.objects.filter(
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    ).select_related("meeting"):
        later = [m for m in held[item.meeting.series_id] if m.starts_at > item.meeting.starts_at]
        if later:
            item.last_meeting = later[-1]
            item.carried_count = len(later)
            item.save(update_fields=["last_meeting", "carried_count"])


def _feedback(rng, ctx, now, today, marketers, result) -> None:
    opp = ctx["opportunities"]
    keys = list(THEMES)
    weights = np.array([THEMES[k][3] for k in keys])
    weights = weights / weights.sum()
    count = 300
    picks = (
        rng.choice(opp["count"], size=count, replace=False)
        if opp["count"] >= count
        else rng.integers(0, opp["count"], size=count)
    )
    opportunity_ids = [int(i) + 1 for i in picks]
    accounts = dict(Opportunity.objects.filter(pk__in=opportunity_ids).values_list("pk", "account_id"))
    team_of = dict(
        Person.objects.filter(pk__in={int(opp["owner_person_id"][i]) for i in picks}).values_list(
            "pk", "team_id"
        )
    )
    notes, theme_of = [], []
    for n, index in enumerate(picks):
        key = keys[int(rng.choice(len(keys), p=weights))]
        field, outcome, complaint, _w, english, persian = THEMES[key]
        template = _pick(rng, persian if rng.random() < 0.4 else english)
        text = template.format(
            pct=int(rng.integers(10, 35)),
            comp=_pick(rng, COMPETITORS),
            product=_pick(rng, ctx["products"]).name,
        )
        author = int(opp["owner_person_id"][index])
        created = now - datetime.timedelta(days=float(rng.uniform(0, 365)))
        values = {field: text}
        if outcome in ("won", "lost") and rng.random() < 0.5:
            values["competitor"] = _pick(rng, COMPETITORS)
        notes.append(
            FeedbackNote(
                author_id=author,
                team_id=team_of.get(author),
                account_id=accounts.get(opportunity_ids[n]),
                opportunity_id=opportunity_ids[n],
                outcome=outcome,
                lead_quality_complaint=complaint,
                created_at=created,
                **values,
            )
        )
        theme_of.append(key)
    FeedbackNote.objects.bulk_create(notes)
    result.rows["feedback_notes"] = len(notes)
    key_of_note = {note.pk: key for note, key in zip(notes, theme_of, strict=True)}
    result.rows["feedback_themes"] = _feedback_digests(ctx, today, key_of_note)


def _feedback_digests(ctx, today, key_of_note: dict) -> int:
    """Quarterly digests for the past year; marketing has answered most older themes.
    ``key_of_note`` is the theme each note was written for. Returns the number of themes."""
    head_marketing = ctx["people"]["head.marketing"]
    end = today
    periods = []
    for _q in range(4):
        start = end - datetime.timedelta(days=91)
        periods.append((start + datetime.timedelta(days=1), end))
        end = start
    themes_total = 0
    for number, (start, end) in enumerate(reversed(periods)):
        digest = build_digest(period_start=start, period_end=end, n_themes=12, created_by=head_marketing)
        digest.created_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time(9)))
        digest.save(update_fields=["created_at"])
        latest = number == len(periods) - 1
        for theme in digest.themes.prefetch_related("notes"):
            themes_total += 1
            votes: dict[str, int] = {}
            for note in theme.notes.all():
                votes[key_of_note.get(note.pk, "")] = votes.get(key_of_note.get(note.pk, ""), 0) + 1
            key = max(votes, key=votes.get) if votes else ""
            if latest or key not in ANSWERS:
                continue
            declined = key == "mobile"
            theme.status = ThemeStatus.DECLINED if declined else ThemeStatus.ACTED
            theme.action_taken = ANSWERS[key]
            theme.acted_by = head_marketing
            theme.acted_at = digest.created_at + datetime.timedelta(days=12)
            theme.save(update_fields=["status", "action_taken", "acted_by", "acted_at"])
    return themes_total


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


def _plans(rng, ctx, today, top_by_segment, liaisons, marketers, result) -> None:
    reps = ctx["reps"]
    plans, items, stakeholders, participations = [], [], [], []
    for bucket in top_by_segment.values():
        for rank, index in enumerate(bucket[:3]):
            rep = reps[int(ctx["account_owner"][index])]
            marketing = liaisons.get(rep.team_id) or _pick(rng, marketers)
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
                        kind=_pick(rng, ["planning", "sales_call", "pricing", "proposal", "executive"]),
                        occurred_on=today - datetime.timedelta(days=int(rng.integers(1, 200))),
                    )
                )
    PlanItem.objects.bulk_create(items)
    Stakeholder.objects.bulk_create(stakeholders)
    MarketingParticipation.objects.bulk_create(participations)
    result.rows["account_plans"] = len(plans)
    result.rows["marketing_participations"] = len(participations)


def _collateral(rng, ctx, now, segments, products, marketers, result) -> None:
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


def _events(rng, ctx, now, today, marketers, liaisons, result) -> None:
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
            location=_pick(rng, ["Tehran", "Dubai", "Istanbul", "Online"]),
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
