"""The records a chunk of captures lands on, found or made set by set (one query per kind
of look-up, one multi-row insert per kind of row): the segment, the account (by domain,
else by company name), the contact (by e-mail) and the lead (the e-mail's open lead, or
a new inquiry). ``capture_process`` runs these in order, inside the chunk's transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from hamsu.core import audit
from hamsu.core.models import AuditEntry
from hamsu.crm.models import Account, Contact, Segment, size_band_for
from hamsu.funnel.models import CaptureForm, Lead, LeadQueue, LeadState
from hamsu.funnel.services import bulk_rows
from hamsu.funnel.services.leads import lead_recycle


@dataclass
class Entry:
    """One submission to capture, and how it came in (``via``)."""

    payload: Any
    form: CaptureForm | None = None
    via: str = "capture"


@dataclass
class Work:
    """One valid entry of a chunk while it is captured: what it was found or made for."""

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


def audit_row(instance: Model, via: str) -> AuditEntry:
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


def serialise_on(keys: list[str]) -> None:
    """On PostgreSQL two workers capturing one new e-mail must not both create the contact:
    lock every e-mail (or phone) of the chunk, in sorted order so workers cannot deadlock."""
    if connection.vendor == "postgresql" and keys:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(hashtext(k))) FROM unnest(%s::text[]) AS k",
                [sorted(keys)],
            )


def find_segments(work: list[Work]) -> None:
    names = {str(w.data["segment"]).lower() for w in work if w.data.get("segment")}
    if not names:
        return
    found: dict[str, Segment] = {}
    for segment in Segment.objects.annotate(lname=Lower("name")).filter(lname__in=names).order_by("pk"):
        found.setdefault(segment.name.lower(), segment)
    for w in work:
        if w.data.get("segment"):
            w.segment = found.get(str(w.data["segment"]).lower())


def find_accounts(work: list[Work], audit_rows: list) -> None:
    """By domain, else (free mail) by company name; created when neither is known."""
    domains = {w.domain for w in work if w.domain}
    names = {w.data.get("company", "").lower() for w in work if not w.domain and w.data.get("company")}
    by_domain: dict[str, Account] = {}
    by_name: dict[str, Account] = {}
    if domains:
        for known in Account.objects.filter(domain__in=domains).select_related("segment").order_by("pk"):
            by_domain.setdefault(known.domain, known)
    if names:
        for known in (
            Account.objects.annotate(lname=Lower("name"))
            .filter(lname__in=names)
            .select_related("segment")
            .order_by("pk")
        ):
            by_name.setdefault(known.name.lower(), known)
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
        audit_rows.extend(audit_row(a, "capture") for a in new)


def find_contacts(work: list[Work], audit_rows: list) -> None:
    emails = {w.data["email"] for w in work if w.data["email"]}
    by_email: dict[str, Contact] = {}
    if emails:
        for known in Contact.objects.filter(email__in=emails).order_by("pk"):
            by_email.setdefault(known.email, known)
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
        audit_rows.extend(audit_row(c, "capture") for c in new)


def find_leads(work: list[Work], now: datetime.datetime) -> list[Lead]:
    """The lead each capture lands on: the e-mail's latest open (not won) lead, recycled if
    it was lost or disqualified, else a new inquiry. Returns the new (unsaved) leads."""
    emails = {w.data["email"] for w in work if w.data["email"]}
    by_email: dict[str, Lead] = {}
    if emails:
        for known_lead in (
            Lead.objects.select_for_update(of=("self",))
            .select_related("segment", "account")
            .filter(email__in=emails)
            .exclude(state=LeadState.WON)
            .order_by("-pk")
        ):
            by_email.setdefault(known_lead.email, known_lead)
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
            lead = lead_recycle(
                lead=lead,
                actor=None,
                via=w.entry.via,
                reason=_("came back through %(kind)s") % {"kind": w.kind},
            )
            by_email[email] = lead
        w.lead = lead
    return new
