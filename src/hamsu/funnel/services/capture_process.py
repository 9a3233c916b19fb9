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
the MQL definition, and routing plus the handoff for leads that qualify (per lead,
through the lifecycle service, as the bulk re-evaluation job does).
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import Count, Model, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.errors import DomainError, ValidationFailed
from hamsu.core.models import AuditEntry
from hamsu.crm.models import Account, Contact, Segment, size_band_for
from hamsu.funnel import rule_language
from hamsu.funnel.models import (
    CaptureBatch,
    CaptureForm,
    CaptureItem,
    CaptureRequest,
    DefinitionKind,
    Lead,
    LeadQueue,
    LeadState,
    LeadTouch,
    StageEvent,
)
from hamsu.funnel.services import bulk_rows
from hamsu.funnel.services.capture import campaign_kind_of, domain_of, touch_kind_of, validate_capture

logger = logging.getLogger(__name__)

CHUNK = 1000
# Errors that say nothing about the rows (lost connection, deadlock, database locked):
# the chunk stays pending for the next run instead of being marked failed.
TRANSIENT = (OperationalError, InterfaceError)


@dataclass
class Entry:
    payload: Any
    form: CaptureForm | None = None
    via: str = "capture"


@dataclass
class Outcome:
    lead: Lead | None = None
    created: bool = False
    errors: dict[str, list[str]] | None = None


@dataclass
class _Work:
    index: int
    entry: Entry
    data: dict
    at: datetime.datetime
    kind: str
    domain: str
    segment: Segment | None = None
    account: Account | None = None
    contact: Contact | None = None
    lead: Lead | None = None
    created: bool = False
    touches: list = field(default_factory=list)


def _audit_row(instance: Model, via: str) -> AuditEntry:
    """What ``audit.record(action="create")`` writes, built for a multi-row insert."""
    return AuditEntry(
        actor=None,
        action="create",
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        changes=audit.snapshot(instance),
        via=via,
    )


def _serialise_on(keys: list[str]) -> None:
    """On PostgreSQL two workers capturing one new e-mail must not both create the contact:
    lock every e-mail (or phone) of the chunk, in sorted order so workers cannot deadlock."""
    if connection.vendor == "postgresql" and keys:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM unnest(%s::text[]) AS k",
                [sorted(keys)],
            )


def _segments(work: list[_Work]) -> None:
    names = {str(w.data["segment"]).lower() for w in work if w.data.get("segment")}
    if not names:
        return
    found: dict[str, Segment] = {}
    for segment in Segment.objects.annotate(lname=Lower("name")).filter(lname__in=names).order_by("pk"):
        found.setdefault(segment.name.lower(), segment)
    for w in work:
        if w.data.get("segment"):
            w.segment = found.get(str(w.data["segment"]).lower())


def _accounts(work: list[_Work], audit_rows: list) -> None:
    """By domain, else (free mail) by company name; created when neither is known."""
    domains = {w.domain for w in work if w.domain}
    names = {w.data.get("company", "").lower() for w in work if not w.domain and w.data.get("company")}
    by_domain: dict[str, Account] = {}
    by_name: dict[str, Account] = {}
    if domains:
        for account in Account.objects.filter(domain__in=domains).select_related("segment").order_by("pk"):
            by_domain.setdefault(account.domain, account)
    if names:
        for account in (
            Account.objects.annotate(lname=Lower("name"))
            .filter(lname__in=names)
            .select_related("segment")
            .order_by("pk")
        ):
            by_name.setdefault(account.name.lower(), account)
    new: list[Account] = []
    for w in work:
        company = w.data.get("company", "")
        account = by_domain.get(w.domain) if w.domain else None
        if account is None and company and not w.domain:
            account = by_name.get(company.lower())
        if account is None and (w.domain or company):
            employees = w.data.get("employees")
            account = Account(
                name=(company or w.domain)[:200].strip(),
                domain=w.domain,
                country=w.data["country"],
                employees=employees,
                size_band=size_band_for(employees),
                segment=w.segment,
            )
            new.append(account)
            if w.domain:
                by_domain[w.domain] = account
            by_name.setdefault(account.name.lower(), account)
        w.account = account
    if new:
        bulk_rows.insert(Account, new)
        audit_rows.extend(_audit_row(a, "capture") for a in new)


def _contacts(work: list[_Work], audit_rows: list) -> None:
    emails = {w.data["email"] for w in work if w.data["email"]}
    by_email: dict[str, Contact] = {}
    if emails:
        for contact in Contact.objects.filter(email__in=emails).order_by("pk"):
            by_email.setdefault(contact.email, contact)
    new: list[Contact] = []
    for w in work:
        email = w.data["email"]
        if not email:
            continue
        contact = by_email.get(email)
        if contact is None:
            contact = Contact(
                account=w.account,
                first_name=w.data.get("first_name", "")[:100],
                last_name=(w.data.get("last_name") or email.split("@")[0])[:100],
                email=email,
                phone=w.data.get("phone", "")[:40],
                title=w.data.get("title", "")[:120],
                country=w.data["country"],
            )
            new.append(contact)
            by_email[email] = contact
        w.contact = contact
    if new:
        bulk_rows.insert(Contact, new)
        audit_rows.extend(_audit_row(c, "capture") for c in new)


def _leads(work: list[_Work], now: datetime.datetime) -> list[Lead]:
    """The lead each capture lands on: the e-mail's latest open (not won) lead, recycled if
    it was lost or disqualified, else a new inquiry. Returns the new (unsaved) leads."""
    from hamsu.funnel.services import leads as lifecycle

    emails = {w.data["email"] for w in work if w.data["email"]}
    by_email: dict[str, Lead] = {}
    if emails:
        for lead in (
            Lead.objects.select_for_update(of=("self",))
            .select_related("segment", "account")
            .filter(email__in=emails)
            .exclude(state=LeadState.WON)
            .order_by("-pk")
        ):
            by_email.setdefault(lead.email, lead)
    new: list[Lead] = []
    for w in work:
        email = w.data["email"]
        lead = by_email.get(email) if email else None
        if lead is None:
            created_at = min(w.at, now)
            lead = Lead(
                state=LeadState.INQUIRY,
                state_changed_at=created_at,
                created_at=created_at,
                contact=w.contact,
                account=w.account,
                email=email,
                first_name=w.data.get("first_name", ""),
                last_name=w.data.get("last_name", ""),
                company=w.data.get("company", "") or (w.account.name if w.account else ""),
                title=w.data.get("title", ""),
                phone=w.data.get("phone", ""),
                country=w.data["country"],
                employees=w.data.get("employees"),
                segment=w.segment if w.segment is not None else (w.account.segment if w.account else None),
                origin=w.data.get("origin") or (w.entry.form.origin if w.entry.form else "") or w.kind,
                queue=LeadQueue.MARKETING,
            )
            new.append(lead)
            w.created = True
            if email:
                by_email[email] = lead
        elif lead.pk is not None and lead.state in (LeadState.LOST, LeadState.DISQUALIFIED):
            # A returning lost or disqualified lead who raises a hand again is nurtured anew.
            lead = lifecycle.lead_recycle(
                lead=lead,
                actor=None,
                via=w.entry.via,
                reason=_("came back through %(kind)s") % {"kind": w.kind},
            )
            by_email[email] = lead
        w.lead = lead
    return new


def _score(leads: list[Lead], touches: dict[int, list], now: datetime.datetime) -> None:
    """Score every lead of the chunk in memory (the caller inserts or updates them)."""
    from hamsu.analytics.lead_scoring.rules import Touch as ScoreTouch
    from hamsu.funnel.services.scoring import active_model, active_points_spec, apply_score

    spec, model = active_points_spec(), active_model()
    for lead in leads:
        apply_score(
            lead,
            spec=spec,
            touches=[ScoreTouch(t.kind, t.at) for t in touches[id(lead)]],
            now=now,
            model=model,
        )


def _qualify(leads: list[Lead], touches: dict[int, list], work: list[_Work], now: datetime.datetime) -> None:
    """Leads marketing holds that now meet the MQL definition go to sales (routing, handoff)."""
    from hamsu.funnel.services.definitions import rule_in_effect
    from hamsu.funnel.services.leads import lead_mark_mql
    from hamsu.funnel.services.scoring import lead_facts

    candidates = [lead for lead in leads if lead.state in (LeadState.INQUIRY, LeadState.NURTURE)]
    if not candidates:
        return
    rule = rule_in_effect(kind=DefinitionKind.MQL)
    definition, rules, reason = rule.definition, rule.rules, rule.reason()
    via = {id(w.lead): w.entry.via for w in work}
    moved: dict[int, Lead] = {}
    for lead in candidates:
        facts_touches = [rule_language.Touch(t.kind, t.at) for t in touches[id(lead)]]
        if rule_language.evaluate(rules, lead_facts(lead), facts_touches, now=now):
            moved[id(lead)] = lead_mark_mql(
                lead=lead, actor=None, via=via[id(lead)], reason=reason, definition=definition, at=now
            )
    for w in work:
        w.lead = moved.get(id(w.lead), w.lead)


def _touchpoints(work: list[_Work]) -> None:
    """The campaigns app's attribution record of each capture, as one batch per source."""
    try:
        from hamsu.campaigns.services import touchpoint_record_batch
    except ImportError:  # the campaigns app is optional for capture
        return
    by_via: dict[str, list[dict]] = {}
    for w in work:
        by_via.setdefault(w.entry.via, []).append(
            {
                "kind": campaign_kind_of(w.kind),
                "occurred_at": w.at,
                "contact_id": w.contact.pk if w.contact else None,
                "account_id": w.account.pk if w.account else None,
                "utm": w.data.get("utm") or None,
                "landing_url": w.data.get("landing_url", ""),
                "external_id": w.data.get("external_id", ""),
            }
        )
    for via, rows in by_via.items():
        result = touchpoint_record_batch(actor=None, rows=rows, via=via)
        if result.errors:  # checked at intake; refusing now would be a bug worth hearing of
            raise ValidationFailed(_("Please correct the errors below."), errors=result.errors[0]["errors"])


def capture_entries(entries: list[Entry], *, now: datetime.datetime | None = None) -> list[Outcome]:
    """Capture every entry as if one after another; call inside a transaction.

    An entry with bad data gets its field errors in its outcome and writes nothing; the
    others are captured.
    """
    assert connection.in_atomic_block, "capture_entries runs inside the caller's transaction"
    now = now or timezone.now()
    outcomes = [Outcome() for _entry in entries]
    work: list[_Work] = []
    for index, entry in enumerate(entries):
        try:
            data = validate_capture(entry.payload, entry.form)
        except ValidationFailed as error:
            outcomes[index].errors = error.errors
            continue
        work.append(
            _Work(
                index=index,
                entry=entry,
                data=data,
                at=data.get("occurred_at") or now,
                kind=touch_kind_of(data, entry.form),
                domain=domain_of(data["email"]),
            )
        )
    if not work:
        return outcomes
    _serialise_on(list({w.data["email"] or w.data.get("phone", "") for w in work} - {""}))
    audit_rows: list[AuditEntry] = []
    _segments(work)
    _accounts(work, audit_rows)
    _contacts(work, audit_rows)
    new_leads = _leads(work, now)

    # Every distinct lead of the chunk, with the touches it had plus the ones added now.
    leads: dict[int, Lead] = {}
    for w in work:
        leads.setdefault(id(w.lead), w.lead)
    touches: dict[int, list] = {key: [] for key in leads}
    known = {lead.pk: key for key, lead in leads.items() if lead.pk is not None}
    known_keys = set(known.values())
    if known:
        for touch in LeadTouch.objects.filter(lead_id__in=known).only("lead_id", "kind", "at"):
            touches[known[touch.lead_id]].append(touch)
    new_touches = []
    for w in work:
        source = (w.entry.form.name if w.entry.form else w.entry.via)[:100]
        touch = LeadTouch(lead=w.lead, kind=w.kind, at=w.at, source=source)
        touches[id(w.lead)].append(touch)
        new_touches.append(touch)

    # New leads are scored before they are inserted, so they are written once.
    _score(list(leads.values()), touches, now)
    via_of_new = {id(w.lead): w.entry.via for w in work if w.created}
    if new_leads:
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
        audit_rows.extend(_audit_row(lead, via_of_new[id(lead)]) for lead in new_leads)
    existing = [lead for key, lead in leads.items() if key in known_keys]
    if existing:
        for lead in existing:
            lead.updated_at = now
        bulk_rows.update(
            Lead,
            existing,
            ["score", "score_reasons", "scored_at", "win_probability", "win_reasons", "updated_at"],
        )
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
    done = [(row.pk, o.lead.pk) for row, o in zip(rows, outcomes, strict=True) if not o.errors]
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
