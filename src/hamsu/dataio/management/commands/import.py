"""hamsu import KIND FILE --mapping M.json [--dry-run] [--commit] [--encoding E] [--delimiter D] [--strict]

KIND is accounts, contacts, opportunities, activities, people, products, leads or costs; or
``bundle`` with a directory and a bundle mapping (mappings/maven_crm/bundle.json) that
imports several files in order. Without --commit this is a dry run. With both flags the
dry run's report is printed first and the import runs only if the file can be read.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hamsu.core.errors import DomainError
from hamsu.dataio import services
from hamsu.dataio.mapping import MAPPINGS_DIR, load_mapping_file
from hamsu.dataio.models import ImportIssue, ImportKind, ImportStatus


class Command(BaseCommand):
    help = "Import a CSV/XLSX file (dry run by default; --commit to write)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*ImportKind.values, "bundle"])
        parser.add_argument("file")
        parser.add_argument("--mapping", help="mapping JSON file (a path, or a name under dataio/mappings/)")
        parser.add_argument("--dry-run", action="store_true", help="check only (the default)")
        parser.add_argument("--commit", action="store_true", help="write the rows")
        parser.add_argument("--encoding", default="", help="e.g. utf-8, cp1256 (default: detect)")
        parser.add_argument("--delimiter", default="", help=r"one of , ; \t | (default: detect)")
        parser.add_argument("--strict", action="store_true", help="import nothing if any row has an error")
        parser.add_argument("--user", default="", help="username recorded as the importer")
        parser.add_argument("--issues", type=int, default=20, help="how many report lines to print")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}")
        if options["kind"] == "bundle":
            return self._bundle(Path(options["file"]), options, actor)
        mapping = load_mapping_file(options["mapping"]) if options["mapping"] else None
        ok = self._one(options["kind"], Path(options["file"]), mapping, options, actor)
        if not ok:
            raise CommandError("import failed")

    def _bundle(self, directory: Path, options, actor) -> None:
        if not options["mapping"]:
            raise CommandError("a bundle needs --mapping BUNDLE.json")
        bundle_path = Path(options["mapping"])
        if not bundle_path.exists():
            bundle_path = MAPPINGS_DIR / bundle_path
        bundle = load_mapping_file(bundle_path)
        jobs = []
        for step in bundle.get("steps", []):
            mapping = load_mapping_file(bundle_path.parent / step["mapping"])
            job = self._create(step["kind"], directory / step["file"], mapping, options, actor)
            if job is None:
                raise CommandError(f"step {step['file']} cannot be read; nothing was run")
            jobs.append(job)
        # The dry run is the whole bundle in one transaction, rolled back at the end (so a
        # step sees what the steps before it would write); the commit goes step by step.
        for dry_run in self._modes(options):
            done = services.import_bundle_execute(
                job_ids=[job.pk for job in jobs], dry_run=dry_run, strict=options["strict"]
            )
            for job in done:
                self.stdout.write(self.style.MIGRATE_HEADING(f"{job.kind}: {job.filename}"))
                if job.status == ImportStatus.UPLOADED:
                    self.stdout.write("not run: an earlier step failed")
                    continue
                self._print(job, dry_run, options["issues"])
            failed = next((job for job in done if job.status == ImportStatus.FAILED), None)
            if failed is not None:
                raise CommandError(f"step {failed.filename} failed; later steps were not run")

    @staticmethod
    def _modes(options) -> list[bool]:
        modes = []
        if options["dry_run"] or not options["commit"]:
            modes.append(True)
        if options["commit"]:
            modes.append(False)
        return modes

    def _create(self, kind: str, path: Path, mapping: dict | None, options, actor):
        try:
            job = services.import_job_create(
                actor=actor,
                kind=kind,
                path=path,
                encoding=options["encoding"],
                delimiter=options["delimiter"],
                mapping=mapping,
                via="cli",
            )
        except DomainError as error:
            self.stderr.write(self.style.ERROR(self._problem(error)))
            return None
        self.stdout.write(
            f"{job.filename}: encoding {job.encoding or 'xlsx'}, delimiter {job.delimiter!r}, columns {len(job.headers)}"
        )
        return job

    def _one(self, kind: str, path: Path, mapping: dict | None, options, actor) -> bool:
        job = self._create(kind, path, mapping, options, actor)
        if job is None:
            return False
        for dry_run in self._modes(options):
            job = self._run(job, dry_run, options)
            self._print(job, dry_run, options["issues"])
            if job.status == ImportStatus.FAILED:
                return False
        return True

    def _run(self, job, dry_run: bool, options):
        bar = None
        if not options["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(total=0, unit="rows", desc="dry run" if dry_run else "import", file=self.stderr._out)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                if total and bar.total != total:
                    bar.total = total
                bar.n = done
                bar.refresh()

        try:
            return services.import_job_execute(
                job_id=job.pk, dry_run=dry_run, progress=progress, strict=options["strict"]
            )
        finally:
            if bar is not None:
                bar.close()

    def _print(self, job, dry_run: bool, limit: int) -> None:
        if job.status == ImportStatus.FAILED:
            self.stderr.write(self.style.ERROR(job.message))
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{'DRY RUN' if dry_run else 'IMPORTED'}: {job.total_rows} rows, {verb} {job.created_count}, "
            f"updated {job.updated_count}, unchanged {job.unchanged_count}, duplicates {job.duplicate_count}, "
            f"rows with errors {job.error_count}"
        )
        also = job.summary.get("also_created") or {}
        if also:
            self.stdout.write("also created: " + json.dumps(also))
        for issue in (
            ImportIssue.objects.filter(job=job).exclude(kind="duplicate").order_by("row", "id")[:limit]
        ):
            self.stdout.write(f"  row {issue.row} [{issue.column}] {issue.kind}: {issue.message}")

    @staticmethod
    def _problem(error: DomainError) -> str:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items())
        return f"{error.message} {details}".strip()
