from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hamsu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import request_started
        from django.db.models.signals import post_migrate, post_save

        from hamsu.core import db_datetimes, glossary, navigation, search, two_factor
        from hamsu.core.company import forget_company_currency
        from hamsu.core.glossary_terms import SECTIONS, TERMS
        from hamsu.core.models import CompanySettings
        from hamsu.core.roles import sync_role_groups

        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS)
        navigation.register(
            # What every figure means sits with the figures; the company's own settings and
            # its audit trail with the other settings.
            navigation.NavItem(
                "glossary", _("Glossary of figures"), "book", order=49, section=navigation.NUMBERS
            ),
            navigation.NavItem(
                "core:settings",
                _("Company settings"),
                "gear",
                order=95,
                permission="core.change_companysettings",
                section=navigation.SETTINGS,
            ),
            navigation.NavItem(
                "core:audit",
                _("Audit log"),
                "journal-text",
                order=96,
                permission="core.view_auditentry",
                section=navigation.SETTINGS,
            ),
        )

        # Raw SQL parameters (bulk imports, the demo, executemany updates) store datetimes
        # exactly as the ORM does, so filters and cursors see them (see db_datetimes).
        db_datetimes.install()
        # SQLite learns the letter folding the search boxes compare with (see core.search).
        search.install()

        # Groups and their permissions are code, not data: re-sync after each migrate so
        # the documented permission matrix is always what the database enforces. It runs
        # on every app's signal but acts only after the last app, once all permissions exist.
        post_migrate.connect(sync_role_groups, dispatch_uid="hamsu-sync-roles")

        # Whether the user has an authenticator is settled once, when the session logs in
        # (every way in: the login page, the admin's, a test client), so the two-factor
        # check of each later request costs no query.
        user_logged_in.connect(two_factor.remember_enrollment, dispatch_uid="hamsu-2fa-enrolled")

        # Pages read the company currency once per request (hamsu.core.company): each
        # request reads it afresh, and saving the settings forgets it at once.
        request_started.connect(forget_company_currency, dispatch_uid="hamsu-company-currency-request")
        post_save.connect(
            forget_company_currency, sender=CompanySettings, dispatch_uid="hamsu-company-currency-saved"
        )
