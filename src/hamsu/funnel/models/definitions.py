"""Lead definitions both heads sign: MQL and SQL criteria as versioned rules.

A version takes effect only when the head of sales and the head of marketing have both
approved it. Once approved its rules never change (services refuse, and approvals are
append-only evidence of who agreed to what and when).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.models import AppendOnlyModel


class DefinitionKind(models.TextChoices):
    MQL = "mql", _("Marketing-qualified lead (MQL)")
    SQL = "sql", _("Sales-qualified lead (SQL)")


class LeadDefinition(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("In effect")
        SUPERSEDED = "superseded", _("Superseded")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=8, choices=DefinitionKind.choices)
    number = models.PositiveIntegerField(_("version"))
    rules = models.JSONField(_("rules"))
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    effective_at = models.DateTimeField(_("in effect since"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead definition")
        verbose_name_plural = _("lead definitions")
        permissions = [("approve_leaddefinition", _("Can approve lead definitions for their side"))]
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="uniq_definition_version"),
            # At most one version of each kind is in effect.
            models.UniqueConstraint(
                fields=["kind"], condition=Q(status="approved"), name="one_definition_in_effect"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"


class DefinitionApproval(AppendOnlyModel):
    class Side(models.TextChoices):
        SALES = "sales", _("Head of sales")
        MARKETING = "marketing", _("Head of marketing")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")

    definition = models.ForeignKey(LeadDefinition, on_delete=models.CASCADE, related_name="approvals")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("definition approval")
        verbose_name_plural = _("definition approvals")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["definition", "side"], name="one_decision_per_side")]

    def __str__(self) -> str:
        return f"{self.definition}: {self.side} {self.decision}"


class DefinitionRun(models.Model):
    """A bulk re-evaluation of every open lead against the definitions in effect."""

    definition = models.ForeignKey(LeadDefinition, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    evaluated = models.PositiveIntegerField(_("evaluated"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)

    class Meta:
        verbose_name = _("re-evaluation run")
        verbose_name_plural = _("re-evaluation runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.definition} @ {self.started_at:%Y-%m-%d %H:%M}"
