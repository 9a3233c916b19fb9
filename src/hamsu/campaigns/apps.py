from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "hamsu.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from hamsu.campaigns.glossary import SECTIONS, TERMS
        from hamsu.campaigns.permissions import extend_roles
        from hamsu.core import glossary, roles
        from hamsu.core.navigation import MARKET, NUMBERS, NavItem, register

        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)
        extend_roles()
        register(
            NavItem(
                "campaigns:list",
                _("Campaigns"),
                "megaphone",
                order=30,
                permission="campaigns.view_campaign",
                section=MARKET,
            ),
            # Touches are marketing's raw material; a seller logs one from a deal and reads
            # them from a campaign or the campaign list.
            NavItem(
                "campaigns:touchpoints",
                _("Touchpoints"),
                "hand-index",
                order=33,
                permission="campaigns.view_touchpoint",
                section=MARKET,
                roles=frozenset(
                    {
                        roles.REVENUE_LEADER,
                        roles.HEAD_OF_MARKETING,
                        roles.UPSTREAM_MARKETER,
                        roles.DOWNSTREAM_MARKETER,
                        roles.LIAISON,
                        roles.ADMINISTRATOR,
                    }
                ),
                parent="campaigns:list",
            ),
            NavItem(
                "campaigns:attribution",
                _("Attribution"),
                "diagram-3",
                order=42,
                permission="campaigns.view_campaign",
                section=NUMBERS,
            ),
            NavItem(
                "campaigns:closed_loop",
                _("Closed loop"),
                "arrow-repeat",
                order=43,
                permission="campaigns.view_campaign",
                section=NUMBERS,
            ),
        )
        # Links on the CRM's deal and account pages ("Related"); the CRM does not import campaigns.
        from hamsu.campaigns.record_links import PROVIDERS
        from hamsu.core import record_links

        record_links.register(*PROVIDERS)

        # Campaign spend is part of every "marketing spend" figure (see hamsu.core.spend).
        from hamsu.campaigns.selectors import campaign_ledger_total
        from hamsu.core import spend

        spend.register(
            spend.Ledger(
                key="campaigns",
                label=_("Campaign spend"),
                functions=(spend.MARKETING,),
                total=campaign_ledger_total,
                order=10,
            )
        )
        # Each lead capture becomes a touchpoint; the funnel's capture does not import campaigns.
        from hamsu.campaigns.capture_touches import RECORDER
        from hamsu.funnel import capture_touches

        capture_touches.register(RECORDER)
