"""Demo field feedback: notes in English and Persian around real themes, grouped into
quarterly digests that marketing has partly answered."""

from __future__ import annotations

import datetime

import numpy as np
from django.utils import timezone

from hamsu.collaboration.demo.texts import (
    ANSWERS,
    COMPETITORS,
    THEMES,
    pick,
)
from hamsu.collaboration.digest import build_digest
from hamsu.collaboration.models import (
    FeedbackNote,
    ThemeStatus,
)
from hamsu.crm.models import Opportunity
from hamsu.directory.models import Person


def feedback(rng, ctx, now, today, marketers, result) -> None:
    opp = ctx["opportunities"]
    keys = list(THEMES)
    weights = np.array([THEMES[k][3] for k in keys])
    weights = weights / weights.sum()
    count = 300
    picks = (
        rng.choice(opp["count"], size=count, replace=False)
        if opp["count"] >= count
        else rng.integers(0, opp["count"], size=count)
    )
    opportunity_ids = [int(i) + 1 for i in picks]
    accounts = dict(Opportunity.objects.filter(pk__in=opportunity_ids).values_list("pk", "account_id"))
    team_of = dict(
        Person.objects.filter(pk__in={int(opp["owner_person_id"][i]) for i in picks}).values_list(
            "pk", "team_id"
        )
    )
    notes, theme_of = [], []
    for n, index in enumerate(picks):
        key = keys[int(rng.choice(len(keys), p=weights))]
        field, outcome, complaint, _w, english, persian = THEMES[key]
        template = pick(rng, persian if rng.random() < 0.4 else english)
        text = template.format(
            pct=int(rng.integers(10, 35)),
            comp=pick(rng, COMPETITORS),
            product=pick(rng, ctx["products"]).name,
        )
        author = int(opp["owner_person_id"][index])
        created = now - datetime.timedelta(days=float(rng.uniform(0, 365)))
        values = {field: text}
        if outcome in ("won", "lost") and rng.random() < 0.5:
            values["competitor"] = pick(rng, COMPETITORS)
        notes.append(
            FeedbackNote(
                author_id=author,
                team_id=team_of.get(author),
                account_id=accounts.get(opportunity_ids[n]),
                opportunity_id=opportunity_ids[n],
                outcome=outcome,
                lead_quality_complaint=complaint,
                created_at=created,
                **values,
            )
        )
        theme_of.append(key)
    FeedbackNote.objects.bulk_create(notes)
    result.rows["feedback_notes"] = len(notes)
    key_of_note = {note.pk: key for note, key in zip(notes, theme_of, strict=True)}
    result.rows["feedback_themes"] = _feedback_digests(ctx, today, key_of_note)


def _feedback_digests(ctx, today, key_of_note: dict) -> int:
    """Quarterly digests for the past year; marketing has answered most older themes.
    ``key_of_note`` is the theme each note was written for. Returns the number of themes."""
    head_marketing = ctx["people"]["head.marketing"]
    end = today
    periods = []
    for _q in range(4):
        start = end - datetime.timedelta(days=91)
        periods.append((start + datetime.timedelta(days=1), end))
        end = start
    themes_total = 0
    for number, (start, end) in enumerate(reversed(periods)):
        digest = build_digest(period_start=start, period_end=end, n_themes=12, created_by=head_marketing)
        digest.created_at = timezone.make_aware(datetime.datetime.combine(end, datetime.time(9)))
        digest.save(update_fields=["created_at"])
        latest = number == len(periods) - 1
        for theme in digest.themes.prefetch_related("notes"):
            themes_total += 1
            votes: dict[str, int] = {}
            for note in theme.notes.all():
                votes[key_of_note.get(note.pk, "")] = votes.get(key_of_note.get(note.pk, ""), 0) + 1
            key = max(votes, key=votes.get) if votes else ""
            if latest or key not in ANSWERS:
                continue
            declined = key == "mobile"
            theme.status = ThemeStatus.DECLINED if declined else ThemeStatus.ACTED
            theme.action_taken = ANSWERS[key]
            theme.acted_by = head_marketing
            theme.acted_at = digest.created_at + datetime.timedelta(days=12)
            theme.save(update_fields=["status", "action_taken", "acted_by", "acted_at"])
    return themes_total
