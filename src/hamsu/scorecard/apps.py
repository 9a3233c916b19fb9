from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardConfig(AppConfig):
    name = "hamsu.scorecard"
    label = "scorecard"
    verbose_name = _("Scorecard")

    def ready(self) -> None:
        from hamsu.core import clock, glossary
        from hamsu.scorecard import glossary_forecast
        from hamsu.scorecard.glossary import SECTIONS, TERMS, metric_terms

        glossary.register_section(*SECTIONS)
        glossary.register(*TERMS, *metric_terms())
        glossary.register_section(*glossary_forecast.SECTIONS)
        glossary.register(*glossary_forecast.TERMS)

        clock.register(
            clock.Job(
                "scorecard_refresh", ("scorecard_refresh",), clock.Every(60), _("Refresh the dashboards")
            ),
            # Sundays, like the back-filled history, so accuracy is scored on a regular grid.
            clock.Job(
                "forecast_snapshot",
                ("forecast_snapshot",),
                clock.At("week", hour=5, weekday=6),
                _("Weekly forecast snapshot"),
            ),
            clock.Job(
                "scorecard_digest",
                ("scorecard_digest",),
                clock.At("week", hour=7, weekday=clock.WEEK_START),
                _("Weekly scorecard digest e-mail"),
            ),
        )
        from hamsu.core import roles
        from hamsu.core.navigation import NUMBERS, NavItem, register

        register(
            NavItem(
                "scorecard:dashboard",
                _("Scorecard"),
                "speedometer2",
                order=40,
                permission="scorecard.view_target",
                section=NUMBERS,
            ),
        )
        # The permission matrix for the scorecard (docs/permissions-scorecard.md).
        view = [
            "scorecard.view_target",
            "scorecard.view_funnelplan",
            "scorecard.view_forecastcall",
            "scorecard.view_forecastsnapshot",
            "scorecard.view_costentry",
        ]
        call = ["scorecard.add_forecastcall", "scorecard.change_forecastcall"]
        targets = ["scorecard.add_target", "scorecard.change_target", "scorecard.delete_target"]
        plan = ["scorecard.add_funnelplan", "scorecard.change_funnelplan"]
        costs = ["scorecard.add_costentry", "scorecard.delete_costentry"]
        override = ["scorecard.override_forecastcall"]
        roles.extend(roles.REVENUE_LEADER, view + targets + plan + costs + override)
        roles.extend(
            roles.HEAD_OF_SALES,
            view + targets + plan + costs + override + ["scorecard.sign_sales_funnelplan"],
        )
        roles.extend(roles.HEAD_OF_MARKETING, view + plan + costs + ["scorecard.sign_marketing_funnelplan"])
        roles.extend(roles.SALES_MANAGER, view + call + override)
        roles.extend(roles.SALES_REP, view + call)
        roles.extend(roles.UPSTREAM_MARKETER, view)
        roles.extend(roles.DOWNSTREAM_MARKETER, view + ["scorecard.add_costentry"])
        roles.extend(roles.LIAISON, view)
        roles.extend(roles.ADMINISTRATOR, view + targets + costs + ["scorecard.delete_costentry"])
        # Evidence for the alignment diagnostic, read by the alignment app through core.
        from hamsu.scorecard import evidence

        evidence.register()
        # Links on the CRM's deal and account pages ("Related"); the CRM does not import scorecard.
        from hamsu.core import record_links
        from hamsu.scorecard.record_links import PROVIDERS

        record_links.register(*PROVIDERS)

        # The cost ledger holds every cost that is no campaign's (see hamsu.core.spend).
        from hamsu.core import spend
        from hamsu.scorecard.selectors import ledger_total

        spend.register(
            spend.Ledger(
                key="cost_ledger",
                label=_("Cost ledger"),
                functions=(spend.MARKETING, spend.SALES),
                total=ledger_total,
                order=20,
            )
        )
