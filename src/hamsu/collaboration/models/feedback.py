"""Field feedback: notes, quarterly digests and the themes marketing answers."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DealOutcome(models.TextChoices):
    OPEN = "open", _("Still open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    NONE = "none", _("No deal")


class FeedbackNote(models.Model):
    """What a seller heard in the field, in under a minute of typing."""

    author = models.ForeignKey(
        "directory.Person", verbose_name=_("seller"), on_delete=models.PROTECT, related_name="feedback_notes"
    )
    team = models.ForeignKey(
        "directory.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_notes"
    )
    account = models.ForeignKey(
        "crm.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_notes",
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_notes",
    )
    activity = models.OneToOneField(
        "crm.Activity",
        verbose_name=_("call report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_note",
    )
    customer_need = models.TextField(_("what the customer needed"), max_length=2000, blank=True)
    competitor = models.CharField(_("competitor met"), max_length=120, blank=True)
    outcome = models.CharField(
        _("deal outcome"), max_length=8, choices=DealOutcome.choices, default=DealOutcome.OPEN
    )
    outcome_reason = models.CharField(_("why won or lost"), max_length=300, blank=True)
    product_gap = models.TextField(_("product gap"), max_length=2000, blank=True)
    winning_message = models.TextField(_("message that worked"), max_length=2000, blank=True)
    lead_quality_complaint = models.BooleanField(
        _("lead-quality complaint"),
        default=False,
        help_text=_("The lead marketing sent was not ready for sales."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback note")
        verbose_name_plural = _("feedback notes")
        indexes = [
            models.Index(fields=["created_at", "id"], name="feedback_created_idx"),
            models.Index(fields=["author", "created_at"], name="feedback_author_idx"),
        ]

    def __str__(self) -> str:
        return (self.customer_need or self.product_gap or self.outcome_reason or "—")[:80]

    @property
    def text(self) -> str:
        """Everything the seller wrote, as one text for theme finding."""
        parts = [
            self.customer_need,
            self.product_gap,
            self.winning_message,
            self.outcome_reason,
            self.competitor,
        ]
        return " . ".join(p for p in parts if p)


class FeedbackDigest(models.Model):
    """A monthly or quarterly summary of feedback for marketing, grouped into themes."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note_count = models.PositiveIntegerField(_("notes"), default=0)

    # Not columns: selectors.digest_detail fills them for the digest's page.
    lead_quality_count: int
    competitors: list[dict[str, Any]]

    class Meta:
        verbose_name = _("feedback digest")
        verbose_name_plural = _("feedback digests")
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"


class ThemeStatus(models.TextChoices):
    NEW = "new", _("New")
    ACTED = "acted", _("Acted upon")
    DECLINED = "declined", _("Not acting")


class FeedbackTheme(models.Model):
    digest = models.ForeignKey(FeedbackDigest, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(_("theme"), max_length=200)
    top_terms = models.JSONField(_("top terms"), default=list)
    size = models.PositiveIntegerField(_("notes"), default=0)
    example_ids = models.JSONField(_("examples"), default=list)
    notes = models.ManyToManyField(FeedbackNote, blank=True, related_name="themes")
    status = models.CharField(
        _("status"), max_length=16, choices=ThemeStatus.choices, default=ThemeStatus.NEW
    )
    action_taken = models.TextField(_("what marketing did"), blank=True)
    acted_by = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)

    # Not a column: selectors.digest_detail fills it with the notes of example_ids.
    examples: list[FeedbackNote]

    class Meta:
        verbose_name = _("feedback theme")
        verbose_name_plural = _("feedback themes")
        ordering = ["-size", "id"]

    def __str__(self) -> str:
        return self.label
