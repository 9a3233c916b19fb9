from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "hamsu.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from hamsu.campaigns.permissions import extend_roles
        from hamsu.core.navigation import NavItem, register

        extend_roles()
        register(
            NavItem(
                "campaigns:list", _("Campaigns"), "megaphone", order=30, permission="campaigns.view_campaign"
            ),
            NavItem(
                "campaigns:touchpoints",
                _("Touchpoints"),
                "hand-index",
                order=33,
                permission="campaigns.view_touchpoint",
            ),
            NavItem(
                "campaigns:attribution",
                _("Attribution"),
                "diagram-3",
                order=31,
                permission="campaigns.view_campaign",
            ),
            NavItem(
                "campaigns:closed_loop",
                _("Closed loop"),
                "arrow-repeat",
                order=32,
                permission="campaigns.view_campaign",
            ),
        )
        # Links on the CRM's deal and account pages ("Related"); the CRM does not import campaigns.
        from hamsu.campaigns.record_links import PROVIDERS
        from hamsu.core import record_links

        record_links.register(*PROVIDERS)
