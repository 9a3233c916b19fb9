"""Routing rules, evaluated in order, and the log of every assignment with its reason."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.models import AppendOnlyModel
from hamsu.core.versioning import Versioned


class RoutingRuleKind(models.TextChoices):
    ACCOUNT_OWNER = "account_owner", _("Existing account owner")
    SEGMENT = "segment", _("Segment → team")
    TERRITORY = "territory", _("Territory (countries) → team")
    ROUND_ROBIN = "round_robin", _("Round robin within a team")


class RoutingRule(Versioned):
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=RoutingRuleKind.choices)
    segment = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    countries = models.JSONField(
        _("countries"), default=list, blank=True, help_text=_('ISO codes, e.g. ["IR", "AE"]')
    )
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(
        _("capacity cap"), null=True, blank=True, help_text=_("Most open leads (MQL/SAL) one person may hold")
    )
    # Narrows any kind of rule further, in the rule language of lead definitions (lead
    # fields only): e.g. a territory rule for companies of 1,000 people or more.
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class RoundRobinCursor(models.Model):
    """Who in a team got the last lead; locked while choosing the next one."""

    team = models.OneToOneField("directory.Team", on_delete=models.CASCADE, related_name="+")
    last_person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.team_id} → {self.last_person_id}"


class LeadAssignment(AppendOnlyModel):
    lead = models.ForeignKey("funnel.Lead", on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "directory.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    queue = models.CharField(_("queue"), max_length=16, blank=True)
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    explanation = models.CharField(_("why"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("lead assignment")
        verbose_name_plural = _("lead assignments")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["lead", "at"], name="lead_assignment_idx")]

    def __str__(self) -> str:
        return self.explanation
