from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "hamsu.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from hamsu.core import clock, glossary
        from hamsu.core.navigation import TOGETHER, NavItem, register
        from hamsu.directory.glossary import SECTIONS, TERMS

        clock.register(
            clock.Job(
                "search_index", ("search_index",), clock.Every(300), _("Refresh the who-to-contact index")
            )
        )
        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)
        register(
            NavItem(
                "directory:people",
                _("People"),
                "person-vcard",
                order=62,
                permission="directory.view_person",
                section=TOGETHER,
            )
        )
