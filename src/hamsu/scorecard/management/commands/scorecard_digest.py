from django.core.management.base import BaseCommand

from hamsu.scorecard.digest import send_digest


class Command(BaseCommand):
    help = "E-mail each person the scorecard figures of their role (run weekly)."

    def handle(self, *args, **options):
        self.stdout.write(self.style.SUCCESS(f"{send_digest()} digests sent"))
