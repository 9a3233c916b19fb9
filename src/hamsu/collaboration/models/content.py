"""Collateral (uses on deals, ratings) and joint events with their rotations."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.versioning import Versioned


class CollateralKind(models.TextChoices):
    CASE_STUDY = "case_study", _("Case study")
    SUCCESS_STORY = "success_story", _("Success story")
    SOLUTION_TEMPLATE = "solution_template", _("Solution template")
    CUSTOMISATION_GUIDE = "customisation_guide", _("Customisation guide")
    PRICING_GUIDE = "pricing_guide", _("Pricing guide")


class Collateral(Versioned):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CollateralKind.choices)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    # Funnel stages as "|stage|stage|" so one LIKE finds a stage on any database.
    stages = models.CharField(_("funnel stages"), max_length=300, blank=True)
    segments = models.ManyToManyField("crm.Segment", verbose_name=_("segments"), blank=True, related_name="+")
    products = models.ManyToManyField("crm.Product", verbose_name=_("products"), blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=8, default="en")
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collateral")
        verbose_name_plural = _("collateral")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_list(self) -> list[str]:
        return [s for s in self.stages.split("|") if s]


class CollateralUse(models.Model):
    """A seller attached a piece to a deal."""

    collateral = models.ForeignKey(Collateral, on_delete=models.CASCADE, related_name="uses")
    opportunity = models.ForeignKey(
        "crm.Opportunity", on_delete=models.CASCADE, related_name="collateral_uses"
    )
    attached_by = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collateral use")
        verbose_name_plural = _("collateral uses")
        constraints = [
            models.UniqueConstraint(fields=["collateral", "opportunity"], name="uniq_collateral_use")
        ]

    def __str__(self) -> str:
        return f"{self.collateral_id} → {self.opportunity_id}"


class CollateralRating(models.Model):
    collateral = models.ForeignKey(Collateral, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collateral rating")
        verbose_name_plural = _("collateral ratings")
        constraints = [
            models.UniqueConstraint(fields=["collateral", "person"], name="uniq_collateral_rating"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="collateral_stars_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collateral_id}: {self.stars}"


# ---------------------------------------------------------------- joint events and rotations


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    CONFERENCE = "conference", _("Conference")
    TRADE_SHOW = "trade_show", _("Trade show")
    WORKSHOP = "workshop", _("Workshop")


class JointEvent(models.Model):
    """A training, conference or trade show sales and marketing plan together."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        "directory.Person", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    participants = models.ManyToManyField(
        "directory.Person", verbose_name=_("participants"), blank=True, related_name="joint_events"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("joint event")
        verbose_name_plural = _("joint events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AssignmentKind(models.TextChoices):
    ROTATION = "rotation", _("Job rotation")
    JOINT = "joint", _("Joint assignment")


class JointAssignment(models.Model):
    """Someone works for a while on the other side (rotation) or on a shared task."""

    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="joint_assignments",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AssignmentKind.choices)
    host_team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("host team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.CharField(_("what"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint assignment")
        verbose_name_plural = _("joint assignments")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.description
