"""This app's rows of the role permission matrix (docs/permissions-dataio.md)."""

from __future__ import annotations

from hamsu.core import roles

_IMPORT = [
    "dataio.add_importjob",
    "dataio.view_importjob",
    "dataio.view_importpreset",
    "dataio.add_importpreset",
]
_WEBHOOKS = [
    "dataio.view_webhookendpoint",
    "dataio.add_webhookendpoint",
    "dataio.change_webhookendpoint",
    "dataio.delete_webhookendpoint",
    "dataio.view_webhookdelivery",
    "dataio.change_webhookdelivery",
]
# Full backup and restore replace or reveal everything: administrators only.
_BACKUP = ["dataio.backup_company"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.ADMINISTRATOR: _IMPORT + _WEBHOOKS + _BACKUP,
    roles.REVENUE_LEADER: _IMPORT + _WEBHOOKS,
    roles.HEAD_OF_SALES: _IMPORT,
    roles.HEAD_OF_MARKETING: _IMPORT,
    roles.SALES_MANAGER: _IMPORT,
}

# Kinds whose records have an add permission of their own app: importing them needs it on
# top of dataio.add_importjob (a file of costs is the same act as typing them in).
KIND_PERMISSIONS: dict[str, str] = {
    "costs": "scorecard.add_costentry",
}


def may_import(user, kind: str) -> bool:
    """``user`` None is the server's operator (``hamsu import`` without --user)."""
    needed = KIND_PERMISSIONS.get(kind)
    return needed is None or user is None or user.has_perm(needed)
