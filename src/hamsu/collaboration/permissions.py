"""The collaboration rows of the permission matrix (docs/permissions-collaboration.md).

Model permissions say what a role may do at all; the services add the record rules
(only attendees change a meeting, only a plan's owners change the plan, a seller sees
their own feedback).
"""

from __future__ import annotations

from hamsu.core import roles

VIEW = [
    f"collaboration.view_{model}"
    for model in (
        "meeting",
        "meetingseries",
        "liaisonassignment",
        "accountplan",
        "collateral",
        "jointevent",
        "jointassignment",
        "feedbackdigest",
        "feedbacktheme",
    )
]
SELLER = VIEW + [
    "collaboration.add_feedbacknote",
    "collaboration.add_collateraluse",
    "collaboration.add_collateralrating",
    "collaboration.change_accountplan",
    "collaboration.add_meeting",
    "collaboration.change_meeting",
    "collaboration.add_actionitem",
    "collaboration.change_actionitem",
    "collaboration.add_jointevent",
]
MARKETER = SELLER + [
    "collaboration.view_feedbacknote",
    "collaboration.add_feedbackdigest",
    "collaboration.change_feedbacktheme",
    "collaboration.add_collateral",
    "collaboration.change_collateral",
    "collaboration.add_accountplan",
    "collaboration.add_marketingparticipation",
    "collaboration.add_meetingseries",
    "collaboration.change_jointevent",
]
MANAGER = SELLER + [
    "collaboration.add_accountplan",
    "collaboration.add_meetingseries",
    "collaboration.add_jointassignment",
    "collaboration.change_jointevent",
]
LEADER = sorted(
    set(MARKETER + MANAGER)
    | {
        "collaboration.add_liaisonassignment",
        "collaboration.change_liaisonassignment",
        "collaboration.change_meetingseries",
        "collaboration.change_jointassignment",
    }
)

MATRIX = {
    roles.REVENUE_LEADER: LEADER,
    roles.HEAD_OF_SALES: LEADER,
    roles.HEAD_OF_MARKETING: LEADER,
    roles.ADMINISTRATOR: LEADER,
    roles.SALES_MANAGER: MANAGER,
    roles.SALES_REP: SELLER,
    roles.UPSTREAM_MARKETER: MARKETER,
    roles.DOWNSTREAM_MARKETER: MARKETER,
    roles.LIAISON: MARKETER,
}

_done = False


def register_permissions() -> None:
    global _done
    if _done:
        return
    _done = True
    for role, permissions in MATRIX.items():
        roles.extend(role, permissions)
