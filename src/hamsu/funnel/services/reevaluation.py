"""Re-evaluating every lead a newly approved definition covers, chunk by chunk (the job
``tasks.reevaluate_leads`` runs this after both heads approved it).

Scores are written with one bulk UPDATE per chunk; only leads that cross the line go
through the lifecycle service (routing and a handoff are per-lead work).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.models import AuditEntry
from hamsu.funnel.models import DefinitionKind, DefinitionRun, Lead, LeadDefinition, LeadTouch
from hamsu.funnel.services.definitions import lead_meets, states_checked, touches_of
from hamsu.funnel.services.leads import lead_mark_mql
from hamsu.funnel.services.scoring import active_model, active_points_spec, apply_score, score_touches

REEVALUATE_CHUNK = 1000
SCORE_FIELDS = ["score", "score_reasons", "scored_at", "win_probability", "win_reasons"]
# The figures people read; a change of either is a new version of the lead.
SCORED = ["score", "win_probability"]


def _chunks(states: Sequence[str]) -> Iterator[list[Lead]]:
    """The leads in ``states``, by id, REEVALUATE_CHUNK at a time, with their touches."""
    last_id = 0
    while True:
        chunk = list(
            Lead.objects.filter(state__in=states, pk__gt=last_id)
            .select_related("segment", "account")
            .prefetch_related(Prefetch("touches", queryset=LeadTouch.objects.only("lead_id", "kind", "at")))
            .order_by("pk")[:REEVALUATE_CHUNK]
        )
        if not chunk:
            return
        last_id = chunk[-1].pk
        yield chunk


def _score(chunk: list[Lead], definition: LeadDefinition, *, spec, model, now) -> list[Lead]:
    """Score the chunk in memory and save the scores; the leads that now meet an MQL rule."""
    qualifying = []
    before = {lead.pk: audit.snapshot(lead, SCORED) for lead in chunk}
    for lead in chunk:
        apply_score(lead, spec=spec, touches=score_touches(touches_of(lead)), now=now, model=model)
        if definition.kind == DefinitionKind.MQL and lead_meets(lead=lead, definition=definition, now=now):
            qualifying.append(lead)
    with transaction.atomic():
        # A new score is a new version of the lead: lock the chunk's rows to bump from the
        # version each has now (someone may have saved one since the chunk was read).
        current = dict(
            Lead.objects.select_for_update()
            .filter(pk__in=[lead.pk for lead in chunk])
            .values_list("pk", "version")
        )
        for lead in chunk:
            lead.version = current.get(lead.pk, lead.version)
        entries = versioning.bump_changed(chunk, before=before, fields=SCORED, via="job")
        Lead.objects.bulk_update(chunk, [*SCORE_FIELDS, "version"], batch_size=500)
        AuditEntry.objects.bulk_create(entries, batch_size=500)
    return qualifying


def _hand_over(leads: list[Lead], definition: LeadDefinition, *, states: Sequence[str], now) -> int:
    """Mark each lead MQL that is still where the run found it; how many moved."""
    moved = 0
    for lead in leads:
        with transaction.atomic():
            fresh = Lead.objects.select_for_update().get(pk=lead.pk)
            if fresh.state in states:
                lead_mark_mql(
                    lead=fresh,
                    actor=None,
                    via="job",
                    reason=_("meets %(d)s") % {"d": definition},
                    definition=definition,
                    at=now,
                )
                moved += 1
    return moved


def definition_run_execute(*, run_id: int, now: datetime.datetime | None = None) -> DefinitionRun:
    """Re-score every lead marketing holds and move those that now qualify, chunk by chunk."""
    run = DefinitionRun.objects.select_related("definition").get(pk=run_id)
    now = now or timezone.now()
    definition = run.definition
    if definition.status != LeadDefinition.Status.APPROVED:
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])
        return run
    spec, model = active_points_spec(), active_model()
    states = list(states_checked(definition.kind))
    evaluated = changed = 0
    for chunk in _chunks(states):
        qualifying = _score(chunk, definition, spec=spec, model=model, now=now)
        changed += _hand_over(qualifying, definition, states=states, now=now)
        evaluated += len(chunk)
    run.evaluated, run.changed, run.finished_at = evaluated, changed, timezone.now()
    run.save(update_fields=["evaluated", "changed", "finished_at"])
    return run
