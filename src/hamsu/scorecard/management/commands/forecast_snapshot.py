from django.core.management.base import BaseCommand

from hamsu.scorecard import jobs


class Command(BaseCommand):
    help = "Snapshot every forecast method for this quarter and the next (run weekly); --backfill N for past weeks."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Take the snapshot as of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--backfill", type=int, default=0, help="Also back-fill this many past weeks.")

    def handle(self, *args, **options):
        if options["backfill"]:
            n = jobs.backfill(weeks=options["backfill"], progress=self.stdout.write)
            self.stdout.write(f"back-filled {n} snapshot rows")
        rows = jobs.weekly_snapshot(as_of=options["date"])
        self.stdout.write(self.style.SUCCESS(f"{len(rows)} forecast snapshot rows written"))
