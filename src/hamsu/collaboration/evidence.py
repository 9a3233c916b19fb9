"""What collaboration's records say about the alignment diagnostic: evidence for statements
5, 6, 13, 18 and 19, and the status of the practices this app implements (meetings,
playbooks, events, liaisons, feedback, joint work).

Registered in ``hamsu.core.evidence`` from CollaborationConfig.ready(): the alignment app
reads it there, as the two apps are peers and do not import each other.
"""

from __future__ import annotations

import datetime

from django.db.models import Avg, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.collaboration.models import (
    AccountPlan,
    AssignmentKind,
    CollateralRating,
    CollateralUse,
    FeedbackNote,
    JointAssignment,
    JointEvent,
    LiaisonAssignment,
    MarketingParticipation,
    Meeting,
    MeetingStatus,
    PlanStatus,
)
from hamsu.core import evidence as registry
from hamsu.core.evidence import HIGH, LOW, MIXED, Indicator, Status
from hamsu.crm import selectors_joint as joint
from hamsu.directory import selectors_org as org
from hamsu.directory.models import Function

YEAR = datetime.timedelta(days=365)
QUARTER = datetime.timedelta(days=90)
# The study asks for joint meetings at least quarterly.
MEETING_EVERY_DAYS = 92
MARKETING = sorted(Function.marketing())


def pct(ratio: float) -> str:
    return f"{ratio * 100:.0f}%"


def not_measured(statement: str, label, why: str) -> Indicator:
    return Indicator(statement, str(label), False, why)


# ---------------------------------------------------------------- statements


def collateral_in_won_deals(now: datetime.datetime) -> Indicator:
    """s5: the share of deals won in the last year with marketing's collateral attached, and
    the mean rating sellers gave the collateral."""
    label = gettext_lazy("Collateral used in won deals")
    won = joint.won_opportunities(since=now - YEAR, until=now)
    n_won = won.count()
    if not n_won:
        return not_measured("s5", label, _("no deal won in the last year"))
    used = won.filter(Exists(CollateralUse.objects.filter(opportunity=OuterRef("pk")))).count()
    ratio = used / n_won
    rating = CollateralRating.objects.filter(person__function=Function.SALES).aggregate(r=Avg("stars"))["r"]
    text = _("used in %(pct)s of %(n)d deals won in the last year") % {"pct": pct(ratio), "n": n_won}
    if rating is not None:
        text += "; " + _("sellers rate it %(r).1f of 5") % {"r": rating}
    low = ratio < 0.2 or (rating is not None and rating < 2.5)
    high = ratio >= 0.5 and (rating is None or rating >= 3.5)
    level = HIGH if high else LOW if low else MIXED
    return Indicator("s5", str(label), True, text, level, _("Collateral"), ratio)


def feedback_given(now: datetime.datetime) -> Indicator:
    """s6: the share of active sellers who wrote marketing a feedback note in the last 90 days."""
    label = gettext_lazy("Feedback from sales")
    sellers = org.active_people(function=Function.SALES)
    if not sellers:
        return not_measured("s6", label, _("no sellers in the directory"))
    gave = (
        FeedbackNote.objects.filter(
            author__function=Function.SALES,
            author__is_active=True,
            created_at__gte=now - QUARTER,
            created_at__lte=now,
        )
        .values("author_id")
        .distinct()
        .count()
    )
    ratio = gave / sellers
    level = HIGH if ratio >= 0.5 else LOW if ratio < 0.2 else MIXED
    text = _("%(pct)s of %(n)d sellers gave marketing feedback in the last 90 days") % {
        "pct": pct(ratio),
        "n": sellers,
    }
    return Indicator("s6", str(label), True, text, level, _("Feedback"), ratio)


def marketing_on_key_accounts(now: datetime.datetime) -> Indicator:
    """s13: of the key accounts, how many marketing helps with: a marketing owner on an open
    joint plan, a marketer's recorded participation in the last year, or a marketer in a
    role on one of the account's deals."""
    label = gettext_lazy("Marketing roles on key accounts")
    ids = joint.key_account_ids(now=now)
    if not ids:
        return not_measured("s13", label, _("no won deals yet, so no key accounts"))
    planned = set(
        AccountPlan.objects.filter(account_id__in=ids, marketing_owner__isnull=False)
        .exclude(status=PlanStatus.CLOSED)
        .values_list("account_id", flat=True)
    )
    took_part = set(
        MarketingParticipation.objects.filter(
            plan__account_id__in=ids, occurred_on__gt=(now - YEAR).date(), occurred_on__lte=now.date()
        ).values_list("plan__account_id", flat=True)
    )
    on_deals = joint.accounts_with_deal_role(account_ids=ids, functions=MARKETING)
    covered = len(planned | took_part | on_deals)
    ratio = covered / len(ids)
    level = HIGH if ratio >= 0.5 else LOW if ratio < 0.2 else MIXED
    text = _(
        "marketing helps on %(m)d of the top %(k)d accounts (a plan owner, work on the plan in the "
        "last year or a role on a deal)"
    ) % {"m": covered, "k": len(ids)}
    return Indicator("s13", str(label), True, text, level, _("Key-account plans and deal roles"), ratio)


def people_moved(now: datetime.datetime) -> Indicator:
    """s18: job rotations started in the last year plus people whose function changed
    between sales and marketing in the last year."""
    label = gettext_lazy("People moved between the teams")
    rotations = JointAssignment.objects.filter(
        kind=AssignmentKind.ROTATION, starts_on__gt=(now - YEAR).date(), starts_on__lte=now.date()
    ).count()
    moved = org.function_moves(between=({Function.SALES}, set(MARKETING)), since=now - YEAR, until=now)
    n = rotations + moved
    level = HIGH if n >= 2 else LOW if n == 0 else MIXED
    text = _("%(n)d moves or rotations in the last year") % {"n": n}
    return Indicator("s18", str(label), True, text, level, _("Directory and rotations"))


def joint_events(now: datetime.datetime) -> Indicator:
    """s19: joint trainings and events that started in the last year."""
    label = gettext_lazy("Joint trainings and events")
    n = JointEvent.objects.filter(starts_at__gt=now - YEAR, starts_at__lte=now).count()
    level = HIGH if n >= 2 else LOW if n == 0 else MIXED
    text = _("%(n)d joint trainings or events in the last year") % {"n": n}
    return Indicator("s19", str(label), True, text, level, _("Events"))


# ---------------------------------------------------------------- practices


def meetings_status(now: datetime.datetime) -> Status:
    latest = (
        Meeting.objects.filter(status=MeetingStatus.HELD, starts_at__lte=now)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    if latest is None:
        return Status(_("no meeting held yet"), False)
    days = (now - latest).days
    return Status(_("last held %(days)d days ago") % {"days": days}, days <= MEETING_EVERY_DAYS)


def playbooks_status(now: datetime.datetime) -> Status:
    n = AccountPlan.objects.exclude(status=PlanStatus.CLOSED).count()
    return Status(_("%(n)d key-account playbooks") % {"n": n}, n > 0)


def events_status(now: datetime.datetime) -> Status:
    n = JointEvent.objects.filter(starts_at__gt=now - YEAR, starts_at__lte=now).count()
    return Status(_("%(n)d joint events or trainings in the last year") % {"n": n}, n > 0)


def liaisons_status(now: datetime.datetime) -> Status:
    today = timezone.localdate(now)
    n = (
        LiaisonAssignment.objects.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("liaison_id")
        .distinct()
        .count()
    )
    return Status(_("%(n)d marketing liaisons assigned to sales teams") % {"n": n}, n > 0)


def feedback_status(now: datetime.datetime) -> Status:
    indicator = feedback_given(now)
    return Status(indicator.value, indicator.level != LOW if indicator.measured else False)


def joint_work_status(now: datetime.datetime) -> Status:
    share = joint.deal_activities_joined(functions=MARKETING, since=now - QUARTER, until=now)
    assignments = JointAssignment.objects.filter(
        starts_on__gt=(now - YEAR).date(), starts_on__lte=now.date()
    ).count()
    rotations = _("%(n)d joint assignments or rotations in the last year") % {"n": assignments}
    if not share.total:
        return Status(
            _("no sales activities in the last 90 days") + "; " + rotations, assignments > 0 or None
        )
    text = _("marketers joined %(pct)s of deal activities in the last 90 days") % {"pct": pct(share.ratio)}
    return Status(text + "; " + rotations, share.ratio >= 0.1)


def register() -> None:
    for statement, reader in (
        ("s5", collateral_in_won_deals),
        ("s6", feedback_given),
        ("s13", marketing_on_key_accounts),
        ("s18", people_moved),
        ("s19", joint_events),
    ):
        registry.register_indicator(statement, reader)
    for practice, status in (
        ("meetings", meetings_status),
        ("playbook", playbooks_status),
        ("events", events_status),
        ("liaison", liaisons_status),
        ("feedback", feedback_status),
        ("joint_work", joint_work_status),
    ):
        registry.register_status(practice, status)
