"""The study's moves from one relationship to the next, each with the Hamsu feature that
implements it, a link to that feature for whoever may open it, and its live status read from
the records.

Statuses of practices whose records live in this app's layers below (CRM, funnel,
directory) are read here through those apps' selectors; the scorecard and collaboration,
peers of this app, register theirs in ``hamsu.core.evidence``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.alignment import evidence
from hamsu.alignment.statements import ORDER
from hamsu.analytics.diagnostic import Relationship
from hamsu.core import evidence as registry
from hamsu.core.company import company_settings
from hamsu.core.evidence import HIGH, Status
from hamsu.crm import selectors_joint as joint
from hamsu.directory import selectors_org as org
from hamsu.directory.models import Function
from hamsu.funnel import selectors_usage as funnel_usage

QUARTER = datetime.timedelta(days=90)
HALF_YEAR = datetime.timedelta(days=180)

__all__ = ["MOVES", "MOVES_BY_KEY", "Link", "Move", "MoveView", "Status", "moves_between"]


@dataclass(frozen=True)
class Link:
    """A page of the feature, shown only to those whose role may open it."""

    url_name: str
    permission: str
    query: str = ""

    def url(self) -> str:
        return reverse(self.url_name) + (f"?{self.query}" if self.query else "")


@dataclass(frozen=True)
class Move:
    key: str
    to: Relationship  # the relationship this move helps reach
    title: str
    why: str
    feature: str
    links: tuple[Link, ...]  # in order of preference
    status: Callable[[datetime.datetime], Status] | None = None  # None: registered by its app

    def url_for(self, user) -> str | None:
        """The first of the feature's pages ``user`` may open (None: no page, or none for them)."""
        for link in self.links:
            if user is None or user.has_perm(link.permission):
                return link.url()
        return None

    def read_status(self, now: datetime.datetime) -> Status:
        reader = self.status or registry.status_reader(self.key)
        if reader is None:
            return Status(_("not set up yet"), None)
        return reader(now)


# ---------------------------------------------------------------- status readers


def rules_status(now) -> Status:
    n = funnel_usage.active_engagement_rules()
    return Status(_("%(n)d rules of engagement in force") % {"n": n}, n > 0)


def handoff_status(now) -> Status:
    n = funnel_usage.handoffs_opened(since=now - QUARTER, until=now)
    return Status(_("%(n)d lead handoffs in the last 90 days") % {"n": n}, n > 0)


def directory_status(now) -> Status:
    fresh = org.profile_freshness(since=now - HALF_YEAR)
    if not fresh.active:
        return Status(_("nobody in the directory yet"), False)
    ratio = fresh.fresh / fresh.active
    return Status(
        _("%(pct)d%% of %(n)d profiles updated in the last 6 months")
        % {"pct": round(ratio * 100), "n": fresh.active},
        ratio >= 0.5,
    )


def big_deal_status(now) -> Status:
    threshold = company_settings().big_deal_threshold
    share = joint.open_big_deals_covered(threshold=threshold, functions=Function.marketing())
    if not share.total:
        return Status(_("no open deal above the big-deal threshold"), None)
    return Status(
        _("marketing involved in %(c)d of %(n)d open big deals") % {"c": share.part, "n": share.total},
        share.part == share.total,
    )


def not_tracked(now) -> Status:
    return Status(_("not tracked by Hamsu"), None)


def cro_status(now) -> Status:
    indicator = evidence.revenue_leader(now)
    return Status(indicator.value, indicator.level == HIGH if indicator.measured else False)


def funnel_status(now) -> Status:
    indicator = evidence.shared_funnel(now)
    return Status(indicator.value, indicator.level == HIGH)


def split_status(now) -> Status:
    functions = org.functions_with_staffed_teams()
    if {Function.UPSTREAM_MARKETING, Function.DOWNSTREAM_MARKETING} <= functions:
        return Status(_("upstream and downstream marketing teams both exist"), True)
    return Status(_("marketing is not split into upstream and downstream teams"), False)


DEFINED, ALIGNED, INTEGRATED = Relationship.DEFINED, Relationship.ALIGNED, Relationship.INTEGRATED

MOVES: tuple[Move, ...] = (
    Move(
        "rules",
        DEFINED,
        gettext_lazy("Clear rules of engagement"),
        gettext_lazy("Agree who does what, so disputes stop before they start."),
        gettext_lazy("Funnel: rules of engagement"),
        (Link("funnel:rules_engagement", "funnel.view_engagementrule"),),
        rules_status,
    ),
    Move(
        "handoff",
        DEFINED,
        gettext_lazy("Defined handoff points for leads"),
        gettext_lazy("Decide exactly when a lead passes from marketing to sales and who follows it up."),
        gettext_lazy("Funnel: lead handoff and SLA"),
        (Link("funnel:sla", "funnel.view_handoff"), Link("funnel:overview", "funnel.view_lead")),
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
        (Link("collaboration:meetings", "collaboration.view_meeting"),),
    ),
    Move(
        "directory",
        ALIGNED,
        gettext_lazy('An up-to-date "who to contact" directory'),
        gettext_lazy("Make it easy for each side to find the right person on the other."),
        gettext_lazy("People directory"),
        (Link("directory:people", "directory.view_person"),),
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
        (
            Link("collaboration:events", "collaboration.view_jointevent"),
            Link("crm:opportunities", "crm.view_opportunity"),
        ),
    ),
    Move(
        "playbook",
        ALIGNED,
        gettext_lazy("A joint playbook for the top accounts"),
        gettext_lazy("Plan together how to grow the top ten accounts in each segment."),
        gettext_lazy("Together: key-account playbooks"),
        (Link("collaboration:key_accounts", "collaboration.view_accountplan"),),
    ),
    Move(
        "events",
        ALIGNED,
        gettext_lazy("Events and training planned together"),
        gettext_lazy("Plan events and conferences jointly and train the two staffs together."),
        gettext_lazy("Together: events and training"),
        (Link("collaboration:events", "collaboration.view_jointevent"),),
    ),
    Move(
        "liaison",
        ALIGNED,
        gettext_lazy("A marketing liaison in the sales force"),
        gettext_lazy("A marketer who lives with the sales team and carries knowledge both ways."),
        gettext_lazy("Together: liaisons"),
        (
            Link("collaboration:liaisons", "collaboration.view_liaisonassignment"),
            Link("directory:people", "directory.view_person"),
        ),
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
        gettext_lazy("Together: sales feedback and its digests"),
        (
            Link("collaboration:digests", "collaboration.view_feedbackdigest"),
            Link("collaboration:feedback_create", "collaboration.add_feedbacknote"),
        ),
    ),
    Move(
        "big_deals",
        ALIGNED,
        gettext_lazy("Marketing on every big opportunity"),
        gettext_lazy(
            'A rule such as "involve the brand manager in every opportunity above the big-deal threshold".'
        ),
        gettext_lazy("Big-deal threshold and the biggest open deals"),
        (
            Link("core:settings", "core.change_companysettings"),
            # Who may not change the threshold can still check the biggest open deals.
            Link("crm:opportunities", "crm.view_opportunity", "open=1&sort=-amount"),
        ),
        big_deal_status,
    ),
    Move(
        "cro",
        INTEGRATED,
        gettext_lazy("One revenue leader"),
        gettext_lazy("A chief revenue or customer officer over marketing, sales, service and pricing."),
        gettext_lazy("People directory"),
        (Link("directory:people", "directory.view_person"),),
        cro_status,
    ),
    Move(
        "funnel",
        INTEGRATED,
        gettext_lazy("A defined marketing-and-sales funnel"),
        gettext_lazy("One funnel from market sensing to customer service, run by both teams."),
        gettext_lazy("Funnel"),
        (Link("funnel:overview", "funnel.view_lead"), Link("scorecard:funnel", "scorecard.view_target")),
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
        (Link("directory:people", "directory.view_person"),),
        split_status,
    ),
    Move(
        "targets",
        INTEGRATED,
        gettext_lazy("Shared revenue targets and a compensation review"),
        gettext_lazy("One number both teams commit to, with rewards that follow it."),
        gettext_lazy("Scorecard: the number"),
        (Link("scorecard:targets", "scorecard.view_target"),),
    ),
    Move(
        "metrics",
        INTEGRATED,
        gettext_lazy("Integrated metrics"),
        gettext_lazy("Measure both teams on shared results."),
        gettext_lazy("Scorecard: metrics"),
        (Link("scorecard:catalogue", "scorecard.view_target"),),
    ),
)
MOVES_BY_KEY = {m.key: m for m in MOVES}


@dataclass(frozen=True)
class MoveView:
    move: Move
    status: Status
    url: str | None


def moves_between(
    current: Relationship, target: Relationship, *, user=None, now: datetime.datetime | None = None
) -> list[MoveView]:
    """The moves that lead from ``current`` up to ``target``, each with its live status and
    the link ``user`` may follow (every move's first link when no user is given)."""
    now = now or timezone.now()
    start, end = ORDER.index(current), ORDER.index(target)
    steps = set(ORDER[start + 1 : end + 1])
    return [MoveView(move, move.read_status(now), move.url_for(user)) for move in MOVES if move.to in steps]
