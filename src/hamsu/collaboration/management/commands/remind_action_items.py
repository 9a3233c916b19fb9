"""Remind owners of action items that are due soon or overdue (once a day per item)."""

from django.core.management.base import BaseCommand

from hamsu.collaboration import services


class Command(BaseCommand):
    help = "Remind owners of open action items due within --days days or overdue."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2)

    def handle(self, *args, days, **options):
        count = services.action_items_remind(days_ahead=days)
        self.stdout.write(f"{count} reminder(s) sent.")
