from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FunnelConfig(AppConfig):
    name = "hamsu.funnel"
    label = "funnel"
    verbose_name = _("Funnel")

    def ready(self) -> None:
        from hamsu.core import clock, glossary
        from hamsu.funnel.glossary import SECTIONS, TERMS

        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)

        clock.register(
            clock.Job(
                "engagement_rules",
                ("engagement_rules",),
                clock.Every(60),
                _("Apply rules of engagement to new stage events"),
            ),
            clock.Job(
                "capture_prune",
                ("capture_prune",),
                clock.At("day", hour=3),
                _("Delete processed lead-capture submissions past their keeping time"),
            ),
            clock.Job(
                "retrain_lead_model",
                ("retrain_lead_model",),
                clock.At("day", hour=2),
                _("Retrain the predictive lead score"),
            ),
        )
        from hamsu.core.navigation import NavItem, register
        from hamsu.funnel.permissions import extend_roles

        register(
            NavItem("funnel:overview", _("Funnel"), "funnel", order=20, permission="funnel.view_lead"),
            NavItem("funnel:inbox", _("Lead inbox"), "inbox", order=21, permission="funnel.view_lead"),
            NavItem(
                "funnel:definitions",
                _("Lead definitions"),
                "patch-check",
                order=22,
                permission="funnel.view_leaddefinition",
            ),
            NavItem("funnel:sla", _("Handoff SLA"), "stopwatch", order=23, permission="funnel.view_handoff"),
            NavItem(
                "funnel:rules_routing",
                _("Funnel rules"),
                "signpost-split",
                order=24,
                permission="funnel.view_routingrule",
            ),
        )
        extend_roles()
        # Links on the CRM's deal and account pages ("Related"); the CRM does not import funnel.
        from hamsu.core import record_links
        from hamsu.funnel.record_links import PROVIDERS

        record_links.register(*PROVIDERS)
