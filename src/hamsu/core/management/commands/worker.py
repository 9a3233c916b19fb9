"""Run the background task worker (django-tasks database backend)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Process background tasks (lead re-evaluation, model retraining, digests, …)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, interval, **options):
        call_command("db_worker", interval=interval)
