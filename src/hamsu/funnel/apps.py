from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FunnelConfig(AppConfig):
    name = "hamsu.funnel"
    label = "funnel"
    verbose_name = _("Funnel")

    def ready(self) -> None:
        # Imported here, not at the top of the module: Django imports apps.py before any
        # model is loaded, and everything registered below needs the models.
        from hamsu.core import clock, glossary, record_links, roles
        from hamsu.core.navigation import MARKET, NUMBERS, SELL, SETTINGS, NavItem, register
        from hamsu.crm.models import register_stage_labels
        from hamsu.funnel import lead_reactions
        from hamsu.funnel.glossary import SECTIONS, TERMS
        from hamsu.funnel.models import LeadState
        from hamsu.funnel.permissions import extend_roles
        from hamsu.funnel.record_links import PROVIDERS
        from hamsu.funnel.services.engagement import evaluate_rules_for_lead

        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)

        # The stage-event log lives in the CRM, which does not import the funnel: the
        # lead lifecycle's labels are handed to it here.
        register_stage_labels(LeadState.choices)

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
        register(
            NavItem(
                "funnel:overview",
                _("Funnel"),
                "funnel",
                order=31,
                permission="funnel.view_lead",
                section=MARKET,
            ),
            NavItem(
                "funnel:inbox",
                _("Lead inbox"),
                "inbox",
                order=15,
                permission="funnel.view_lead",
                section=SELL,
            ),
            # Defining a lead is marketing's and the leaders' work; sellers read the current
            # definition on the funnel's tabs.
            NavItem(
                "funnel:definitions",
                _("Lead definitions"),
                "patch-check",
                order=32,
                permission="funnel.view_leaddefinition",
                section=MARKET,
                roles=frozenset(
                    {
                        roles.REVENUE_LEADER,
                        roles.HEAD_OF_SALES,
                        roles.HEAD_OF_MARKETING,
                        roles.UPSTREAM_MARKETER,
                        roles.DOWNSTREAM_MARKETER,
                        roles.LIAISON,
                        roles.ADMINISTRATOR,
                    }
                ),
                parent="funnel:overview",
            ),
            NavItem(
                "funnel:sla",
                _("Handoff SLA"),
                "stopwatch",
                order=41,
                permission="funnel.view_handoff",
                section=NUMBERS,
            ),
            # Routing, SLA policies and rules of engagement are set by those who may change
            # them; everyone else reads them from the funnel's "Rules" tab.
            NavItem(
                "funnel:rules_routing",
                _("Funnel rules"),
                "signpost-split",
                order=88,
                permission="funnel.view_routingrule",
                section=SETTINGS,
                roles=frozenset(
                    {
                        roles.REVENUE_LEADER,
                        roles.HEAD_OF_SALES,
                        roles.HEAD_OF_MARKETING,
                        roles.SALES_MANAGER,
                        roles.ADMINISTRATOR,
                    }
                ),
                parent="funnel:overview",
            ),
        )
        extend_roles()
        # Links on the CRM's deal and account pages ("Related"); the CRM does not import funnel.
        record_links.register(*PROVIDERS)
        # The rules of engagement react when sales returns a lead; the lifecycle below them
        # does not import them.
        lead_reactions.on_return("funnel.engagement", evaluate_rules_for_lead)
