"""Every write a person makes on the scorecard: targets, costs, funnel plans, forecast
calls. Each runs in one transaction with its audit entry. The weekly job's forecast
snapshots (derived data, not audited) are in ``snapshots.py``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.core import audit, versioning
from hamsu.core.company import company_settings, to_base_currency
from hamsu.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hamsu.core.money import MAX_AMOUNT, quantize
from hamsu.core.roles import SEES_EVERYTHING, roles_of
from hamsu.core.validation import raise_if
from hamsu.directory.visibility import person_of
from hamsu.scorecard import plans
from hamsu.scorecard.models import (
    CostEntry,
    ForecastCall,
    FunnelPlan,
    PlanStatus,
    Target,
    TargetScope,
)
from hamsu.scorecard.periods import MONTH, Period, bucket, parse_period

SCOPE_FIELD: dict[str, str] = {
    TargetScope.TEAM: "team",
    TargetScope.SEGMENT: "segment",
    TargetScope.PRODUCT: "product",
    TargetScope.SELLER: "person",
}


def period_from_key(key: str, *, field: str = "period") -> Period:
    try:
        return parse_period(key, company_settings().fiscal_calendar)
    except ValueError as error:
        raise ValidationFailed(_("Invalid period"), errors={field: [str(error)]}) from error


def _money(value, field: str, errors: dict, *, allow_none: bool = False) -> Decimal | None:
    if value in (None, ""):
        if not allow_none:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not amount.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if amount < 0:
        errors.setdefault(field, []).append(_("The amount cannot be negative."))
    elif amount > MAX_AMOUNT:
        errors.setdefault(field, []).append(_("The amount is too large."))
    return quantize(amount)


def period_fields(period: Period) -> dict:
    return {
        "period_kind": period.kind,
        "calendar": period.calendar,
        "period_key": period.key,
        "period_start": period.start,
        "period_end": period.end,
    }


# ---------------------------------------------------------------- targets and quotas


@versioning.atomic_write
def target_set(
    *,
    actor,
    period: str,
    scope: str,
    amount,
    team=None,
    segment=None,
    product=None,
    person=None,
    note: str = "",
    via: str = "",
    expected_version: int | None = None,
) -> Target:
    """Set (create or replace) the target of one scope item for one period.

    ``expected_version`` (the API's If-Match) replaces the target only if it is still the
    version the writer read (``hamsu.core.versioning``)."""
    errors: dict[str, list[str]] = {}
    parsed = period_from_key(period)
    value = _money(amount, "amount", errors)
    if scope not in TargetScope.values:
        errors["scope"] = [_("Unknown scope.")]
    refs = {"team": team, "segment": segment, "product": product, "person": person}
    needed = SCOPE_FIELD.get(scope)
    if needed and refs[needed] is None:
        errors[needed] = [_("Choose the %(what)s this target is for.") % {"what": needed}]
    for name, ref in refs.items():
        if ref is not None and name != needed:
            errors.setdefault(name, []).append(_("Not used for this scope."))
    if len(note) > 300:
        errors["note"] = [_("At most 300 characters.")]
    raise_if(errors)
    assert value is not None  # a missing amount is an error raised above
    key = {
        "calendar": parsed.calendar,
        "period_key": parsed.key,
        "scope": scope,
        **{f"{k}": v for k, v in refs.items()},
    }
    target = Target.objects.select_for_update().filter(**key).first()
    before = audit.snapshot(target) if target else None
    if target is None:
        target = Target(**{**period_fields(parsed), **key})
    else:
        versioning.check(target, expected=expected_version, data={"amount": value, "note": note}, strict=True)
        versioning.bump(target)
    target.amount = value
    target.note = note
    target.set_by = actor if getattr(actor, "pk", None) else None
    target.save()
    changes = audit.diff(before, audit.snapshot(target)) if before else audit.snapshot(target)
    audit.record(
        actor=actor, action="update" if before else "create", instance=target, changes=changes, via=via
    )
    return target


@versioning.atomic_write
def target_delete(*, actor, target: Target, via: str = "", expected_version: int | None = None) -> None:
    """``expected_version`` (If-Match): only the version the deleter saw."""
    target, _data = versioning.begin(target, expected=expected_version, strict=True)
    audit.record(actor=actor, action="delete", instance=target, changes=audit.snapshot(target), via=via)
    target.delete()


# ---------------------------------------------------------------- costs


@transaction.atomic
def cost_entry_create(
    *,
    actor,
    month: datetime.date | str,
    function: str,
    category: str,
    amount,
    currency: str,
    segment=None,
    note: str = "",
    via: str = "",
) -> CostEntry:
    """Record a month's sales or marketing cost; the month is snapped to its fiscal month."""
    from hamsu.scorecard.models import (
        CAMPAIGN_SPEND_BELONGS_ON_CAMPAIGN,
        MARKET_ENTRY_NEEDS_SEGMENT,
        CostCategory,
        CostFunction,
        is_campaign_spend,
    )

    errors: dict[str, list[str]] = {}
    value = _money(amount, "amount", errors)
    day = None
    if isinstance(month, str):
        try:
            parsed = period_from_key(month, field="month")
            if parsed.kind != MONTH:
                errors["month"] = [_("Give a month, as YYYY-MM.")]
            else:
                day = parsed.start
        except ValidationFailed as error:
            errors.update(error.errors)
    else:
        day = bucket(month, company_settings().fiscal_calendar)
    if function not in CostFunction.values:
        errors["function"] = [_("Choose sales or marketing.")]
    if category not in CostCategory.values:
        errors["category"] = [_("Unknown category.")]
    elif category == CostCategory.MARKET_ENTRY and segment is None:
        errors["segment"] = [str(MARKET_ENTRY_NEEDS_SEGMENT)]
    elif is_campaign_spend(function, category):
        errors["category"] = [str(CAMPAIGN_SPEND_BELONGS_ON_CAMPAIGN)]
    if len(note) > 300:
        errors["note"] = [_("At most 300 characters.")]
    raise_if(errors)
    # A missing amount or an unreadable month is an error raised above.
    assert value is not None
    assert day is not None
    base = to_base_currency(value, currency)
    entry = CostEntry.objects.create(
        month=day,
        function=function,
        category=category,
        amount=value,
        currency=currency,
        amount_base=base,
        segment=segment,
        note=note,
        entered_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="create", instance=entry, changes=audit.snapshot(entry), via=via)
    return entry


@versioning.atomic_write
def cost_entry_delete(*, actor, entry: CostEntry, via: str = "", expected_version: int | None = None) -> None:
    """``expected_version`` (If-Match): only the version the deleter saw (an import may
    have changed the entry's amount since)."""
    entry, _data = versioning.begin(entry, expected=expected_version, strict=True)
    audit.record(actor=actor, action="delete", instance=entry, changes=audit.snapshot(entry), via=via)
    entry.delete()


# ---------------------------------------------------------------- the reverse-funnel plan


@transaction.atomic
def plan_create(
    *, actor, period: str, target_amount=None, adjustments: dict | None = None, note: str = "", via: str = ""
) -> FunnelPlan:
    """Draft a plan for a period from the measured rates (and any adjustments)."""
    parsed = period_from_key(period)
    errors: dict[str, list[str]] = {}
    amount = _money(target_amount, "target_amount", errors, allow_none=True)
    raise_if(errors)
    if amount is None:
        from hamsu.scorecard.selectors import Filters, target_for

        amount = target_for(Filters(period=parsed))
        if amount is None:
            raise ValidationFailed(
                _("No target"),
                errors={"target_amount": [_("Set the company's number for this period first, or give one.")]},
            )
    inputs = plans.plan_inputs(parsed, adjustments or {})
    rows = plans.plan_rows(parsed, amount, inputs)
    latest = (
        FunnelPlan.objects.filter(calendar=parsed.calendar, period_key=parsed.key)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.status == PlanStatus.DRAFT:
        raise Conflict(
            _("A draft already exists"),
            errors={
                "period": [
                    _("Version %(v)s of this plan is still a draft: adjust or sign it.")
                    % {"v": latest.version}
                ]
            },
        )
    plan = FunnelPlan.objects.create(
        **period_fields(parsed),
        version=(latest.version + 1) if latest else 1,
        target_amount=amount,
        inputs=inputs,
        rows=rows,
        note=note,
        previous=latest,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(actor=actor, action="create", instance=plan, changes=audit.snapshot(plan), via=via)
    return plan


@versioning.atomic_write
def plan_adjust(
    *,
    actor,
    plan: FunnelPlan,
    target_amount=None,
    adjustments: dict | None = None,
    note: str | None = None,
    via: str = "",
    expected_version: int | None = None,
) -> FunnelPlan:
    """Change a draft. A signed plan is immutable: revise it (a new version) instead.

    Any signature already given is withdrawn, because it approved other figures.
    ``expected_version``: the plan's ``edit_version`` the adjuster saw (If-Match, the page's
    form); changed since, nothing is written (``StaleVersion``, naming the fields changed).
    Always strict: an adjustment is computed from every rate together, so a merge of two
    people's rates would be figures neither of them saw.
    """
    plan, _data = versioning.begin(plan, expected=expected_version, strict=True)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            _("This plan is signed"),
            errors={"plan": [_("A signed plan cannot change; create a new version.")]},
        )
    errors: dict[str, list[str]] = {}
    amount = _money(target_amount, "target_amount", errors, allow_none=True)
    raise_if(errors)
    before = audit.snapshot(plan)
    period = Period(plan.period_kind, plan.calendar, *_year_index(plan))
    merged = {**plan.inputs.get("adjustments", {}), **(adjustments or {})}
    plan.inputs = plans.plan_inputs(period, merged)
    if amount is not None:
        plan.target_amount = amount
    plan.rows = plans.plan_rows(period, plan.target_amount, plan.inputs)
    if note is not None:
        plan.note = note
    plan.sales_signed_by = plan.marketing_signed_by = None
    plan.sales_signed_at = plan.marketing_signed_at = None
    versioning.bump(plan)
    plan.save()
    audit.record(
        actor=actor, action="update", instance=plan, changes=audit.diff(before, audit.snapshot(plan)), via=via
    )
    return plan


def _year_index(plan: FunnelPlan) -> tuple[int, int]:
    parsed = parse_period(plan.period_key, plan.calendar)
    return parsed.year, parsed.index


@versioning.atomic_write
def plan_sign(
    *, actor, plan: FunnelPlan, side: str, via: str = "", expected_version: int | None = None
) -> FunnelPlan:
    """Record one head's approval (side: "sales" or "marketing"); both make it signed.

    ``expected_version``: the ``edit_version`` of the figures the signer saw; adjusted since,
    the signature is refused (``StaleVersion``), so nobody signs figures they did not see."""
    if side not in ("sales", "marketing"):
        raise ValidationFailed(_("Unknown side"), errors={"side": [_("Sign for sales or for marketing.")]})
    if not actor.has_perm(f"scorecard.sign_{side}_funnelplan"):
        raise PermissionDenied(
            _("Your role does not allow this."),
            errors={"side": [_("Only the head of %(side)s signs for %(side)s.") % {"side": side}]},
        )
    plan, _data = versioning.begin(plan, expected=expected_version, strict=True)
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            _("This plan is already signed"),
            errors={"plan": [_("A signed plan cannot change; create a new version.")]},
        )
    if getattr(plan, f"{side}_signed_at"):
        raise Conflict(_("Already signed"), errors={"side": [_("This side has already signed.")]})
    other = "marketing" if side == "sales" else "sales"
    if getattr(plan, f"{other}_signed_by_id") == actor.pk:
        raise PermissionDenied(
            _("Two people sign"), errors={"side": [_("The same person cannot sign for both sides.")]}
        )
    now = timezone.now()
    setattr(plan, f"{side}_signed_by", actor)
    setattr(plan, f"{side}_signed_at", now)
    edit_version = plan.edit_version
    versioning.bump(plan)
    if plan.sales_signed_at and plan.marketing_signed_at:
        plan.status = PlanStatus.SIGNED
        FunnelPlan.objects.filter(
            calendar=plan.calendar, period_key=plan.period_key, status=PlanStatus.SIGNED
        ).exclude(pk=plan.pk).update(status=PlanStatus.SUPERSEDED)
    plan.save()
    audit.record(
        actor=actor,
        action="update",
        instance=plan,
        changes={
            f"{side}_signed_at": now.isoformat(),
            "status": plan.status,
            "edit_version": [edit_version, plan.edit_version],
        },
        via=via,
    )
    return plan


# ---------------------------------------------------------------- forecast calls


def _can_override(actor, person) -> bool:
    if not actor.has_perm("scorecard.override_forecastcall"):
        return False
    if actor.is_superuser or roles_of(actor) & SEES_EVERYTHING:
        return True
    me = person_of(actor)
    return me is not None and person.team_id in me.visible_team_ids() and person.pk != me.pk


def _validate_call(commit, best_case, errors: dict, *, prefix: str = "", allow_none: bool = False):
    c = _money(commit, f"{prefix}commit", errors, allow_none=allow_none)
    b = _money(best_case, f"{prefix}best_case", errors, allow_none=allow_none)
    if c is not None and b is not None and b < c:
        errors.setdefault(f"{prefix}best_case", []).append(_("The best case cannot be below the commit."))
    return c, b


@transaction.atomic
def call_submit(
    *, actor, period: str, commit, best_case, note: str = "", person=None, via: str = ""
) -> ForecastCall:
    """A seller's own call for a period (replaces their previous call; overrides stay)."""
    me = person_of(actor)
    person = person or me
    if person is None:
        raise ValidationFailed(_("No seller"), errors={"person": [_("This login has no directory person.")]})
    if me is None or person.pk != me.pk:
        raise PermissionDenied(
            _("Sellers make their own calls"),
            errors={"person": [_("You can only make your own call; managers override.")]},
        )
    parsed = period_from_key(period)
    errors: dict[str, list[str]] = {}
    c, b = _validate_call(commit, best_case, errors)
    if len(note) > 300:
        errors["note"] = [_("At most 300 characters.")]
    raise_if(errors)
    call = (
        ForecastCall.objects.select_for_update()
        .filter(calendar=parsed.calendar, period_key=parsed.key, person=person)
        .first()
    )
    before = audit.snapshot(call) if call else None
    if call is None:
        call = ForecastCall(person=person, **period_fields(parsed))
    call.team_id = person.team_id
    call.commit, call.best_case, call.note = c, b, note
    call.updated_at = timezone.now()
    call.save()
    changes = audit.diff(before, audit.snapshot(call)) if before else audit.snapshot(call)
    audit.record(
        actor=actor, action="update" if before else "create", instance=call, changes=changes, via=via
    )
    return call


@transaction.atomic
def call_override(
    *, actor, call: ForecastCall, commit=None, best_case=None, note: str = "", via: str = ""
) -> ForecastCall:
    """A manager replaces a seller's commit and/or best case (empty keeps the seller's)."""
    call = ForecastCall.objects.select_for_update().select_related("person").get(pk=call.pk)
    if not _can_override(actor, call.person):
        raise PermissionDenied(
            _("Your role does not allow this."),
            errors={"call": [_("Only the seller's manager or a head overrides a call.")]},
        )
    errors: dict[str, list[str]] = {}
    c, b = _validate_call(commit, best_case, errors, allow_none=True)
    if c is None and b is None and not errors:
        errors["commit"] = [_("Give a commit or a best case to override.")]
    effective_c = c if c is not None else call.commit
    effective_b = b if b is not None else call.best_case
    if not errors and effective_b < effective_c:
        errors["best_case"] = [_("The best case cannot be below the commit.")]
    raise_if(errors)
    before = audit.snapshot(call)
    call.override_commit, call.override_best_case = c, b
    call.override_note = note[:300]
    call.override_by = actor
    call.override_at = timezone.now()
    call.save()
    audit.record(
        actor=actor, action="update", instance=call, changes=audit.diff(before, audit.snapshot(call)), via=via
    )
    return call


def call_for(*, pk: int) -> ForecastCall:
    call = ForecastCall.objects.select_related("person").filter(pk=pk).first()
    if call is None:
        raise NotFound(_("No such call"), errors={"call": [_("No forecast call with this id.")]})
    return call
