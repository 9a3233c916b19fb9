"""`hamsu glossary --markdown`: the glossary of figures as docs/metrics.md."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import translation

from hamsu.core import glossary


class Command(BaseCommand):
    help = "Print the glossary of figures (the definition of every figure Hamsu shows) as Markdown."

    def add_arguments(self, parser):
        parser.add_argument(
            "--markdown", action="store_true", help="Markdown, as in docs/metrics.md (default)."
        )
        parser.add_argument("--language", default="en", help="en (default) or fa.")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            self.stdout.write(glossary.as_markdown(), ending="")
