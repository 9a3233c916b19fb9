from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlignmentConfig(AppConfig):
    name = "hamsu.alignment"
    label = "alignment"
    verbose_name = _("Alignment")

    def ready(self) -> None:
        from hamsu.core import clock

        clock.register(
            clock.Job(
                "alignment_remind",
                ("alignment_remind",),
                clock.At("day", hour=7),
                _("Close due diagnostic rounds and remind who has not answered"),
            )
        )
        from hamsu.alignment import evidence, roles
        from hamsu.alignment.glossary import EVIDENCE, SECTIONS, TERMS
        from hamsu.core import glossary
        from hamsu.core.navigation import TOGETHER, NavItem, register

        roles.register()
        evidence.register()
        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS, *EVIDENCE)
        register(
            NavItem(
                "alignment:index",
                _("Alignment"),
                "people",
                order=61,
                permission="alignment.view_round",
                section=TOGETHER,
            ),
        )
