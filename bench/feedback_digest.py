"""Benchmark the feedback digest: 50,000 notes in English and Persian grouped into themes.

    .venv/bin/python bench/feedback_digest.py [--notes 50000] [--themes 12] [--keep DIR]

Notes are written from the demo's theme templates (price, Jalali reports, ERP integration,
webinar lead quality, case studies, implementation time, offline mobile) with random
fillers, so the right answer is known: the script prints the time to build the digest
(read, vectorise, cluster, label, store memberships) and each theme's purity — the share
of its notes that came from its most common template theme. Target: under 30 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time

FILLERS = [
    "on the call",
    "again this week",
    "said the CFO",
    "per the IT manager",
    "in the tender",
    "در جلسه",
    "به گفتهٔ مدیر مالی",
    "دوباره",
]


def setup_django(var_dir: str) -> None:
    os.environ["HAMSU_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def fill(notes: int, seed: int) -> dict[int, str]:
    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from hamsu.collaboration.demo import COMPETITORS, THEMES
    from hamsu.collaboration.models import FeedbackNote
    from hamsu.directory.models import Function, Person, RoleTitle, Team

    rng = np.random.default_rng(seed)
    keys = list(THEMES)
    weights = np.array([THEMES[k][3] for k in keys])
    weights /= weights.sum()
    now = timezone.now()
    with transaction.atomic():
        team = Team.objects.create(name="Bench sales", function=Function.SALES)
        sellers = Person.objects.bulk_create(
            Person(
                full_name=f"Seller {i}",
                email=f"seller{i}@bench.example",
                function=Function.SALES,
                role_title=RoleTitle.SALES_REP,
                team=team,
            )
            for i in range(200)
        )
        rows, truth = [], []
        for n in range(notes):
            key = keys[int(rng.choice(len(keys), p=weights))]
            field, outcome, complaint, _w, english, persian = THEMES[key]
            pool = persian if rng.random() < 0.4 else english
            text = pool[int(rng.integers(0, len(pool)))].format(
                pct=int(rng.integers(10, 35)), comp=COMPETITORS[n % len(COMPETITORS)], product="Data Platform"
            )
            if rng.random() < 0.5:
                text += ", " + FILLERS[int(rng.integers(0, len(FILLERS)))]
            rows.append(
                FeedbackNote(
                    author=sellers[n % len(sellers)],
                    team=team,
                    outcome=outcome,
                    lead_quality_complaint=complaint,
                    created_at=now - datetime.timedelta(minutes=n),
                    **{field: text},
                )
            )
            truth.append(key)
        FeedbackNote.objects.bulk_create(rows, batch_size=5000)
    return {note.pk: key for note, key in zip(rows, truth, strict=True)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=50_000)
    parser.add_argument("--themes", type=int, default=None, help="default: automatic")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hamsu-bench-") as temp_dir:
        setup_django(args.keep or temp_dir)
        from django.utils import timezone

        from hamsu.collaboration.digest import build_digest
        from hamsu.collaboration.models import FeedbackNote, FeedbackTheme
        from hamsu.directory.models import Person, Team

        # A kept database is reset to a fresh run.
        FeedbackTheme.objects.all().delete()
        FeedbackNote.objects.all().delete()
        Person.objects.filter(email__endswith="@bench.example").delete()
        Team.objects.filter(name="Bench sales").delete()
        started = time.perf_counter()
        truth = fill(args.notes, args.seed)
        print(f"wrote {len(truth):,} notes in {time.perf_counter() - started:.1f}s")
        today = timezone.localdate()
        started, started_cpu = time.perf_counter(), time.process_time()
        digest = build_digest(
            period_start=today - datetime.timedelta(days=400), period_end=today, n_themes=args.themes
        )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - started_cpu
        print(
            f"digest of {digest.note_count:,} notes built in {seconds:.1f}s wall, {cpu:.1f}s CPU "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
        through = FeedbackTheme.notes.through
        members: dict[int, list[int]] = {}
        for theme_id, note_id in through.objects.values_list("feedbacktheme_id", "feedbacknote_id"):
            members.setdefault(theme_id, []).append(note_id)
        for theme in digest.themes.order_by("-size"):
            keys = [truth[i] for i in members.get(theme.pk, [])]
            top = max(set(keys), key=keys.count) if keys else "-"
            purity = keys.count(top) / len(keys) if keys else 0
            print(f"  {theme.size:6,d}  purity {purity:5.0%} ({top:<14}) {theme.label}")
    return 0 if seconds < 30 else 1


if __name__ == "__main__":
    sys.exit(main())
