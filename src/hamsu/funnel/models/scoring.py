"""The rule-points spec and the trained predictive model, both versioned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScoringSpec(models.Model):
    """A points spec (hamsu.analytics.lead_scoring.rules.PointsSpec as JSON)."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    spec = models.JSONField(_("points"))
    is_active = models.BooleanField(_("in use"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("scoring points")
        verbose_name_plural = _("scoring points")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"


class PredictiveModel(models.Model):
    trained_at = models.DateTimeField(default=timezone.now)
    blob = models.BinaryField()
    info = models.JSONField(default=dict)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("predictive model")
        verbose_name_plural = _("predictive models")
        ordering = ["-trained_at"]

    def __str__(self) -> str:
        return f"model @ {self.trained_at:%Y-%m-%d %H:%M}"
