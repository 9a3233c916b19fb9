"""The append-only stage-event log of opportunities and leads.

It lives in the CRM, the lowest app that writes it (deal stage changes); the funnel writes
its lead lifecycle into the same log and registers its lead-state labels here, so the
CRM never imports the funnel.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.models import AppendOnlyModel
from hamsu.crm.stages import Stage


class StageEvent(AppendOnlyModel):
    """Every stage or lifecycle change of an opportunity or a lead: who, when, from, to, why.

    Written only by services, in the same transaction as the change it records, so the
    log and the current state can never disagree. Rows are never updated or deleted.
    """

    class ObjectType(models.TextChoices):
        OPPORTUNITY = "opportunity", _("Opportunity")
        LEAD = "lead", _("Lead")

    object_type = models.CharField(_("object type"), max_length=16, choices=ObjectType.choices)
    object_id = models.BigIntegerField(_("object id"))
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="stage_events",
        db_constraint=True,
    )
    from_stage = models.CharField(_("from"), max_length=32, blank=True)
    to_stage = models.CharField(_("to"), max_length=32)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("why"), max_length=300, blank=True)
    via = models.CharField(_("via"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="stage_event_object_idx"),
            models.Index(fields=["opportunity", "at"], name="stage_event_opp_idx"),
            models.Index(fields=["to_stage", "at"], name="stage_event_to_idx"),
            models.Index(fields=["at", "id"], name="stage_event_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id}: {self.from_stage or '∅'} → {self.to_stage}"

    def get_from_stage_display(self) -> str:
        return stage_label(self.from_stage)

    def get_to_stage_display(self) -> str:
        return stage_label(self.to_stage)


# The label of every code the log holds: the deal stages from the start; apps with their
# own vocabularies (the funnel's lead states) add theirs with ``register_stage_labels``.
STAGE_LABELS: dict[str, str] = dict(Stage.choices)


def register_stage_labels(choices) -> None:
    """Label codes not labelled yet. A code already known keeps its label: lead states
    share codes with deal stages only for won/lost, whose labels agree."""
    for value, label in choices:
        STAGE_LABELS.setdefault(value, label)


def stage_label(code: str) -> str:
    return str(STAGE_LABELS.get(code, code))
