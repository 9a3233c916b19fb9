"""The campaigns app's part of the role permission matrix (docs/permissions-campaigns.md).

Both teams see campaigns, spend and the attribution and closed-loop figures: the point is
one set of numbers they both trust. Marketing runs campaigns and books their spend;
anyone who captures interactions (sellers logging a call included) may record touches.
"""

from __future__ import annotations

from hamsu.core import roles

VIEW = ["campaigns.view_campaign", "campaigns.view_costline", "campaigns.view_touchpoint"]
RECORD_TOUCHES = ["campaigns.add_touchpoint"]
RUN = [
    "campaigns.add_campaign",
    "campaigns.change_campaign",
    "campaigns.add_costline",
    "campaigns.change_costline",
]
MANAGE = ["campaigns.delete_campaign", "campaigns.delete_costline", "campaigns.delete_touchpoint"]

MATRIX: dict[str, list[str]] = {
    roles.REVENUE_LEADER: VIEW + RECORD_TOUCHES + RUN + MANAGE,
    roles.HEAD_OF_MARKETING: VIEW + RECORD_TOUCHES + RUN + MANAGE,
    roles.ADMINISTRATOR: VIEW + RECORD_TOUCHES + RUN + MANAGE,
    roles.DOWNSTREAM_MARKETER: VIEW + RECORD_TOUCHES + RUN,
    roles.UPSTREAM_MARKETER: VIEW,
    roles.HEAD_OF_SALES: VIEW + RECORD_TOUCHES,
    roles.SALES_MANAGER: VIEW + RECORD_TOUCHES,
    roles.SALES_REP: VIEW + RECORD_TOUCHES,
    roles.LIAISON: VIEW + RECORD_TOUCHES,
}


def extend_roles() -> None:
    for role, permissions in MATRIX.items():
        existing = set(roles.EXTRA_PERMISSIONS.get(role, []))
        roles.extend(role, [p for p in permissions if p not in existing])
