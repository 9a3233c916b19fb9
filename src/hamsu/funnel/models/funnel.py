"""The shared funnel definition: versioned, each stage with its owner, criteria and what
marketing contributes there. A published version is never edited; editing publishes a
new version, so last quarter's conversion figures keep the funnel they were made with."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FunnelKind(models.TextChoices):
    BUYING = "buying", _("Buying funnel")
    LIFECYCLE = "lifecycle", _("Lead lifecycle")
    SALES = "sales", _("Sales funnel")


class OwningFunction(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    SHARED = "shared", _("Shared")


class FunnelVersion(models.Model):
    number = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("published"), default=timezone.now)

    class Meta:
        verbose_name = _("funnel version")
        verbose_name_plural = _("funnel versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class FunnelStage(models.Model):
    version = models.ForeignKey(FunnelVersion, on_delete=models.CASCADE, related_name="stages")
    funnel = models.CharField(_("funnel"), max_length=16, choices=FunnelKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    owner_function = models.CharField(_("owned by"), max_length=16, choices=OwningFunction.choices)
    entry_criteria = models.TextField(_("entry criteria"), blank=True)
    exit_criteria = models.TextField(_("exit criteria"), blank=True)
    marketing_contribution = models.CharField(_("marketing contributes"), max_length=200, blank=True)
    materials = models.JSONField(_("material"), default=list, blank=True, help_text=_("[{title, url}]"))
    # Which lead states / deal stages are counted at this stage ("lead:mql", "opportunity:decision").
    tracks = models.JSONField(_("counted from"), default=list, blank=True)

    class Meta:
        verbose_name = _("funnel stage")
        verbose_name_plural = _("funnel stages")
        ordering = ["version", "funnel", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "funnel", "code"], name="uniq_funnel_stage_code"),
        ]

    def __str__(self) -> str:
        return self.name
