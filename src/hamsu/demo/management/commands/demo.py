"""``hamsu demo``: set up the database, generate the demo company once, then serve it."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.urls import reverse

from hamsu.demo import generator

OUTBOX_BACKEND = "hamsu.core.mail.OutboxBackend"


class Command(BaseCommand):
    help = "Migrate, generate the demo company (once), collect static files, and start the server and worker."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(generator.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-serve", action="store_true", help="Only prepare the database; do not start servers."
        )
        parser.add_argument(
            "--extensions",
            default=",".join(generator.EXTENSION_APPS),
            help="Comma-separated apps that add their demo data (default: all). Benchmarks of one area use fewer.",
        )

    def handle(self, *args, scale, seed, bind, no_serve, extensions, verbosity=1, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if generator.demo_exists():
            self.stdout.write("The demo company is already loaded; keeping it.")
        else:
            self.stdout.write(f"Generating the demo company at scale '{scale}' (seed {seed})…")
            result = generator.generate(
                scale=scale,
                seed=seed,
                # Each step's progress only when asked for (-v 2): the terminal keeps to
                # the address, the logins, warnings and errors.
                progress=(lambda m: self.stdout.write(f"  {m}")) if verbosity > 1 else (lambda m: None),
                extensions=[name for name in extensions.split(",") if name],
            )
            rate = result.total_rows / result.seconds if result.seconds else 0
            self.stdout.write(
                f"Done: {result.total_rows:,} rows in {result.seconds:.1f}s ({rate:,.0f} rows/s)."
            )
        host, _, port = bind.partition(":")
        self.stdout.write(self.style.SUCCESS(f"\nHamsu is starting at http://{host}:{port}/"))
        self.stdout.write(f"Demo logins (password: {generator.DEMO_PASSWORD}):")
        for username, role in generator.DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {role}")
        if settings.EMAIL_BACKEND == OUTBOX_BACKEND:
            self.stdout.write(
                f"E-mail is not sent: read it at http://{host}:{port}{reverse('core:outbox')} "
                f"(as admin) or in {settings.EMAIL_FILE_PATH}/"
            )
        if not no_serve:
            call_command("serve", bind=bind, quiet=verbosity < 2)
