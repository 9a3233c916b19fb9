"""hamsu alignment_remind [--base-url URL] [--queue] — close rounds past their date and
e-mail a fresh link to everyone invited who has not answered yet (run it from cron, e.g.
weekly; or pass --queue to hand the work to the task worker)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hamsu.alignment import tasks


class Command(BaseCommand):
    help = "Close diagnostic rounds that are due and send reminders for open ones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default="", help="Public address for links (default: $HAMSU_BASE_URL)."
        )
        parser.add_argument("--queue", action="store_true", help="Enqueue as a background task instead.")

    def handle(self, *args, base_url: str, queue: bool, **options):
        if queue:
            tasks.remind_and_close.enqueue(base_url)
            self.stdout.write("Queued.")
            return
        outcome = tasks.remind_and_close.call(base_url)
        self.stdout.write(f"Closed {outcome['closed']} round(s); sent {outcome['reminded']} reminder(s).")
