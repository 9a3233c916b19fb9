"""The study's moves from one relationship to the next, each with the Hamsu feature that
implements it and its live status read from the data (or "not set up yet")."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldError
from django.db import DatabaseError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.alignment import evidence, sources
from hamsu.alignment.statements import ORDER
from hamsu.analytics.diagnostic import Relationship
from hamsu.core.company import company_settings
from hamsu.crm.models import Activity, ActivityParticipant, Opportunity, OpportunityParticipant
from hamsu.crm.stages import OPEN_STAGES
from hamsu.directory.models import Function, Person, RoleTitle, Team

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Status:
    text: str
    in_place: bool | None  # True: working; False: missing or lapsed; None: unknown / not tracked


@dataclass(frozen=True)
class Move:
    key: str
    to: Relationship  # the relationship this move helps reach
    title: str
    why: str
    feature: str
    urls: tuple[str, ...]
    status: Callable[[datetime.datetime], Status]

    def url(self) -> str | None:
        return sources.url_or_none(*self.urls)


NOT_SET_UP = gettext_lazy("not set up yet")


def _not_set_up() -> Status:
    return Status(str(NOT_SET_UP), False)


def _latest_days_ago(model, now: datetime.datetime) -> int | None:
    name = sources.date_field(model)
    if name is None:
        return None
    qs = model.objects.filter(**{f"{name}__lte": now})
    if sources.field(model, "status") is not None:
        qs = qs.filter(status="held")  # planned or cancelled meetings do not count
    latest = qs.order_by(f"-{name}").values_list(name, flat=True).first()
    if latest is None:
        return None
    if not isinstance(latest, datetime.datetime):
        latest = datetime.datetime.combine(latest, datetime.time(), tzinfo=datetime.UTC)
    return (now - latest).days


# ---------------------------------------------------------------- status readers


def rules_status(now) -> Status:
    model = sources.optional_model("funnel", "RuleOfEngagement", "EngagementRule")
    if model is None:
        return _not_set_up()
    n = model.objects.count()
    return Status(_("%(n)d rules of engagement") % {"n": n}, n > 0)


def handoff_status(now) -> Status:
    model = sources.optional_model("funnel", "Handoff", "LeadHandoff")
    if model is None:
        return _not_set_up()
    n = model.objects.filter(**sources.since_filter(model, now - datetime.timedelta(days=90))).count()
    return Status(_("%(n)d lead handoffs in the last 90 days") % {"n": n}, n > 0)


def meetings_status(now) -> Status:
    model = sources.optional_model("collaboration", "Meeting")
    if model is None:
        return _not_set_up()
    days = _latest_days_ago(model, now)
    if days is None:
        return Status(_("no meeting held yet"), False)
    # The study asks for at least quarterly meetings.
    return Status(_("last held %(days)d days ago") % {"days": days}, days <= 92)


def directory_status(now) -> Status:
    counts = Person.objects.filter(is_active=True).aggregate(
        n=Count("pk"), fresh=Count("pk", filter=Q(profile_updated_at__gte=now - datetime.timedelta(days=180)))
    )
    if not counts["n"]:
        return _not_set_up()
    ratio = counts["fresh"] / counts["n"]
    return Status(
        _("%(pct)d%% of %(n)d profiles updated in the last 6 months")
        % {"pct": round(ratio * 100), "n": counts["n"]},
        ratio >= 0.5,
    )


def joint_work_status(now) -> Status:
    since = now - datetime.timedelta(days=90)
    marketer = ActivityParticipant.objects.filter(
        activity=OuterRef("pk"), function__in=sorted(Function.marketing())
    )
    counts = Activity.objects.filter(occurred_at__gte=since, opportunity__isnull=False).aggregate(
        n=Count("pk"), joint=Count("pk", filter=Q(Exists(marketer)))
    )
    if not counts["n"]:
        return Status(_("no sales activities in the last 90 days"), None)
    ratio = counts["joint"] / counts["n"]
    text = _("marketers joined %(pct)d%% of deal activities in the last 90 days") % {
        "pct": round(ratio * 100)
    }
    assignment = sources.optional_model("collaboration", "JointAssignment")
    if assignment is not None:
        n = assignment.objects.filter(
            **sources.since_filter(assignment, now - datetime.timedelta(days=365))
        ).count()
        text += "; " + _("%(n)d joint assignments or rotations in the last year") % {"n": n}
    return Status(text, ratio >= 0.1)


def playbook_status(now) -> Status:
    model = sources.optional_model("collaboration", "Playbook", "KeyAccountPlan", "AccountPlan")
    if model is None:
        return _not_set_up()
    n = model.objects.count()
    return Status(_("%(n)d key-account playbooks") % {"n": n}, n > 0)


def events_status(now) -> Status:
    found = sources.models_named(("collaboration",), "event", "training")
    if not found:
        return _not_set_up()
    n = sum(
        m.objects.filter(**sources.since_filter(m, now - datetime.timedelta(days=365))).count() for m in found
    )
    return Status(_("%(n)d joint events or trainings in the last year") % {"n": n}, n > 0)


def liaison_status(now) -> Status:
    n = Person.objects.filter(is_active=True, role_title=RoleTitle.MARKETING_LIAISON).count()
    if not n:
        return _not_set_up()
    return Status(_("%(n)d marketing liaisons in the directory") % {"n": n}, True)


def feedback_status(now) -> Status:
    indicator = evidence.feedback_answered(now)
    if not indicator.measured:
        return Status(indicator.value, False)
    return Status(indicator.value, indicator.level != "low")


def big_deal_status(now) -> Status:
    threshold = company_settings().big_deal_threshold
    big = Opportunity.objects.filter(stage__in=OPEN_STAGES, amount_base__gte=threshold)
    marketer = OpportunityParticipant.objects.filter(
        opportunity=OuterRef("pk"), person__function__in=sorted(Function.marketing())
    )
    counts = big.aggregate(n=Count("pk"), covered=Count("pk", filter=Q(Exists(marketer))))
    if not counts["n"]:
        return Status(_("no open deal above the big-deal threshold"), None)
    return Status(
        _("marketing involved in %(c)d of %(n)d open big deals") % {"c": counts["covered"], "n": counts["n"]},
        counts["covered"] == counts["n"],
    )


def not_tracked(now) -> Status:
    return Status(_("not tracked by Hamsu"), None)


def cro_status(now) -> Status:
    indicator = evidence.revenue_leader(now)
    return Status(indicator.value, indicator.level == "high" if indicator.measured else False)


def funnel_status(now) -> Status:
    indicator = evidence.shared_funnel(now)
    if not indicator.measured:
        return _not_set_up()
    return Status(indicator.value, indicator.level == "high")


def split_status(now) -> Status:
    functions = set(
        Team.objects.filter(members__is_active=True).values_list("function", flat=True).distinct()
    )
    both = {Function.UPSTREAM_MARKETING, Function.DOWNSTREAM_MARKETING} <= functions
    if both:
        return Status(_("upstream and downstream marketing teams both exist"), True)
    return Status(_("marketing is not split into upstream and downstream teams"), False)


def targets_status(now) -> Status:
    model = sources.optional_model("scorecard", "Target", "RevenueTarget", "TheNumber", "Number")
    if model is None:
        return _not_set_up()
    n = model.objects.count()
    return Status(_("%(n)d shared revenue targets") % {"n": n}, n > 0)


def metrics_status(now) -> Status:
    indicator = evidence.shared_metrics(now)
    if not indicator.measured:
        return _not_set_up()
    return Status(indicator.value, indicator.level == "high")


DEFINED, ALIGNED, INTEGRATED = Relationship.DEFINED, Relationship.ALIGNED, Relationship.INTEGRATED

MOVES: tuple[Move, ...] = (
    Move(
        "rules",
        DEFINED,
        gettext_lazy("Clear rules of engagement"),
        gettext_lazy("Agree who does what, so disputes stop before they start."),
        gettext_lazy("Funnel: rules of engagement"),
        ("funnel:rules", "funnel:engagement_rules", "funnel:index"),
        rules_status,
    ),
    Move(
        "handoff",
        DEFINED,
        gettext_lazy("Defined handoff points for leads"),
        gettext_lazy("Decide exactly when a lead passes from marketing to sales and who follows it up."),
        gettext_lazy("Funnel: lead handoff and SLA"),
        ("funnel:handoffs", "funnel:queue", "funnel:index"),
        handoff_status,
    ),
    Move(
        "meetings",
        ALIGNED,
        gettext_lazy("Regular joint meetings"),
        gettext_lazy(
            "Meet at least quarterly, perhaps monthly, with big opportunities and problems on the agenda and action items followed up."
        ),
        gettext_lazy("Together: meetings"),
        ("collaboration:meetings",),
        meetings_status,
    ),
    Move(
        "directory",
        ALIGNED,
        gettext_lazy('An up-to-date "who to contact" directory'),
        gettext_lazy("Make it easy for each side to find the right person on the other."),
        gettext_lazy("People directory"),
        ("directory:people",),
        directory_status,
    ),
    Move(
        "joint_work",
        ALIGNED,
        gettext_lazy("Joint assignments and job rotation"),
        gettext_lazy(
            "Marketers on sales calls and in account planning; sellers in marketing and product planning."
        ),
        gettext_lazy("CRM: activity participants"),
        ("collaboration:events", "crm:opportunities"),
        joint_work_status,
    ),
    Move(
        "playbook",
        ALIGNED,
        gettext_lazy("A joint playbook for the top accounts"),
        gettext_lazy("Plan together how to grow the top ten accounts in each segment."),
        gettext_lazy("Together: key-account playbooks"),
        ("collaboration:key_accounts",),
        playbook_status,
    ),
    Move(
        "events",
        ALIGNED,
        gettext_lazy("Events and training planned together"),
        gettext_lazy("Plan events and conferences jointly and train the two staffs together."),
        gettext_lazy("Together: events and training"),
        ("collaboration:events",),
        events_status,
    ),
    Move(
        "liaison",
        ALIGNED,
        gettext_lazy("A marketing liaison in the sales force"),
        gettext_lazy("A marketer who lives with the sales team and carries knowledge both ways."),
        gettext_lazy("People directory: liaisons"),
        ("collaboration:liaisons", "directory:people"),
        liaison_status,
    ),
    Move(
        "co_location",
        ALIGNED,
        gettext_lazy("Co-location"),
        gettext_lazy("Seat the teams near each other."),
        gettext_lazy("Outside Hamsu"),
        (),
        not_tracked,
    ),
    Move(
        "feedback",
        ALIGNED,
        gettext_lazy("Better sales feedback, with little disruption"),
        gettext_lazy(
            "Short forms, monthly or quarterly insight summaries, marketers reading call reports and CRM data."
        ),
        gettext_lazy("Together: feedback requests"),
        ("collaboration:digests", "collaboration:feedback_create"),
        feedback_status,
    ),
    Move(
        "big_deals",
        ALIGNED,
        gettext_lazy("Marketing on every big opportunity"),
        gettext_lazy(
            'A rule such as "involve the brand manager in every opportunity above the big-deal threshold".'
        ),
        gettext_lazy("Company settings: big-deal threshold"),
        ("core:settings",),
        big_deal_status,
    ),
    Move(
        "cro",
        INTEGRATED,
        gettext_lazy("One revenue leader"),
        gettext_lazy("A chief revenue or customer officer over marketing, sales, service and pricing."),
        gettext_lazy("People directory"),
        ("directory:people",),
        cro_status,
    ),
    Move(
        "funnel",
        INTEGRATED,
        gettext_lazy("A defined marketing-and-sales funnel"),
        gettext_lazy("One funnel from market sensing to customer service, run by both teams."),
        gettext_lazy("Funnel"),
        ("scorecard:funnel", "funnel:index"),
        funnel_status,
    ),
    Move(
        "split",
        INTEGRATED,
        gettext_lazy("Upstream and downstream marketing"),
        gettext_lazy(
            "Upstream senses customers and shapes products; downstream runs campaigns, collateral and lead development."
        ),
        gettext_lazy("People directory: teams"),
        ("directory:people",),
        split_status,
    ),
    Move(
        "targets",
        INTEGRATED,
        gettext_lazy("Shared revenue targets and a compensation review"),
        gettext_lazy("One number both teams commit to, with rewards that follow it."),
        gettext_lazy("Scorecard: the number"),
        ("scorecard:targets",),
        targets_status,
    ),
    Move(
        "metrics",
        INTEGRATED,
        gettext_lazy("Integrated metrics"),
        gettext_lazy("Measure both teams on shared results."),
        gettext_lazy("Scorecard: metrics"),
        ("scorecard:catalogue", "scorecard:scorecard"),
        metrics_status,
    ),
)
MOVES_BY_KEY = {m.key: m for m in MOVES}


@dataclass(frozen=True)
class MoveView:
    move: Move
    status: Status
    url: str | None


def moves_between(
    current: Relationship, target: Relationship, *, now: datetime.datetime | None = None
) -> list[MoveView]:
    """The moves that lead from ``current`` up to ``target``, each with its live status."""
    now = now or timezone.now()
    start, end = ORDER.index(current), ORDER.index(target)
    steps = set(ORDER[start + 1 : end + 1])
    out = []
    for move in MOVES:
        if move.to not in steps:
            continue
        try:
            status = move.status(now)
        except (FieldError, LookupError, TypeError, ValueError, AttributeError, DatabaseError) as error:
            log.warning("alignment move status %s failed: %s", move.key, error)
            status = Status(_("not set up yet (source not readable)"), None)
        out.append(MoveView(move, status, move.url()))
    return out
