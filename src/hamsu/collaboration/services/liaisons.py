"""Marketing liaisons of sales teams: assigning one, ending an assignment."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hamsu.collaboration.models import LiaisonAssignment
from hamsu.collaboration.services.common import MARKETING, clean_text, record
from hamsu.core import audit
from hamsu.core.errors import ValidationFailed
from hamsu.core.notify import notify
from hamsu.core.validation import check_date_range, full_clean, raise_if
from hamsu.directory.models import Function


@transaction.atomic
def liaison_assign(
    *,
    actor,
    liaison,
    team,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    note: str = "",
    via: str = "",
) -> LiaisonAssignment:
    errors: dict[str, list[str]] = {}
    if liaison.function not in MARKETING:
        errors["liaison"] = [_("A liaison must work in marketing.")]
    if team.function != Function.SALES:
        errors["team"] = [_("Liaisons are assigned to sales teams.")]
    starts_on = starts_on or timezone.localdate()
    check_date_range("starts_on", starts_on, errors)
    check_date_range("ends_on", ends_on, errors)
    if ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The end cannot be before the start."))
    overlapping = LiaisonAssignment.objects.filter(liaison=liaison, team=team).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on:
        overlapping = overlapping.filter(starts_on__lte=ends_on)
    if not errors and overlapping.exists():
        errors["team"] = [_("This liaison is already assigned to this team for these dates.")]
    raise_if(errors)
    assignment = LiaisonAssignment(
        liaison=liaison, team=team, starts_on=starts_on, ends_on=ends_on, note=clean_text(note)
    )
    full_clean(assignment)
    assignment.save()
    record(actor, "create", assignment, via=via)
    recipients = [liaison] + ([team.manager] if team.manager_id else [])
    notify(
        recipients=recipients,
        kind="liaison",
        title=_("%(person)s is now the marketing liaison of %(team)s") % {"person": liaison, "team": team},
        url=reverse("collaboration:liaison", args=[liaison.pk]),
    )
    return assignment


@transaction.atomic
def liaison_end(*, assignment: LiaisonAssignment, actor, ends_on: datetime.date | None = None, via: str = ""):
    ends_on = ends_on or timezone.localdate()
    if ends_on < assignment.starts_on:
        raise ValidationFailed(
            _("Please correct the errors below."),
            errors={"ends_on": [_("The end cannot be before the start.")]},
        )
    before = audit.snapshot(assignment)
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    record(actor, "update", assignment, audit.diff(before, audit.snapshot(assignment)), via)
    return assignment
