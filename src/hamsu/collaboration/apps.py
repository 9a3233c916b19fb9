from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _unread(user) -> int:
    from hamsu.core.selectors import unread_count
    from hamsu.core.visibility import person_of

    return unread_count(person_of(user))


class CollaborationConfig(AppConfig):
    name = "hamsu.collaboration"
    label = "collaboration"
    verbose_name = _("Collaboration")

    def ready(self) -> None:
        from hamsu.collaboration.permissions import register_permissions
        from hamsu.core.navigation import NavItem, register

        register_permissions()
        register(
            NavItem(
                "collaboration:home",
                _("Together"),
                "people-fill",
                order=60,
                permission="collaboration.view_meeting",
            ),
            NavItem("collaboration:notifications", _("Notifications"), "bell", order=200, badge=_unread),
        )
        # Links on the CRM's deal and account pages ("Related"); the CRM does not import collaboration.
        from hamsu.collaboration.record_links import PROVIDERS
        from hamsu.core import record_links

        record_links.register(*PROVIDERS)
