"""Every write to the CRM goes through here, in one transaction with its audit entry and,
for stage changes, its stage event. Views, the API, imports and the CLI all call these."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.company import to_base_currency
from hamsu.core.errors import NotFound, ValidationFailed
from hamsu.core.money import CURRENCIES, MAX_AMOUNT, quantize
from hamsu.core.validation import check_date_range, check_length, full_clean, raise_if
from hamsu.crm import hooks
from hamsu.crm.events import record_stage_event
from hamsu.crm.models import (
    Account,
    Activity,
    ActivityParticipant,
    Contact,
    DealRole,
    Opportunity,
    OpportunityParticipant,
    StageEvent,
    size_band_for,
)
from hamsu.crm.stages import DEFAULT_PROBABILITY, STAGE_ORDER, Stage, is_closed
from hamsu.directory.visibility import can_see

ACCOUNT_FIELDS = [
    "name",
    "domain",
    "segment",
    "industry",
    "employees",
    "annual_revenue",
    "country",
    "owner",
    "parent",
    "external_id",
]
CONTACT_FIELDS = [
    "account",
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "country",
    "owner",
    "external_id",
]
OPPORTUNITY_FIELDS = [
    "name",
    "account",
    "owner",
    "amount",
    "currency",
    "product",
    "quantity",
    "segment",
    "source",
    "expected_close",
    "probability",
    "lost_reason",
    "external_id",
]


def _require_visible(instance, actor, label: str) -> None:
    """Refuse to link to or change a record the actor cannot see (someone else's records).

    Refused as not found, like an id that does not exist: a 403 here and a 404 there would
    tell anyone which ids belong to records they may not see (issue 15, defect 6)."""
    if instance is not None and actor is not None and not can_see(instance, actor):
        message = _("This record does not exist or is not visible to you.")
        raise NotFound(message, errors={label: [message]})


def _apply(instance, data: dict[str, Any], allowed: list[str]) -> dict[str, Any]:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={name: [_("This field cannot be set.")] for name in sorted(unknown)}
        )
    for name, value in data.items():
        setattr(instance, name, value.strip() if isinstance(value, str) else value)
    return data


# ---------------------------------------------------------------- accounts


@transaction.atomic
def account_create(*, actor, via: str = "", **data) -> Account:
    account = Account()
    _apply(account, data, ACCOUNT_FIELDS)
    return _account_save(account, actor=actor, via=via, action="create")


@versioning.atomic_write
def account_update(
    *,
    account: Account,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> Account:
    """``expected_version`` is the version the editor loaded (see ``hamsu.core.versioning``);
    ``strict`` refuses any change since then instead of merging untouched fields."""
    _require_visible(account, actor, "account")
    account = versioning.lock(account)
    data = versioning.check(account, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(account)
    _apply(account, data, ACCOUNT_FIELDS)
    versioning.bump(account)
    return _account_save(account, actor=actor, via=via, action="update", before=before)


def _account_save(account: Account, *, actor, via: str, action: str, before: dict | None = None) -> Account:
    account.domain = account.domain.lower().removeprefix("www.")
    account.country = (account.country or "").upper()
    account.size_band = size_band_for(account.employees)
    account.team_id = account.owner.team_id if account.owner is not None else None
    full_clean(account)
    account.save()
    changes = audit.diff(before, audit.snapshot(account)) if before else audit.snapshot(account)
    audit.record(actor=actor, action=action, instance=account, changes=changes, via=via)
    return account


# ---------------------------------------------------------------- contacts


@transaction.atomic
def contact_create(*, actor, via: str = "", **data) -> Contact:
    contact = Contact()
    _apply(contact, data, CONTACT_FIELDS)
    _require_visible(contact.account, actor, "account")
    return _contact_save(contact, actor=actor, via=via, action="create")


@versioning.atomic_write
def contact_update(
    *,
    contact: Contact,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> Contact:
    _require_visible(contact, actor, "contact")
    contact = versioning.lock(contact)
    data = versioning.check(contact, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(contact)
    _apply(contact, data, CONTACT_FIELDS)
    versioning.bump(contact)
    if "account" in data:
        _require_visible(contact.account, actor, "account")
    return _contact_save(contact, actor=actor, via=via, action="update", before=before)


def _contact_save(contact: Contact, *, actor, via: str, action: str, before: dict | None = None) -> Contact:
    contact.email = contact.email.lower()
    contact.country = (contact.country or "").upper()
    contact.team_id = contact.owner.team_id if contact.owner is not None else None
    full_clean(contact)
    contact.save()
    changes = audit.diff(before, audit.snapshot(contact)) if before else audit.snapshot(contact)
    audit.record(actor=actor, action=action, instance=contact, changes=changes, via=via)
    return contact


# ---------------------------------------------------------------- opportunities


def _validate_money(opportunity: Opportunity, errors: dict[str, list[str]]) -> None:
    amount = opportunity.amount
    if amount is None:
        errors.setdefault("amount", []).append(_("This field is required."))
    elif not isinstance(amount, Decimal | int):
        errors.setdefault("amount", []).append(_("Enter a number."))
    elif amount < 0:
        errors.setdefault("amount", []).append(_("The amount cannot be negative."))
    elif amount > MAX_AMOUNT:
        errors.setdefault("amount", []).append(_("The amount is too large."))
    if opportunity.currency not in CURRENCIES:
        errors.setdefault("currency", []).append(
            _("Unknown currency %(code)s.") % {"code": opportunity.currency or "∅"}
        )


def _derive(opportunity: Opportunity) -> None:
    """Fill what follows from other fields: base amount, gross profit, team, segment."""
    opportunity.amount = quantize(Decimal(opportunity.amount))
    opportunity.amount_base = to_base_currency(opportunity.amount, opportunity.currency)
    product = opportunity.product  # None, without a query, when there is none
    if product is not None:
        # Gross profit is real only when the cost side is: amount less quantity × unit cost,
        # with the cost converted from the product's currency.
        cost = to_base_currency(product.unit_cost * opportunity.quantity, product.currency)
        opportunity.gross_profit = opportunity.amount_base - cost
    else:
        opportunity.gross_profit = Decimal("0")
    opportunity.team_id = opportunity.owner.team_id if opportunity.owner_id else None
    if opportunity.segment_id is None and opportunity.account_id:
        opportunity.segment_id = opportunity.account.segment_id


@transaction.atomic
def opportunity_create(
    *, actor, via: str = "", stage: str = Stage.PROSPECTING, reason: str = "", **data
) -> Opportunity:
    opportunity = Opportunity(stage=stage)
    _apply(opportunity, data, OPPORTUNITY_FIELDS)
    errors: dict[str, list[str]] = {}
    if stage not in STAGE_ORDER:
        errors["stage"] = [_("Unknown stage %(stage)s.") % {"stage": stage}]
    _validate_money(opportunity, errors)
    check_date_range("expected_close", opportunity.expected_close, errors)
    raise_if(errors)
    _require_visible(opportunity.account, actor, "account")
    if opportunity.probability is None:
        opportunity.probability = DEFAULT_PROBABILITY[Stage(stage)]
    now = timezone.now()
    opportunity.stage_changed_at = now
    if is_closed(stage):
        opportunity.closed_at = now
    _derive(opportunity)
    full_clean(opportunity)
    opportunity.save()
    record_stage_event(
        object_type=StageEvent.ObjectType.OPPORTUNITY,
        object_id=opportunity.pk,
        opportunity=opportunity,
        from_stage="",
        to_stage=stage,
        actor=actor,
        reason=reason or _("created"),
        via=via,
        at=now,
    )
    OpportunityParticipant.objects.create(
        opportunity=opportunity, person=opportunity.owner, role=DealRole.OWNER
    )
    audit.record(
        actor=actor, action="create", instance=opportunity, changes=audit.snapshot(opportunity), via=via
    )
    hooks.opportunity_changed(opportunity, actor=actor, event="created")
    return opportunity


@versioning.atomic_write
def opportunity_update(
    *,
    opportunity: Opportunity,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> Opportunity:
    _require_visible(opportunity, actor, "opportunity")
    opportunity = versioning.lock(opportunity)
    data = versioning.check(opportunity, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(opportunity)
    stage = data.pop("stage", None)
    reason = data.pop("reason", "")
    _apply(opportunity, data, OPPORTUNITY_FIELDS)
    errors: dict[str, list[str]] = {}
    _validate_money(opportunity, errors)
    check_date_range("expected_close", opportunity.expected_close, errors)
    raise_if(errors)
    if "account" in data:
        _require_visible(opportunity.account, actor, "account")
    _derive(opportunity)
    full_clean(opportunity)
    versioning.bump(opportunity)
    opportunity.save()
    if stage is not None and stage != opportunity.stage:
        _move(opportunity, to_stage=stage, actor=actor, reason=reason, via=via)
    changes = audit.diff(before, audit.snapshot(opportunity))
    if changes:
        audit.record(actor=actor, action="update", instance=opportunity, changes=changes, via=via)
    return opportunity


@versioning.atomic_write
def opportunity_move_stage(
    *,
    opportunity: Opportunity,
    to_stage: str,
    actor,
    reason: str = "",
    via: str = "",
    at: datetime.datetime | None = None,
    from_stage: str | None = None,
    expected_version: int | None = None,
) -> Opportunity:
    """Move a deal to another stage, writing the stage event in the same transaction.

    ``from_stage`` is the stage the mover was shown (the board's card, the deal page): when
    someone else moved the deal since, nothing is written and :class:`StaleVersion` says
    where it is now. ``expected_version`` (the API's ``If-Match``) refuses any change since.
    """
    _require_visible(opportunity, actor, "opportunity")
    # Lock the row: two people dragging the same card must produce two ordered events,
    # never an event whose "from" is stale.
    opportunity = Opportunity.objects.select_for_update().select_related("owner").get(pk=opportunity.pk)
    if from_stage and from_stage != opportunity.stage:
        raise _moved_meanwhile(opportunity, from_stage=from_stage, to_stage=to_stage)
    versioning.check(opportunity, expected=expected_version, data={"stage": to_stage}, strict=True)
    before = audit.snapshot(opportunity, ["stage", "probability", "closed_at", "lost_reason", "version"])
    versioning.bump(opportunity)
    _move(opportunity, to_stage=to_stage, actor=actor, reason=reason, via=via, at=at)
    audit.record(
        actor=actor,
        action="update",
        instance=opportunity,
        changes=audit.diff(before, audit.snapshot(opportunity, list(before))),
        via=via,
    )
    return opportunity


def _move(opportunity: Opportunity, *, to_stage: str, actor, reason: str, via: str, at=None) -> None:
    if to_stage not in STAGE_ORDER:
        raise ValidationFailed(
            _("Unknown stage"), errors={"stage": [_("Unknown stage %(stage)s.") % {"stage": to_stage}]}
        )
    if to_stage == opportunity.stage:
        raise ValidationFailed(
            _("The opportunity is already in this stage."),
            errors={"stage": [_("The opportunity is already in this stage.")]},
        )
    if to_stage == Stage.LOST and not (reason or opportunity.lost_reason):
        raise ValidationFailed(
            _("A lost deal needs a reason."), errors={"reason": [_("Say why the deal was lost.")]}
        )
    # The reason is kept whole on the stage event and, for a lost deal, as its lost reason.
    errors: dict[str, list[str]] = {}
    check_length("reason", reason, errors, model=StageEvent)
    if to_stage == Stage.LOST and not errors:
        check_length("reason", reason, errors, model=Opportunity, column="lost_reason")
    raise_if(errors)
    now = at or timezone.now()
    from_stage = opportunity.stage
    opportunity.stage = to_stage
    opportunity.probability = DEFAULT_PROBABILITY[Stage(to_stage)]
    opportunity.stage_changed_at = now
    opportunity.closed_at = now if is_closed(to_stage) else None
    if to_stage == Stage.LOST:
        opportunity.lost_reason = reason or opportunity.lost_reason
    opportunity.save(
        update_fields=[
            "stage",
            "probability",
            "stage_changed_at",
            "closed_at",
            "lost_reason",
            "updated_at",
            "version",
        ]
    )
    record_stage_event(
        object_type=StageEvent.ObjectType.OPPORTUNITY,
        object_id=opportunity.pk,
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
        reason=reason,
        via=via,
        at=now,
    )
    hooks.opportunity_changed(opportunity, actor=actor, event="stage_changed")


def _moved_meanwhile(opportunity: Opportunity, *, from_stage: str, to_stage: str) -> versioning.StaleVersion:
    """The refusal of a move made from a stage the deal has already left."""
    last = (
        StageEvent.objects.filter(opportunity=opportunity)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    by = last.actor if last else None
    stale = versioning.StaleVersion(
        instance=opportunity,
        expected=opportunity.version,
        current=opportunity.version,
        changed=["stage"],
        conflicts=[
            versioning.FieldConflict(
                name="stage", label=str(_("stage")), yours=to_stage, theirs=opportunity.stage
            )
        ],
        by=by,
        at=last.at if last else None,
    )
    stale.message = _(
        "%(who)s already moved this deal from %(shown)s to %(now)s; nothing was changed. "
        "Look at where it is now and move it again if you still want to."
    ) % {
        "who": versioning.name_of(by) or _("Someone else"),
        "shown": Stage(from_stage).label if from_stage in STAGE_ORDER else from_stage,
        "now": Stage(opportunity.stage).label,
    }
    stale.errors = {"stage": [stale.message]}
    return stale


@transaction.atomic
def opportunity_add_participant(
    *, opportunity: Opportunity, person, role: str, actor, via: str = ""
) -> OpportunityParticipant:
    _require_visible(opportunity, actor, "opportunity")
    if role not in DealRole.values:
        raise ValidationFailed(_("Unknown role"), errors={"role": [_("Unknown role on the deal.")]})
    participant, created = OpportunityParticipant.objects.get_or_create(
        opportunity=opportunity, person=person, role=role
    )
    if created:
        audit.record(
            actor=actor,
            action="create",
            instance=participant,
            changes={"person": person.pk, "role": role},
            via=via,
        )
    return participant


# ---------------------------------------------------------------- activities


@transaction.atomic
def activity_create(
    *,
    actor,
    owner,
    kind: str,
    subject: str,
    body: str = "",
    outcome: str = "",
    occurred_at: datetime.datetime | None = None,
    due_at: datetime.datetime | None = None,
    account: Account | None = None,
    contact: Contact | None = None,
    opportunity: Opportunity | None = None,
    participants: list | None = None,
    via: str = "",
) -> Activity:
    """Log what happened or, with ``due_at``, plan what happens next (a task: open until
    someone marks it done; see ``hamsu.crm.services_tasks``)."""
    for instance, label in ((account, "account"), (contact, "contact"), (opportunity, "opportunity")):
        _require_visible(instance, actor, label)
    errors: dict[str, list[str]] = {}
    if not (account or contact or opportunity):
        errors["account"] = [_("Link the activity to an account, a contact or an opportunity.")]
    check_date_range("occurred_at", occurred_at, errors)
    check_date_range("due_at", due_at, errors)
    raise_if(errors)
    # An activity on a deal or a contact also belongs to its account's timeline.
    if account is None and opportunity is not None:
        account = opportunity.account
    elif account is None and contact is not None:
        account = contact.account
    activity = Activity(
        kind=kind,
        subject=(subject or "").strip(),
        body=body,
        outcome=outcome,
        occurred_at=occurred_at or timezone.now(),
        due_at=due_at,
        account=account,
        contact=contact,
        opportunity=opportunity,
        owner=owner,
        team_id=owner.team_id if owner else None,
    )
    full_clean(activity)
    activity.save()
    people = {owner.pk: owner, **{p.pk: p for p in participants or []}}
    ActivityParticipant.objects.bulk_create(
        ActivityParticipant(activity=activity, person=person, function=person.function)
        for person in people.values()
    )
    audit.record(actor=actor, action="create", instance=activity, changes=audit.snapshot(activity), via=via)
    return activity
