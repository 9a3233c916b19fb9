"""Tell owners about tasks coming due (run by the clock every minute, or by hand)."""

from django.core.management.base import BaseCommand

from hamsu.crm.services_tasks import tasks_remind


class Command(BaseCommand):
    help = "Send one reminder (notification and e-mail) for each open task due within 15 minutes."

    def handle(self, *args, **options):
        sent = tasks_remind()
        self.stdout.write(f"Sent {sent:,} task reminder(s).")
