"""The funnel's rows of the role permission matrix (docs/permissions-funnel.md)."""

from __future__ import annotations

from hamsu.core import roles

_VIEW = [
    "funnel.view_lead",
    "funnel.view_funnelversion",
    "funnel.view_leaddefinition",
    "funnel.view_handoff",
    "funnel.view_routingrule",
    "funnel.view_slapolicy",
    "funnel.view_engagementrule",
]
_SELL = ["funnel.change_lead", "funnel.accept_lead"]
_MARKET = ["funnel.add_lead", "funnel.change_lead", "funnel.view_captureform"]
_MANAGE_SALES = ["funnel.route_lead", "funnel.add_routingrule", "funnel.change_routingrule"]
_SHARED_DESIGN = [
    "funnel.add_funnelversion",
    "funnel.add_leaddefinition",
    "funnel.approve_leaddefinition",
    "funnel.add_engagementrule",
    "funnel.change_engagementrule",
    "funnel.add_slapolicy",
    "funnel.change_slapolicy",
    "funnel.add_businesscalendar",
]
_MARKETING_TOOLS = [
    "funnel.add_scoringspec",
    "funnel.add_captureform",
    "funnel.change_captureform",
    "funnel.view_captureform",
]

MATRIX = {
    roles.REVENUE_LEADER: _VIEW + _SELL + _MARKET + _MANAGE_SALES + _SHARED_DESIGN + _MARKETING_TOOLS,
    roles.HEAD_OF_SALES: _VIEW + _SELL + _MANAGE_SALES + _SHARED_DESIGN,
    roles.HEAD_OF_MARKETING: _VIEW + _MARKET + _SHARED_DESIGN + _MARKETING_TOOLS,
    roles.SALES_MANAGER: _VIEW + _SELL + _MANAGE_SALES,
    roles.SALES_REP: _VIEW + _SELL,
    roles.UPSTREAM_MARKETER: _VIEW,
    roles.DOWNSTREAM_MARKETER: _VIEW + _MARKET,
    roles.LIAISON: _VIEW + ["funnel.change_lead"],
    roles.ADMINISTRATOR: _VIEW + _SELL + _MARKET + _MANAGE_SALES + _SHARED_DESIGN + _MARKETING_TOOLS,
}


def may_see_the_queue(user) -> bool:
    """Sales managers assign from the handoff queue; marketing (heads and marketers who
    hand leads over) watches how its leads wait there. The page and the API ask here."""
    return user.has_perm("funnel.route_lead") or user.has_perm("funnel.add_lead")


def extend_roles() -> None:
    if getattr(extend_roles, "_done", False):
        return
    for role, permissions in MATRIX.items():
        roles.extend(role, permissions)
    extend_roles._done = True
