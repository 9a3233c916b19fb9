"""Ask people whose directory profile is older than --days to check it."""

from django.core.management.base import BaseCommand

from hamsu.collaboration import services


class Command(BaseCommand):
    help = "Notify people whose profile was last updated more than --days days ago."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=services.STALE_AFTER_DAYS)

    def handle(self, *args, days, **options):
        count = services.profiles_nudge_stale(days=days)
        self.stdout.write(f"{count} person(s) nudged.")
