from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "hamsu.crm"
    label = "crm"
    verbose_name = _("CRM")

    def ready(self) -> None:
        from hamsu.core import clock, glossary
        from hamsu.core.navigation import SELL, NavItem, register
        from hamsu.crm.directory_coverage import CrmCoverage
        from hamsu.crm.glossary import SECTIONS, TERMS
        from hamsu.crm.index_sources import ACCOUNTS
        from hamsu.directory import coverage, search_index

        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)
        search_index.register(ACCOUNTS)
        coverage.register(CrmCoverage())
        clock.register(
            clock.Job(
                "remind_tasks", ("remind_tasks",), clock.Every(60), _("Remind owners of tasks coming due")
            )
        )

        register(
            NavItem(
                "crm:pipeline",
                _("Pipeline"),
                "kanban",
                order=10,
                permission="crm.view_opportunity",
                section=SELL,
            ),
            NavItem(
                "crm:opportunities",
                _("Opportunities"),
                "briefcase",
                order=11,
                permission="crm.view_opportunity",
                section=SELL,
            ),
            NavItem(
                "crm:accounts",
                _("Accounts"),
                "building",
                order=12,
                permission="crm.view_account",
                section=SELL,
            ),
            NavItem(
                "crm:contacts",
                _("Contacts"),
                "person-lines-fill",
                order=13,
                permission="crm.view_contact",
                section=SELL,
            ),
            NavItem(
                "crm:tasks",
                _("Tasks"),
                "check2-square",
                order=14,
                permission="crm.view_activity",
                section=SELL,
            ),
        )
