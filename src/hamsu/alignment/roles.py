"""The alignment app's part of the permission matrix (docs/permissions-alignment.md)."""

from __future__ import annotations

from hamsu.core import roles

VIEW = ["alignment.view_round", "alignment.view_assessment", "alignment.view_actionitem"]
# Running the diagnostic (rounds, invitations, imports) and deciding the target belong to
# the people who answer for the relationship: the leaders and the administrator.
MANAGE = [
    "alignment.add_round",
    "alignment.change_round",
    "alignment.add_assessment",
    "alignment.add_actionitem",
    "alignment.change_actionitem",
]
FOLLOW_UP = ["alignment.change_actionitem"]

_MATRIX = {
    roles.REVENUE_LEADER: VIEW + MANAGE,
    roles.HEAD_OF_SALES: VIEW + MANAGE,
    roles.HEAD_OF_MARKETING: VIEW + MANAGE,
    roles.ADMINISTRATOR: VIEW + MANAGE,
    roles.SALES_MANAGER: VIEW + FOLLOW_UP,
    roles.LIAISON: VIEW + FOLLOW_UP,
    roles.SALES_REP: VIEW,
    roles.UPSTREAM_MARKETER: VIEW,
    roles.DOWNSTREAM_MARKETER: VIEW,
}
_done = False


def register() -> None:
    global _done
    if _done:
        return
    for role, permissions in _MATRIX.items():
        roles.extend(role, permissions)
    _done = True
