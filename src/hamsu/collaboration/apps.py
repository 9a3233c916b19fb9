from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _unread(user) -> int:
    # Imported when the badge is drawn: apps.py is imported before any model is loaded.
    from hamsu.core.selectors import unread_count
    from hamsu.directory.visibility import person_of

    return unread_count(person_of(user))


class CollaborationConfig(AppConfig):
    name = "hamsu.collaboration"
    label = "collaboration"
    verbose_name = _("Collaboration")

    def ready(self) -> None:
        # Imported here, not at the top of the module: Django imports apps.py before any
        # model is loaded, and everything registered below needs the models.
        from hamsu.collaboration import evidence
        from hamsu.collaboration.glossary import SECTIONS, TERMS
        from hamsu.collaboration.permissions import register_permissions
        from hamsu.collaboration.record_links import PROVIDERS
        from hamsu.core import clock, glossary, record_links
        from hamsu.core.navigation import TOGETHER, NavItem, register

        clock.register(
            clock.Job(
                "remind_action_items",
                ("remind_action_items",),
                clock.At("day", hour=7),
                _("Remind owners of action items due soon"),
            ),
            clock.Job(
                "nudge_stale_profiles",
                ("nudge_stale_profiles",),
                clock.At("week", hour=8, weekday=clock.WEEK_START),
                _("Nudge people whose expertise profile is stale"),
            ),
            clock.Job(
                "feedback_digest",
                ("feedback_digest", "--period", "month"),
                clock.At("month", hour=6, day=1),
                _("Monthly digest of sales feedback for marketing"),
            ),
        )
        register_permissions()
        # Evidence for the alignment diagnostic, read by the alignment app through core.
        evidence.register()
        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)
        register(
            NavItem(
                "collaboration:home",
                _("Working together"),
                "people-fill",
                order=60,
                permission="collaboration.view_meeting",
                section=TOGETHER,
            ),
            NavItem("collaboration:notifications", _("Notifications"), "bell", order=200, badge=_unread),
        )
        # Links on the CRM's deal and account pages ("Related"); the CRM does not import collaboration.
        record_links.register(*PROVIDERS)
