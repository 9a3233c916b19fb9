"""Key-account plans: owners, objectives, items, stakeholders and marketing's part."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.collaboration.models import (
    AccountPlan,
    ActionStatus,
    MarketingParticipation,
    ParticipationKind,
    PlanItem,
    PlanItemKind,
    PlanStatus,
    Stakeholder,
)
from hamsu.collaboration.services.common import MARKETING, clean_text, is_leader, record, require_visible
from hamsu.core import audit, versioning
from hamsu.core.errors import PermissionDenied, ValidationFailed
from hamsu.core.notify import notify
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.directory.models import Function
from hamsu.directory.visibility import person_of


def require_plan_editor(plan: AccountPlan, actor) -> None:
    me = person_of(actor)
    if is_leader(actor) or (me and me.pk in (plan.sales_owner_id, plan.marketing_owner_id)):
        return
    raise PermissionDenied(
        _("Only the plan's owners can change it."), errors={"plan": [_("You are not an owner of this plan.")]}
    )


def _check_plan_owners(sales_owner, marketing_owner, errors) -> None:
    if sales_owner is None:
        errors["sales_owner"] = [_("This field is required.")]
    elif sales_owner.function not in (Function.SALES, Function.REVENUE_LEADERSHIP):
        errors["sales_owner"] = [_("The sales owner must work in sales.")]
    if marketing_owner is not None and marketing_owner.function not in MARKETING:
        errors["marketing_owner"] = [_("The marketing owner must work in marketing.")]


@transaction.atomic
def account_plan_create(
    *,
    actor,
    account,
    sales_owner,
    marketing_owner=None,
    objectives: str = "",
    status: str = PlanStatus.ACTIVE,
    via: str = "",
) -> AccountPlan:
    require_visible(account, actor, "account")
    errors: dict[str, list[str]] = {}
    _check_plan_owners(sales_owner, marketing_owner, errors)
    if AccountPlan.objects.filter(account=account).exists():
        errors["account"] = [_("This account already has a plan.")]
    raise_if(errors)
    plan = AccountPlan(
        account=account,
        sales_owner=sales_owner,
        marketing_owner=marketing_owner,
        objectives=clean_text(objectives),
        status=status,
    )
    full_clean(plan)
    plan.save()
    record(actor, "create", plan, via=via)
    notify(
        recipients=[p for p in (sales_owner, marketing_owner) if p is not None and p != person_of(actor)],
        kind="account_plan",
        title=_("You own the joint plan for %(account)s") % {"account": account},
        url=reverse("collaboration:plan", args=[plan.pk]),
    )
    return plan


PLAN_FIELDS = ["objectives", "sales_owner", "marketing_owner", "status"]


@versioning.atomic_write
def account_plan_update(
    *,
    plan: AccountPlan,
    actor,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
    **data,
) -> AccountPlan:
    """``expected_version``/``strict``: see ``hamsu.core.versioning``."""
    require_plan_editor(plan, actor)
    unknown = set(data) - set(PLAN_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields"), errors={k: [_("This field cannot be set.")] for k in sorted(unknown)}
        )
    plan, data = versioning.begin(plan, expected=expected_version, data=data, strict=strict)
    before = audit.snapshot(plan, [*PLAN_FIELDS, "version"])
    versioning.bump(plan)
    for name, value in data.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    _check_plan_owners(plan.sales_owner, plan.marketing_owner, errors)
    raise_if(errors)
    full_clean(plan)
    plan.save()
    record(actor, "update", plan, audit.diff(before, audit.snapshot(plan, [*PLAN_FIELDS, "version"])), via)
    return plan


@transaction.atomic
def plan_item_add(
    *,
    plan: AccountPlan,
    actor,
    title: str,
    kind: str = PlanItemKind.NEXT_ACTION,
    owner=None,
    due_on=None,
    via: str = "",
) -> PlanItem:
    require_plan_editor(plan, actor)
    errors: dict[str, list[str]] = {}
    if not clean_text(title):
        errors["title"] = [_("This field is required.")]
    if kind not in PlanItemKind.values:
        errors["kind"] = [_("Unknown kind.")]
    check_date_range("due_on", due_on, errors)
    raise_if(errors)
    item = PlanItem(plan=plan, title=clean_text(title), kind=kind, owner=owner, due_on=due_on)
    full_clean(item)
    item.save()
    record(actor, "create", item, via=via)
    if owner is not None and owner != person_of(actor):
        notify(
            recipients=[owner],
            kind="account_plan",
            title=_("%(account)s: %(title)s") % {"account": plan.account, "title": item.title},
            url=reverse("collaboration:plan", args=[plan.pk]),
            email=False,
        )
    return item


@versioning.atomic_write
def plan_item_update(
    *,
    item: PlanItem,
    actor,
    status: str,
    via: str = "",
    expected_version: int | None = None,
    strict: bool = False,
) -> PlanItem:
    """``expected_version``/``strict``: see ``hamsu.core.versioning``."""
    me = person_of(actor)
    if not (me and item.owner_id == me.pk):
        require_plan_editor(item.plan, actor)
    if status not in ActionStatus.values:
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"status": [_("Unknown status.")]}
        )
    item, sent = versioning.begin(item, expected=expected_version, data={"status": status}, strict=strict)
    if "status" not in sent:
        return item  # someone else already set the status this one left alone
    before, version_before = item.status, item.version
    item.status = status
    versioning.bump(item)
    item.save(update_fields=["status", "version"])
    record(
        actor, "update", item, {"status": [before, status], "version": [version_before, item.version]}, via
    )
    return item


@transaction.atomic
def stakeholder_add(
    *, plan: AccountPlan, actor, name: str, title: str = "", stance: str = "", contact=None, via: str = ""
) -> Stakeholder:
    require_plan_editor(plan, actor)
    if contact is not None and contact.account_id != plan.account_id:
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={"contact": [_("This contact works for another account.")]},
        )
    if not clean_text(name) and contact is not None:
        name = str(contact)
    if not clean_text(name):
        raise ValidationFailed(
            _("Please correct the errors below."), errors={"name": [_("This field is required.")]}
        )
    row = Stakeholder(
        plan=plan, name=clean_text(name), title=clean_text(title), stance=clean_text(stance), contact=contact
    )
    full_clean(row)
    row.save()
    record(actor, "create", row, via=via)
    return row


@transaction.atomic
def participation_record(
    *,
    plan: AccountPlan,
    actor,
    person,
    kind: str,
    occurred_on: datetime.date | None = None,
    note: str = "",
    via: str = "",
) -> MarketingParticipation:
    errors: dict[str, list[str]] = {}
    if person.function not in MARKETING:
        errors["person"] = [_("Record participation of marketers only.")]
    if kind not in ParticipationKind.values:
        errors["kind"] = [_("Unknown kind.")]
    occurred_on = occurred_on or timezone.localdate()
    check_date_range("occurred_on", occurred_on, errors)
    if occurred_on > timezone.localdate():
        errors.setdefault("occurred_on", []).append(_("Record what already happened."))
    raise_if(errors)
    me = person_of(actor)
    if not (me and me.pk == person.pk):
        require_plan_editor(plan, actor)
    row = MarketingParticipation(
        plan=plan, person=person, kind=kind, occurred_on=occurred_on, note=clean_text(note)
    )
    full_clean(row)
    row.save()
    record(actor, "create", row, via=via)
    return row
