"""`hamsu engagement_rules`: apply rules of engagement to stage events since the last run."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hamsu.funnel.services.engagement import engagement_catch_up, engagement_rules_install_defaults


class Command(BaseCommand):
    help = "Evaluate rules of engagement over recent stage events (bookmarked)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--install-defaults", action="store_true", help="add the study's example rules first"
        )

    def handle(self, *args, install_defaults=False, **options):
        if install_defaults:
            self.stdout.write(f"installed {engagement_rules_install_defaults()} rule(s)")
        total = 0
        while True:
            n = engagement_catch_up()
            total += n
            if n == 0:
                break
        self.stdout.write(f"read {total} stage event(s)")
