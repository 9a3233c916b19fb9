"""CSV imports of spend and touchpoints, with a row-level report.

Spend is all-or-nothing: a budget sheet with one wrong line is fixed and sent again, so
half of it never lands. Touches go through the batch service: good rows are written,
known ``external_id``s are skipped (so re-sending a file is safe), bad rows reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from hamsu.campaigns import services
from hamsu.campaigns.models import Campaign
from hamsu.campaigns.utm import UTM_KEYS
from hamsu.core import uploads
from hamsu.core.dates import parse_date
from hamsu.core.errors import DomainError
from hamsu.crm.models import Contact

SPEND_COLUMNS = ["campaign", "period_start", "period_end", "amount", "currency", "note"]
TOUCH_COLUMNS = [
    "kind",
    "occurred_at",
    "channel",
    "campaign_id",
    "contact_id",
    "contact_email",
    "account_id",
    "landing_url",
    *UTM_KEYS,
    "external_id",
]
MAX_ROWS = 100_000


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    duplicates: int = 0
    errors: list[dict] = field(default_factory=list)  # {"line": n, "field": …, "message": …}

    @property
    def ok(self) -> bool:
        return not self.errors


def _read(upload) -> tuple[list[dict], list[dict]]:
    """Rows as dicts keyed by lower-case header, or a file-level error (an upload over a
    bound of hamsu.core.uploads is refused with the bound named)."""
    try:
        header, rows = uploads.csv_dicts(uploads.decode_utf8(uploads.read_upload(upload)), max_rows=MAX_ROWS)
    except DomainError as error:
        return [], [{"line": 0, "field": "file", "message": error.summary()}]
    if not header:
        return [], [{"line": 0, "field": "file", "message": _("The file is empty.")}]
    return rows, []


def _missing(header: set[str], required: list[str]) -> list[dict]:
    return [
        {"line": 1, "field": name, "message": _("The column is missing from the header.")}
        for name in required
        if name not in header
    ]


def _campaign_lookup() -> dict[str, Campaign]:
    lookup: dict[str, Campaign] = {}
    for campaign in Campaign.objects.all():
        lookup[str(campaign.pk)] = campaign
        lookup.setdefault(campaign.name.strip().lower(), campaign)
        if campaign.utm_campaign:
            lookup[campaign.utm_campaign] = campaign
    return lookup


@transaction.atomic
def spend_import(*, actor, upload) -> ImportReport:
    """Cost lines from CSV: campaign (id, UTM campaign code or exact name), period_start,
    period_end, amount, currency (optional: the campaign's), note (optional)."""
    rows, errors = _read(upload)
    report = ImportReport(rows=len(rows), errors=errors)
    if errors:
        return report
    report.errors = _missing(
        set(rows[0]) if rows else set(), ["campaign", "period_start", "period_end", "amount"]
    )
    if report.errors:
        return report
    campaigns = _campaign_lookup()
    for line, row in enumerate(rows, start=2):
        problems: dict[str, list[str]] = {}
        campaign = campaigns.get(row.get("campaign", "").lower())
        if campaign is None:
            problems["campaign"] = [_("No campaign with this id, UTM code or name.")]
        dates = {}
        for name in ("period_start", "period_end"):
            try:
                dates[name] = parse_date(row.get(name, ""))
            except (ValueError, TypeError):
                problems.setdefault(name, []).append(
                    _("Enter a valid date as YYYY-MM-DD (Gregorian or Jalali).")
                )
        if not problems:
            try:
                with transaction.atomic():
                    services.cost_line_create(
                        actor=actor,
                        campaign=campaign,
                        amount=row.get("amount", ""),
                        currency=row.get("currency", ""),
                        note=row.get("note", ""),
                        via="import",
                        **dates,
                    )
                report.created += 1
            except DomainError as error:
                problems = error.errors or {"row": [error.message]}
        for name, messages in problems.items():
            report.errors.extend({"line": line, "field": name, "message": str(m)} for m in messages)
    if report.errors:
        # Nothing half-written: the whole sheet goes in, or none of it.
        transaction.set_rollback(True)
        report.created = 0
    return report


def touchpoint_import(*, actor, upload) -> ImportReport:
    rows, errors = _read(upload)
    report = ImportReport(rows=len(rows), errors=errors)
    if errors:
        return report
    report.errors = _missing(set(rows[0]) if rows else set(), ["kind", "occurred_at"])
    if report.errors:
        return report
    emails = {row["contact_email"].lower() for row in rows if row.get("contact_email")}
    by_email = (
        dict(Contact.objects.filter(email__in=emails).order_by("-pk").values_list("email", "pk"))
        if emails
        else {}
    )
    batch: list[dict] = []
    lines: list[int] = []  # the file line of each batch row
    for line, row in enumerate(rows, start=2):
        contact_id = row.get("contact_id") or None
        if not contact_id and row.get("contact_email"):
            contact_id = by_email.get(row["contact_email"].lower())
            if contact_id is None:
                report.errors.append(
                    {"line": line, "field": "contact_email", "message": _("No contact has this e-mail.")}
                )
                continue
        utm = {key: row[key] for key in UTM_KEYS if row.get(key)}
        lines.append(line)
        batch.append(
            {
                "kind": row.get("kind", ""),
                "occurred_at": row.get("occurred_at", ""),
                "channel": row.get("channel", ""),
                "campaign_id": row.get("campaign_id") or None,
                "contact_id": contact_id,
                "account_id": row.get("account_id") or None,
                "landing_url": row.get("landing_url", ""),
                # Explicit UTM columns win; without them the landing URL's query is read.
                "utm": utm or None,
                "external_id": row.get("external_id", ""),
            }
        )
    for start in range(0, len(batch), services.BATCH_LIMIT):
        chunk = batch[start : start + services.BATCH_LIMIT]
        result = services.touchpoint_record_batch(actor=actor, rows=chunk, via="import")
        report.created += len(result.created)
        report.duplicates += len(result.duplicates)
        for item in result.errors:
            for name, messages in item["errors"].items():
                report.errors.extend(
                    {"line": lines[start + item["row"]], "field": name, "message": str(m)} for m in messages
                )
    report.errors.sort(key=lambda e: e["line"])
    return report
