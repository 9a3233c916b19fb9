"""The worker's side of lead capture: intake rows become leads, a chunk at a time.

A chunk is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers share
the queue), captured set by set — one query per kind of look-up and one multi-row insert
per kind of row instead of ~40 statements per lead — and its rows are marked done with
their leads in the same transaction. A crash rolls the whole chunk back: its rows stay
pending and are claimed again, and a row marked done always has its lead, so processing
a row twice never makes a second lead.

The outcome is the one a capture had when it ran alone, one after another in intake
order: the contact and account de-duplicated by e-mail and domain (an e-mail seen twice
in a chunk reuses the lead the first made), the touch, the campaign touchpoint, the score,
the MQL definition, and routing plus the handoff for leads that qualify — all of a
chunk's qualifying leads at once (``mql_batch.leads_mark_mql``: one routing pass that
reads each rule's team, cursor and loads once, and one write per table), with the
outcome ``lead_mark_mql`` has one lead after another (``tests/funnel/
test_capture_chunk_equals_one_by_one.py`` compares every row both ways).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.errors import DomainError, ValidationFailed
from hamsu.core.models import AuditEntry
from hamsu.crm.models import StageEvent
from hamsu.funnel import capture_touches, rule_language
from hamsu.funnel.models import (
    MARKETING_STATES,
    CaptureBatch,
    CaptureForm,
    CaptureItem,
    CaptureRequest,
    DefinitionKind,
    Lead,
    LeadState,
    LeadTouch,
)
from hamsu.funnel.services import bulk_rows
from hamsu.funnel.services.capture_checks import domain_of, touch_kind_of, validate_capture
from hamsu.funnel.services.capture_records import (
    Entry,
    Work,
    audit_row,
    find_accounts,
    find_contacts,
    find_leads,
    find_segments,
    serialise_on,
)
from hamsu.funnel.services.definitions import rule_in_effect
from hamsu.funnel.services.mql_batch import leads_mark_mql
from hamsu.funnel.services.scoring import (
    active_model,
    active_points_spec,
    apply_score,
    lead_facts,
    score_touches,
)

logger = logging.getLogger(__name__)

CHUNK = 1000
# Errors that say nothing about the rows (lost connection, deadlock, database locked):
# the chunk stays pending for the next run instead of being marked failed.
TRANSIENT = (OperationalError, InterfaceError)
SCORE_FIELDS = ["score", "score_reasons", "scored_at", "win_probability", "win_reasons"]
# The figures people read; a change of either is a new version of the lead.
SCORED = ["score", "win_probability"]


@dataclass
class Outcome:
    lead: Lead | None = None
    created: bool = False
    errors: dict[str, list[str]] | None = None

    @property
    def lead_pk(self) -> int:
        """The captured lead's id (only an outcome with errors has no lead)."""
        assert self.lead is not None, self.errors
        return self.lead.pk


def _score(leads: list[Lead], touches: dict[int, list], now: datetime.datetime) -> None:
    """Score every lead of the chunk in memory (the caller inserts or updates them)."""
    spec, model = active_points_spec(), active_model()
    for lead in leads:
        apply_score(lead, spec=spec, touches=score_touches(touches[id(lead)]), now=now, model=model)


def _qualify(leads: list[Lead], touches: dict[int, list], work: list[Work], now: datetime.datetime) -> None:
    """Leads marketing holds that now meet the MQL definition go to sales (routing, handoff),
    all of the chunk's at once."""
    candidates = [lead for lead in leads if lead.state in MARKETING_STATES]
    if not candidates:
        return
    rule = rule_in_effect(kind=DefinitionKind.MQL)
    via = {id(w.lead): w.entry.via for w in work}
    qualifying = [
        lead
        for lead in candidates
        if rule.met_by(
            lead_facts(lead),
            [rule_language.Touch(t.kind, t.at) for t in touches[id(lead)]],
            now=now,
        )
    ]
    leads_mark_mql(
        leads=qualifying,
        vias=[via[id(lead)] for lead in qualifying],
        reason=rule.reason(),
        definition=rule.definition,
        at=now,
    )


def _touchpoints(work: list[Work]) -> None:
    """Each capture's touch to the recorders above the funnel (the campaigns app's
    touchpoints, for attribution), as one batch per way in."""
    by_via: dict[str, list[capture_touches.CapturedTouch]] = {}
    for w in work:
        by_via.setdefault(w.entry.via, []).append(
            capture_touches.CapturedTouch(
                kind=w.kind,
                occurred_at=w.at,
                contact_id=w.contact.pk if w.contact else None,
                account_id=w.account.pk if w.account else None,
                utm=w.data.get("utm") or None,
                landing_url=w.data.get("landing_url", ""),
                external_id=w.data.get("external_id", ""),
            )
        )
    for via, touches in by_via.items():
        errors = capture_touches.record_touches(touches, via=via)
        if errors:  # checked at intake; refusing now would be a bug worth hearing of
            raise ValidationFailed(_("Please correct the errors below."), errors=errors)


def _valid_work(entries: list[Entry], outcomes: list[Outcome], now: datetime.datetime) -> list[Work]:
    """The entries that pass every check; the others get their field errors in ``outcomes``."""
    work: list[Work] = []
    for index, entry in enumerate(entries):
        try:
            data = validate_capture(entry.payload, entry.form)
        except ValidationFailed as error:
            outcomes[index].errors = error.errors
            continue
        work.append(
            Work(
                index=index,
                entry=entry,
                data=data,
                at=data.get("occurred_at") or now,
                kind=touch_kind_of(data, entry.form),
                domain=domain_of(data["email"]),
            )
        )
    return work


def _touches(work: list[Work]) -> tuple[dict[int, Lead], dict[int, list], list[LeadTouch]]:
    """Every distinct lead of the chunk (by ``id``), the touches it had plus the ones added
    now, and the new touches (unsaved)."""
    leads: dict[int, Lead] = {}
    for w in work:
        assert w.lead is not None  # find_leads gave every entry its lead
        leads.setdefault(id(w.lead), w.lead)
    touches: dict[int, list] = {key: [] for key in leads}
    known = {lead.pk: key for key, lead in leads.items() if lead.pk is not None}
    if known:
        for touch in LeadTouch.objects.filter(lead_id__in=known).only("lead_id", "kind", "at"):
            touches[known[touch.lead_id]].append(touch)
    new_touches = []
    for w in work:
        source = (w.entry.form.name if w.entry.form else w.entry.via)[:100]
        touch = LeadTouch(lead=w.lead, kind=w.kind, at=w.at, source=source)
        touches[id(w.lead)].append(touch)
        new_touches.append(touch)
    return leads, touches, new_touches


def _insert_new(new_leads: list[Lead], via_of_new: dict[int, str], audit_rows: list) -> None:
    """The new leads, their "created" stage events and their audit rows (queued)."""
    bulk_rows.insert(Lead, new_leads)
    bulk_rows.insert(
        StageEvent,
        [
            StageEvent(
                object_type=StageEvent.ObjectType.LEAD,
                object_id=lead.pk,
                from_stage="",
                to_stage=LeadState.INQUIRY,
                reason=_("created"),
                via=via_of_new[id(lead)],
                at=lead.created_at,
            )
            for lead in new_leads
        ],
    )
    audit_rows.extend(audit_row(lead, via_of_new[id(lead)]) for lead in new_leads)


def capture_entries(entries: list[Entry], *, now: datetime.datetime | None = None) -> list[Outcome]:
    """Capture every entry as if one after another; call inside a transaction.

    An entry with bad data gets its field errors in its outcome and writes nothing; the
    others are captured.
    """
    assert connection.in_atomic_block, "capture_entries runs inside the caller's transaction"
    now = now or timezone.now()
    outcomes = [Outcome() for _entry in entries]
    work = _valid_work(entries, outcomes, now)
    if not work:
        return outcomes
    serialise_on(list({w.data["email"] or w.data.get("phone", "") for w in work} - {""}))
    audit_rows: list[AuditEntry] = []
    find_segments(work)
    find_accounts(work, audit_rows)
    find_contacts(work, audit_rows)
    new_leads = find_leads(work, now)
    leads, touches, new_touches = _touches(work)
    existing = [lead for lead in leads.values() if lead.pk is not None]  # before the new get ids
    scores_before = {lead.pk: audit.snapshot(lead, SCORED) for lead in existing}
    # New leads are scored before they are inserted, so they are written once.
    _score(list(leads.values()), touches, now)
    if new_leads:
        _insert_new(new_leads, {id(w.lead): w.entry.via for w in work if w.created}, audit_rows)
    if existing:
        for lead in existing:
            lead.updated_at = now
        # The existing leads are locked (find_leads): a new score is a new version.
        audit_rows.extend(
            versioning.bump_changed(existing, before=scores_before, fields=SCORED, via="capture")
        )
        bulk_rows.update(Lead, existing, [*SCORE_FIELDS, "updated_at", "version"])
    bulk_rows.insert(LeadTouch, new_touches)
    _touchpoints(work)
    if audit_rows:
        bulk_rows.insert(AuditEntry, audit_rows)
    _qualify(list(leads.values()), touches, work, now)
    for w in work:
        outcomes[w.index] = Outcome(lead=w.lead, created=w.created)
    return outcomes


@transaction.atomic
def lead_capture(*, payload: Any, form: CaptureForm | None = None, via: str = "capture") -> tuple[Lead, bool]:
    """Capture one submission now, in one transaction; returns (lead, created).

    The web endpoints queue instead (``capture_intake_store``); this is the same work for
    callers that need the lead at once (imports, tests). Bad input raises ValidationFailed.
    """
    outcome = capture_entries([Entry(payload=payload, form=form, via=via)])[0]
    if outcome.errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=outcome.errors)
    assert outcome.lead is not None  # an entry without errors was captured
    return outcome.lead, outcome.created


# ---------------------------------------------------------------- claiming intake rows


def _claim(queryset: QuerySet, limit: int) -> list:
    queryset = queryset.filter(status="pending")
    if connection.features.has_select_for_update_skip_locked:
        queryset = queryset.select_for_update(skip_locked=True, of=("self",))
    return list(queryset[:limit])


def _mark(rows: list, outcomes: list[Outcome], now: datetime.datetime) -> None:
    """Rows done with their leads, or failed with their field errors (same transaction)."""
    model = type(rows[0])
    stamped = model is CaptureRequest
    done = [(row.pk, o.lead_pk) for row, o in zip(rows, outcomes, strict=True) if not o.errors]
    for row, outcome in zip(rows, outcomes, strict=True):
        if outcome.errors:
            model.objects.filter(pk=row.pk).update(
                status="failed", error=outcome.errors, **({"processed_at": now} if stamped else {})
            )
    if not done:
        return
    if connection.vendor == "postgresql":
        # One UPDATE joined to the (id, lead) pairs; the ORM's bulk_update builds a CASE
        # per field and row, which cost more than capturing the rows.
        table = connection.ops.quote_name(model._meta.db_table)
        stamp = ", processed_at = %s" if stamped else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET status = 'done', error = '{{}}'::jsonb, lead_id = v.lead{stamp} "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, lead) WHERE t.id = v.id",
                ([now] if stamped else [])
                + [bulk_rows.int_array([d[0] for d in done]), bulk_rows.int_array([d[1] for d in done])],
            )
        return
    marked = []
    for row, outcome in zip(rows, outcomes, strict=True):
        if not outcome.errors:
            row.status, row.error, row.lead = "done", {}, outcome.lead
            if stamped:
                row.processed_at = now
            marked.append(row)
    model.objects.bulk_update(marked, ["status", "error", "lead"] + (["processed_at"] if stamped else []))


def _capture_rows(rows: list, *, form_of: Callable[[Any], CaptureForm | None], via: str) -> None:
    now = timezone.now()
    outcomes = capture_entries([Entry(payload=r.payload, form=form_of(r), via=via) for r in rows], now=now)
    _mark(rows, outcomes, now)


def _process_chunk(queryset: QuerySet, *, form_of, via: str, limit: int = CHUNK) -> int:
    """Claim up to ``limit`` pending rows, capture them and mark them, in one transaction.

    Returns how many rows were handled (0: none pending). If something unexpected breaks
    the chunk, its rows are redone one by one so only the culprit is marked failed.
    """
    rows: list = []
    try:
        with transaction.atomic():
            rows = _claim(queryset, limit)
            if rows:
                _capture_rows(rows, form_of=form_of, via=via)
        return len(rows)
    except TRANSIENT:
        raise
    except Exception:
        if not rows:  # the claim itself failed: nothing to single out
            raise
        logger.exception("capture chunk failed; redoing its %s rows one by one", len(rows))
    for pk in [r.pk for r in rows]:
        try:
            with transaction.atomic():
                single = _claim(queryset.filter(pk=pk), 1)
                if single:
                    _capture_rows(single, form_of=form_of, via=via)
        except TRANSIENT:
            raise
        except Exception as error:  # noqa: BLE001 - the row is marked failed and reported
            logger.exception("capture row %s failed", pk)
            errors = error.errors if isinstance(error, DomainError) and error.errors else None
            queryset.model.objects.filter(pk=pk, status="pending").update(
                status="failed", error=errors or {"__all__": [str(error)[:500] or type(error).__name__]}
            )
    return len(rows)


# ---------------------------------------------------------------- draining


def capture_intake_pending() -> bool:
    return CaptureRequest.objects.filter(status=CaptureRequest.Status.PENDING).exists()


def capture_intake_drain(*, limit: int = CHUNK, until: float | None = None) -> int:
    """Turn pending single captures into leads, chunk by chunk, until none is left (or
    ``time.monotonic()`` passes ``until``); returns how many were handled."""
    forms: dict[int, CaptureForm | None] = {}

    def form_of(row: CaptureRequest) -> CaptureForm | None:
        if row.form_id is None:
            return None
        if row.form_id not in forms:
            forms[row.form_id] = CaptureForm.objects.filter(pk=row.form_id).first()
        return forms[row.form_id]

    handled = 0
    while until is None or time.monotonic() < until:
        n = _process_chunk(CaptureRequest.objects.order_by("pk"), form_of=form_of, via="capture", limit=limit)
        if not n:
            break
        handled += n
    return handled


def capture_batch_process(*, batch_id: int, limit: int = CHUNK, until: float | None = None) -> CaptureBatch:
    """Work through a batch's pending items chunk by chunk (safe to re-run, or to run twice
    at once), until none is left or ``time.monotonic()`` passes ``until``."""
    batch = CaptureBatch.objects.select_related("form").get(pk=batch_id)
    items = CaptureItem.objects.filter(batch=batch).order_by("position")
    while until is None or time.monotonic() < until:
        if not _process_chunk(items, form_of=lambda _row: batch.form, via="bulk", limit=limit):
            break
    counts = dict.fromkeys(CaptureItem.Status.values, 0)
    counts |= dict(CaptureItem.objects.filter(batch=batch).values_list("status").annotate(n=Count("pk")))
    CaptureBatch.objects.filter(pk=batch.pk).update(
        processed=counts["done"] + counts["failed"],
        failed=counts["failed"],
        status=CaptureBatch.Status.DONE if counts["pending"] == 0 else CaptureBatch.Status.QUEUED,
        finished_at=timezone.now() if counts["pending"] == 0 else None,
    )
    batch.refresh_from_db()
    return batch


def capture_pending() -> bool:
    """Whether any capture waits: a single one in the intake, or a batch still queued."""
    return capture_intake_pending() or CaptureBatch.objects.filter(status=CaptureBatch.Status.QUEUED).exists()


def capture_drain(*, until: float | None = None) -> int:
    """Everything pending, single captures first, then queued batches oldest first: the
    worker's sweep (also what a batch whose job died with its worker needs) and
    ``hamsu capture_drain``. Stops when ``time.monotonic()`` passes ``until``; returns
    the captures handled."""
    handled = capture_intake_drain(until=until)
    for batch_id in (
        CaptureBatch.objects.filter(status=CaptureBatch.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        if until is not None and time.monotonic() >= until:
            break
        before = CaptureItem.objects.filter(batch_id=batch_id, status="pending").count()
        batch = capture_batch_process(batch_id=batch_id, until=until)
        handled += before - (batch.total - batch.processed)
    return handled
