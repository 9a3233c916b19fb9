from django.core.management.base import BaseCommand

from hamsu.scorecard import aggregates


class Command(BaseCommand):
    help = "Fold new stage events into the scorecard's aggregate tables (--rebuild: start again from the whole log)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")
        parser.add_argument("--batch", type=int, default=50_000)

    def handle(self, *args, **options):
        run = aggregates.rebuild if options["rebuild"] else aggregates.fill
        n = run(batch_size=options["batch"], progress=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{n} stage events folded"))
