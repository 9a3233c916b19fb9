"""Roles are Django groups; this module is the permission matrix (docs/permissions.md).

Permissions are codenames ``<app_label>.<action>_<model>``. Each role lists what it may
do; record *visibility* (which rows) is a separate, company-wide setting applied by
``hamsu.directory.visibility``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

REVENUE_LEADER = "revenue_leader"
HEAD_OF_SALES = "head_of_sales"
HEAD_OF_MARKETING = "head_of_marketing"
SALES_MANAGER = "sales_manager"
SALES_REP = "sales_rep"
UPSTREAM_MARKETER = "upstream_marketer"
DOWNSTREAM_MARKETER = "downstream_marketer"
LIAISON = "liaison"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    REVENUE_LEADER: _("Revenue leader"),
    HEAD_OF_SALES: _("Head of sales"),
    HEAD_OF_MARKETING: _("Head of marketing"),
    SALES_MANAGER: _("Sales manager"),
    SALES_REP: _("Sales rep"),
    UPSTREAM_MARKETER: _("Upstream marketer"),
    DOWNSTREAM_MARKETER: _("Downstream marketer"),
    LIAISON: _("Marketing liaison"),
    ADMINISTRATOR: _("Administrator"),
}

# Roles that see every record whatever the visibility setting: they answer for the whole
# number, so hiding rows from them would make their figures wrong.
SEES_EVERYTHING = {REVENUE_LEADER, HEAD_OF_SALES, HEAD_OF_MARKETING, ADMINISTRATOR}
# Roles that see their whole team under "own records" visibility.
SEES_TEAM = {SALES_MANAGER, LIAISON}

_VIEW_CORE = [
    "crm.view_account",
    "crm.view_contact",
    "crm.view_opportunity",
    "crm.view_activity",
    "crm.view_segment",
    "crm.view_product",
    "directory.view_person",
    "directory.view_team",
]
_SELL = [
    "crm.add_account",
    "crm.change_account",
    "crm.add_contact",
    "crm.change_contact",
    "crm.add_opportunity",
    "crm.change_opportunity",
    "crm.add_activity",
    "crm.change_activity",
]
_CATALOGUE = [
    "crm.add_segment",
    "crm.change_segment",
    "crm.add_product",
    "crm.change_product",
]
_MANAGE = ["crm.delete_account", "crm.delete_contact", "crm.delete_opportunity", "crm.delete_activity"]

PERMISSIONS: dict[str, list[str]] = {
    REVENUE_LEADER: _VIEW_CORE + _SELL + _CATALOGUE + _MANAGE + ["core.view_auditentry"],
    HEAD_OF_SALES: _VIEW_CORE + _SELL + _MANAGE + ["core.view_auditentry"],
    HEAD_OF_MARKETING: _VIEW_CORE
    + _CATALOGUE
    + ["crm.add_activity", "crm.change_activity", "core.view_auditentry"],
    SALES_MANAGER: _VIEW_CORE + _SELL + _MANAGE,
    SALES_REP: _VIEW_CORE + _SELL,
    UPSTREAM_MARKETER: _VIEW_CORE + _CATALOGUE + ["crm.add_activity"],
    DOWNSTREAM_MARKETER: _VIEW_CORE
    + ["crm.add_activity", "crm.add_contact", "crm.change_contact", "crm.add_account"],
    LIAISON: _VIEW_CORE + ["crm.add_activity", "crm.change_activity", "crm.change_opportunity"],
    ADMINISTRATOR: _VIEW_CORE
    + _SELL
    + _CATALOGUE
    + _MANAGE
    + [
        "core.view_auditentry",
        "core.change_companysettings",
        "core.view_companysettings",
        "core.view_outboxmessage",
        "core.add_currencyrate",
        "core.change_currencyrate",
        "directory.add_person",
        "directory.change_person",
        "directory.add_team",
        "directory.change_team",
    ],
}

# Other apps extend the matrix for their own models at import time (see their roles.py).
EXTRA_PERMISSIONS: dict[str, list[str]] = {}


def extend(role: str, permissions: list[str]) -> None:
    EXTRA_PERMISSIONS.setdefault(role, []).extend(permissions)


def role_permissions(role: str) -> list[str]:
    return sorted(set(PERMISSIONS.get(role, []) + EXTRA_PERMISSIONS.get(role, [])))


def sync_role_groups(app_config=None, using="default", **kwargs) -> None:
    """Create the role groups and set exactly the permissions the matrix gives them."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is not with_models[-1]:
        return

    by_key = {
        f"{app}.{codename}": pk
        for pk, app, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
    }
    for role in ROLE_LABELS:
        group, _created = Group.objects.get_or_create(name=role)
        wanted = [by_key[key] for key in role_permissions(role) if key in by_key]
        group.permissions.set(wanted)


def roles_of(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_hamsu_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMINISTRATOR)
        user._hamsu_roles = cached
    return cached
