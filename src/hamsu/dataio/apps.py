from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DataioConfig(AppConfig):
    name = "hamsu.dataio"
    label = "dataio"
    verbose_name = _("Data in and out")

    def ready(self) -> None:
        from hamsu.core import glossary, roles
        from hamsu.core.navigation import SETTINGS, NavItem, register
        from hamsu.dataio.glossary import SECTIONS, TERMS
        from hamsu.dataio.permissions import ROLE_PERMISSIONS

        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)

        register(
            NavItem(
                "dataio:imports",
                _("Import"),
                "upload",
                order=90,
                permission="dataio.add_importjob",
                section=SETTINGS,
            ),
            NavItem(
                "dataio:exports",
                _("Export"),
                "download",
                order=91,
                permission="crm.view_account",
                section=SETTINGS,
            ),
            NavItem(
                "dataio:webhooks",
                _("Webhooks"),
                "broadcast",
                order=92,
                permission="dataio.view_webhookendpoint",
                section=SETTINGS,
            ),
        )
        for role, permissions in ROLE_PERMISSIONS.items():
            roles.extend(role, permissions)
