"""Build the feedback digest for the last full month or quarter (or given dates)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hamsu.collaboration import services
from hamsu.core.errors import DomainError


def last_full_period(today: datetime.date, period: str) -> tuple[datetime.date, datetime.date]:
    if period == "month":
        end = today.replace(day=1) - datetime.timedelta(days=1)
        return end.replace(day=1), end
    quarter_start_month = 3 * ((today.month - 1) // 3) + 1
    end = today.replace(month=quarter_start_month, day=1) - datetime.timedelta(days=1)
    start_month = 3 * ((end.month - 1) // 3) + 1
    return end.replace(month=start_month, day=1), end


class Command(BaseCommand):
    help = "Group sales feedback into themes for marketing: the last full --period, or --start/--end."

    def add_arguments(self, parser):
        parser.add_argument("--period", choices=["month", "quarter"], default="month")
        parser.add_argument("--start", type=datetime.date.fromisoformat)
        parser.add_argument("--end", type=datetime.date.fromisoformat)
        parser.add_argument("--themes", type=int, default=None)

    def handle(self, *args, period, start, end, themes, **options):
        if (start is None) != (end is None):
            raise CommandError("Give both --start and --end, or neither.")
        if start is None:
            start, end = last_full_period(timezone.localdate(), period)
        try:
            digest = services.feedback_digest_build(
                actor=None, period_start=start, period_end=end, n_themes=themes, via="cli"
            )
        except DomainError as error:
            raise CommandError(f"{error.message}: {error.errors}") from error
        self.stdout.write(f"Digest {digest.pk}: {digest.note_count} notes, {digest.themes.count()} themes.")
        for theme in digest.themes.order_by("-size"):
            self.stdout.write(f"  {theme.size:6d}  {theme.label}")
