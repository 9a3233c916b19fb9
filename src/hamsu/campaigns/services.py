"""Every write to campaigns, spend and touchpoints goes through here, in one transaction
with its audit entry. Views, the API, CSV imports, lead capture and the demo call these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.campaigns.models import (
    Campaign,
    CampaignStatus,
    Channel,
    CostLine,
    Touchpoint,
    TouchpointKind,
)
from hamsu.campaigns.utm import UTM_KEYS, channel_for_medium, clean_utm, parse_utm
from hamsu.core import audit, versioning
from hamsu.core.company import to_base_currency
from hamsu.core.errors import Conflict, ValidationFailed
from hamsu.core.money import CURRENCIES, MAX_AMOUNT, quantize
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.crm.models import Account, Contact

CAMPAIGN_FIELDS = [
    "name",
    "channel",
    "type",
    "status",
    "segment",
    "product",
    "owner",
    "start_date",
    "end_date",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "budget",
    "currency",
    "description",
]

BATCH_LIMIT = 10_000
# A sender's clock may run a little fast; a touch further in the future is a bug upstream.
FUTURE_SKEW = datetime.timedelta(days=1)
# SQLite caps bound parameters per statement; look-ups by id go in chunks below it.
_CHUNK = 900

# When neither the sender nor a campaign nor the UTM medium names a channel, the kind of
# touch usually does.
KIND_TO_CHANNEL: dict[str, str] = {
    TouchpointKind.SALES_CALL: Channel.SALES,
    TouchpointKind.WEBINAR: Channel.WEBINAR,
    TouchpointKind.EVENT: Channel.EVENTS,
    TouchpointKind.EMAIL_CLICK: Channel.EMAIL,
    TouchpointKind.CONTENT_DOWNLOAD: Channel.CONTENT,
}


def _apply(instance, data: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={name: [_("This field cannot be set.")] for name in sorted(unknown)}
        )
    for name, value in data.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)


# ---------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(*, actor, via: str = "", **data) -> Campaign:
    campaign = Campaign()
    _apply(campaign, data, CAMPAIGN_FIELDS)
    return _campaign_save(campaign, actor=actor, via=via, action="create")


@versioning.atomic_write
def campaign_update(
    *,
    campaign: Campaign,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> Campaign:
    """``expected_version``/``strict``: see ``hamsu.core.versioning`` (forms merge, the API refuses)."""
    campaign, data = versioning.begin(campaign, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(campaign)
    _apply(campaign, data, CAMPAIGN_FIELDS)
    versioning.bump(campaign)
    return _campaign_save(campaign, actor=actor, via=via, action="update", before=before)


def _campaign_save(
    campaign: Campaign, *, actor, via: str, action: str, before: dict | None = None
) -> Campaign:
    # UTM codes are matched case-insensitively, so they are stored in one case.
    for key in UTM_KEYS:
        setattr(campaign, key, (getattr(campaign, key) or "").strip().lower())
    errors: dict[str, list[str]] = {}
    check_date_range("start_date", campaign.start_date, errors)
    check_date_range("end_date", campaign.end_date, errors)
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        errors.setdefault("end_date", []).append(_("The end date is before the start date."))
    if campaign.budget is not None and campaign.budget > MAX_AMOUNT:
        errors.setdefault("budget", []).append(_("The amount is too large."))
    if campaign.currency not in CURRENCIES:
        errors.setdefault("currency", []).append(
            _("Unknown currency %(code)s.") % {"code": campaign.currency or "∅"}
        )
    if campaign.utm_campaign:
        clash = Campaign.objects.filter(utm_campaign=campaign.utm_campaign).exclude(pk=campaign.pk)
        if clash.exists():
            errors.setdefault("utm_campaign", []).append(
                _("Another campaign already uses this UTM campaign code.")
            )
    raise_if(errors)
    full_clean(campaign)
    campaign.save()
    changes = audit.diff(before, audit.snapshot(campaign)) if before else audit.snapshot(campaign)
    audit.record(actor=actor, action=action, instance=campaign, changes=changes, via=via)
    return campaign


@versioning.atomic_write
def campaign_delete(*, campaign: Campaign, actor, via: str = "", expected_version: int | None = None) -> None:
    """Touchpoints keep their channel and UTM data; only the link to the campaign goes.
    A campaign with recorded spend is refused: cancel it instead, so the spend history
    (and every ROI figure built on it) stays. ``expected_version`` (If-Match): only the
    version the deleter saw."""
    campaign, _data = versioning.begin(campaign, expected=expected_version, strict=True)
    if CostLine.objects.filter(campaign=campaign).exists():
        raise Conflict(
            _("This campaign has recorded spend; set its status to cancelled instead."),
            errors={
                "campaign": [_("This campaign has recorded spend; set its status to cancelled instead.")]
            },
        )
    audit.record(actor=actor, action="delete", instance=campaign, changes=audit.snapshot(campaign), via=via)
    campaign.delete()


# ---------------------------------------------------------------- spend


def _parse_amount(value, errors: dict[str, list[str]], name: str = "amount") -> Decimal | None:
    if value is None or value == "":
        errors.setdefault(name, []).append(_("This field is required."))
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not amount.is_finite():
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if amount < 0:
        errors.setdefault(name, []).append(_("The amount cannot be negative."))
    elif amount > MAX_AMOUNT:
        errors.setdefault(name, []).append(_("The amount is too large."))
    return quantize(amount)


def _cost_line_build(
    *, campaign: Campaign, period_start, period_end, amount, currency: str = "", note: str = ""
) -> CostLine:
    errors: dict[str, list[str]] = {}
    if period_start is None:
        errors.setdefault("period_start", []).append(_("This field is required."))
    if period_end is None:
        errors.setdefault("period_end", []).append(_("This field is required."))
    check_date_range("period_start", period_start, errors)
    check_date_range("period_end", period_end, errors)
    if period_start and period_end and period_end < period_start:
        errors.setdefault("period_end", []).append(_("The period ends before it starts."))
    value = _parse_amount(amount, errors)
    currency = (currency or campaign.currency or "").strip().upper()
    if currency not in CURRENCIES:
        errors.setdefault("currency", []).append(_("Unknown currency %(code)s.") % {"code": currency or "∅"})
    if len(note or "") > 300:
        errors.setdefault("note", []).append(_("Keep the note under 300 characters."))
    raise_if(errors)
    assert value is not None  # a missing or unreadable amount is an error raised above
    return CostLine(
        campaign=campaign,
        period_start=period_start,
        period_end=period_end,
        amount=value,
        currency=currency,
        amount_base=to_base_currency(value, currency),
        note=(note or "").strip(),
    )


@transaction.atomic
def cost_line_create(
    *,
    actor,
    campaign: Campaign,
    period_start,
    period_end,
    amount,
    currency: str = "",
    note: str = "",
    via: str = "",
) -> CostLine:
    line = _cost_line_build(
        campaign=campaign,
        period_start=period_start,
        period_end=period_end,
        amount=amount,
        currency=currency,
        note=note,
    )
    line.save()
    audit.record(actor=actor, action="create", instance=line, changes=audit.snapshot(line), via=via)
    return line


@versioning.atomic_write
def cost_line_delete(
    *, actor, cost_line: CostLine, via: str = "", expected_version: int | None = None
) -> None:
    cost_line, _data = versioning.begin(cost_line, expected=expected_version, strict=True)
    audit.record(actor=actor, action="delete", instance=cost_line, changes=audit.snapshot(cost_line), via=via)
    cost_line.delete()


# ---------------------------------------------------------------- touchpoints


@dataclass
class BatchResult:
    """What happened to each row of a batch: written, already known (idempotent), refused."""

    created: list[Touchpoint] = field(default_factory=list)
    created_rows: list[int] = field(default_factory=list)  # the row index of each created touch
    duplicates: list[dict] = field(default_factory=list)  # {"row": i, "external_id": …, "id": …}
    errors: list[dict] = field(default_factory=list)  # {"row": i, "errors": {field: [msg]}}

    @property
    def ok(self) -> bool:
        return not self.errors


def _as_aware(value, errors: dict[str, list[str]]) -> datetime.datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            errors.setdefault("occurred_at", []).append(_("Enter a date and time in ISO 8601 form."))
            return None
    if not isinstance(value, datetime.datetime):
        errors.setdefault("occurred_at", []).append(_("This field is required."))
        return None
    if timezone.is_naive(value):
        errors.setdefault("occurred_at", []).append(
            _("Give the time zone (for example 2026-05-01T10:00:00+03:30).")
        )
        return None
    if value > timezone.now() + FUTURE_SKEW:
        errors.setdefault("occurred_at", []).append(_("The touch cannot be in the future."))
    elif value.date() < datetime.date(1990, 1, 1):
        errors.setdefault("occurred_at", []).append(_("The date is too far in the past."))
    return value


def touchpoint_build(
    *,
    kind: str,
    occurred_at,
    channel: str,
    campaign: Campaign | None,
    contact_id: int | None,
    account_id: int | None,
    utm: dict | None,
    landing_url: str,
    external_id: str,
    campaign_by_code,
    errors: dict[str, list[str]],
) -> Touchpoint:
    """Validate one touch and fill what follows from the rest (UTM, campaign, channel)."""
    if kind not in TouchpointKind.values:
        errors.setdefault("kind", []).append(_("Unknown kind %(kind)s.") % {"kind": kind or "∅"})
    when = _as_aware(occurred_at, errors)
    landing_url = (landing_url or "").strip()
    if landing_url and not landing_url.lower().startswith(("http://", "https://")):
        errors.setdefault("landing_url", []).append(_("Enter a full http(s) address."))
    if len(landing_url) > 2000:
        errors.setdefault("landing_url", []).append(_("The address is too long."))
    external_id = (external_id or "").strip()
    if len(external_id) > 100:
        errors.setdefault("external_id", []).append(_("Keep the external id under 100 characters."))
    channel = (channel or "").strip().lower()
    if len(channel) > 32:
        errors.setdefault("channel", []).append(_("Keep the channel under 32 characters."))
    # An explicit utm dict wins; otherwise the landing page's query string carries it.
    codes = clean_utm(utm) if utm is not None else parse_utm(landing_url)
    codes = {key: value.lower() if key == "utm_campaign" else value for key, value in codes.items()}
    if campaign is None and codes.get("utm_campaign"):
        campaign = campaign_by_code(codes["utm_campaign"])
    if not channel:
        channel = (
            (campaign.channel if campaign else "")
            or channel_for_medium(codes.get("utm_medium", ""))
            or KIND_TO_CHANNEL.get(kind, "")
            or Channel.DIRECT
        )
    return Touchpoint(
        kind=kind,
        # None only with an error in `errors`: every caller refuses the row, nothing is saved.
        occurred_at=when,  # type: ignore[misc]
        channel=channel,
        campaign=campaign,
        contact_id=contact_id,
        account_id=account_id,
        landing_url=landing_url,
        external_id=external_id,
        **{key: codes.get(key, "") for key in UTM_KEYS},
    )


def _campaign_by_code(code: str) -> Campaign | None:
    return Campaign.objects.filter(utm_campaign=code.lower()).first()


@transaction.atomic
def touchpoint_record(
    *,
    actor,
    kind: str,
    occurred_at: datetime.datetime,
    channel: str = "",
    campaign: Campaign | None = None,
    contact: Contact | None = None,
    account: Account | None = None,
    utm: dict | None = None,
    landing_url: str = "",
    external_id: str = "",
    via: str = "",
) -> Touchpoint:
    """Record one touch. Sending the same ``external_id`` again returns the first touch
    unchanged, so a retried webhook never counts twice."""
    if external_id:
        existing = Touchpoint.objects.filter(external_id=external_id.strip()).first()
        if existing is not None:
            return existing
    errors: dict[str, list[str]] = {}
    if account is None and contact is not None:
        account_id = contact.account_id
    else:
        account_id = account.pk if account is not None else None
    touch = touchpoint_build(
        kind=kind,
        occurred_at=occurred_at,
        channel=channel,
        campaign=campaign,
        contact_id=contact.pk if contact is not None else None,
        account_id=account_id,
        utm=utm,
        landing_url=landing_url,
        external_id=external_id,
        campaign_by_code=_campaign_by_code,
        errors=errors,
    )
    raise_if(errors)
    try:
        with transaction.atomic():
            touch.save()
    except IntegrityError:
        # Two senders raced with the same external id: the other one won, which is fine.
        existing = Touchpoint.objects.filter(external_id=touch.external_id).first()
        if existing is None or not touch.external_id:
            raise
        return existing
    audit.record(actor=actor, action="create", instance=touch, changes=audit.snapshot(touch), via=via)
    return touch


def _ids_present(model, ids: set[int], fields: tuple[str, ...] = ("pk",)) -> dict[int, tuple]:
    found: dict[int, tuple] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        for row in model.objects.filter(pk__in=ordered[start : start + _CHUNK]).values_list(*fields):
            found[row[0]] = row
    return found


def _as_id(value, name: str, errors: dict[str, list[str]]) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(_("Enter a whole number."))
        return None
    if number <= 0:
        errors.setdefault(name, []).append(_("Enter a whole number."))
        return None
    return number


@transaction.atomic
def touchpoint_record_batch(
    *, actor, rows: list[dict], via: str = "", all_or_nothing: bool = False
) -> BatchResult:
    """Record up to 10,000 touches in one go.

    Each row is a dict with the keyword arguments of :func:`touchpoint_record`, but with
    ids (``campaign_id``, ``contact_id``, ``account_id``) instead of objects. Rows whose
    ``external_id`` is already known are reported as duplicates and not written again.
    Refused rows are reported by index with field-level reasons; the good rows are
    written unless ``all_or_nothing`` is set, in which case one bad row writes nothing.
    """
    result = BatchResult()
    if len(rows) > BATCH_LIMIT:
        raise ValidationFailed(
            _("Too many rows."),
            errors={
                "rows": [_("Send at most %(limit)s touches per request.") % {"limit": f"{BATCH_LIMIT:,}"}]
            },
        )
    # Resolve every reference with one query per kind, not one per row.
    parsed: list[tuple[dict, dict[str, list[str]], dict[str, int | None]]] = []
    wanted: dict[str, set[int]] = {"campaign": set(), "contact": set(), "account": set()}
    for row in rows:
        errors: dict[str, list[str]] = {}
        if not isinstance(row, dict):
            parsed.append(({}, {"row": [_("Each row must be an object.")]}, {}))
            continue
        ids = {name: _as_id(row.get(f"{name}_id"), f"{name}_id", errors) for name in wanted}
        for name, value in ids.items():
            if value is not None:
                wanted[name].add(value)
        parsed.append((row, errors, ids))
    campaigns = Campaign.objects.in_bulk(sorted(wanted["campaign"]))
    contacts = _ids_present(Contact, wanted["contact"], ("pk", "account_id"))
    accounts = _ids_present(Account, wanted["account"])
    by_code: dict[str, Campaign | None] = {}

    def campaign_by_code(code: str) -> Campaign | None:
        code = code.lower()
        if code not in by_code:
            by_code[code] = _campaign_by_code(code)
        return by_code[code]

    seen_external: dict[str, int] = {}
    candidates: list[tuple[int, Touchpoint]] = []
    for index, (row, errors, ids) in enumerate(parsed):
        if "row" in errors:
            result.errors.append({"row": index, "errors": errors})
            continue
        for name, table in (("campaign", campaigns), ("contact", contacts), ("account", accounts)):
            if ids[name] is not None and ids[name] not in table:
                errors.setdefault(f"{name}_id", []).append(_("No such record."))
        account_id = ids["account"]
        if account_id is None and ids["contact"] in contacts:
            account_id = contacts[ids["contact"]][1]
        touch = touchpoint_build(
            kind=str(row.get("kind") or ""),
            occurred_at=row.get("occurred_at"),
            channel=str(row.get("channel") or ""),
            campaign=campaigns.get(ids["campaign"]) if ids["campaign"] else None,
            contact_id=ids["contact"] if ids["contact"] in contacts else None,
            account_id=account_id,
            utm=row.get("utm"),
            landing_url=str(row.get("landing_url") or ""),
            external_id=str(row.get("external_id") or ""),
            campaign_by_code=campaign_by_code,
            errors=errors,
        )
        if errors:
            result.errors.append({"row": index, "errors": errors})
            continue
        if touch.external_id:
            if touch.external_id in seen_external:
                result.duplicates.append({"row": index, "external_id": touch.external_id, "id": None})
                continue
            seen_external[touch.external_id] = index
        candidates.append((index, touch))

    if all_or_nothing and result.errors:
        return BatchResult(errors=result.errors)

    known = _external_ids_known(list(seen_external))
    to_write = []
    for index, touch in candidates:
        if touch.external_id and touch.external_id in known:
            result.duplicates.append(
                {"row": index, "external_id": touch.external_id, "id": known[touch.external_id]}
            )
        else:
            to_write.append(touch)
            result.created_rows.append(index)
    if to_write:
        result.created = Touchpoint.objects.bulk_create(to_write, batch_size=500)
        # One audit entry per batch: the log says who sent how many, without 10,000 rows.
        audit.record(
            actor=actor,
            action="import",
            instance=result.created[0],
            changes={
                "batch_size": len(rows),
                "created": len(result.created),
                "duplicates": len(result.duplicates),
                "refused": len(result.errors),
            },
            via=via,
        )
    result.duplicates.sort(key=lambda item: item["row"])
    return result


def _external_ids_known(external_ids: list[str]) -> dict[str, int]:
    known: dict[str, int] = {}
    for start in range(0, len(external_ids), _CHUNK):
        chunk = external_ids[start : start + _CHUNK]
        known.update(Touchpoint.objects.filter(external_id__in=chunk).values_list("external_id", "pk"))
    return known


__all__ = [
    "BATCH_LIMIT",
    "BatchResult",
    "CampaignStatus",
    "campaign_create",
    "campaign_delete",
    "campaign_update",
    "cost_line_create",
    "cost_line_delete",
    "touchpoint_build",
    "touchpoint_record",
    "touchpoint_record_batch",
]
