"""Run the background task worker (django-tasks database backend)."""

import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tasks_db.management.commands import db_worker


class _Worker(db_worker.Command):
    def configure_logging(self, verbosity: int) -> None:
        # db_worker's -v 0 hides everything, failed tasks too; ours keeps warnings and
        # errors (hamsu serve --quiet) and drops only the line per task.
        super().configure_logging(max(verbosity, 1))
        if verbosity == 0:
            logging.getLogger(db_worker.TASKS_LOGGER).setLevel(logging.WARNING)
            db_worker.logger.setLevel(logging.WARNING)


class Command(BaseCommand):
    help = "Process background tasks (lead re-evaluation, model retraining, digests, …)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, interval, verbosity=1, **options):
        call_command(_Worker(), interval=interval, verbosity=verbosity)
