"""Liaisons and meetings: recurring series, meetings, decisions and action items."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.versioning import Versioned


class LiaisonAssignment(models.Model):
    """A marketer who lives with a sales team (the study's "marketing liaison")."""

    liaison = models.ForeignKey(
        "directory.Person",
        verbose_name=_("liaison"),
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    team = models.ForeignKey(
        "directory.Team", verbose_name=_("sales team"), on_delete=models.CASCADE, related_name="liaisons"
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")
        constraints = [
            models.UniqueConstraint(fields=["liaison", "team", "starts_on"], name="uniq_liaison_team_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="liaison_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.liaison} → {self.team}"


# ---------------------------------------------------------------- meetings


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    BIMONTHLY = "bimonthly", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")


CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.BIMONTHLY: 2, Cadence.QUARTERLY: 3}


class MeetingSeries(models.Model):
    """A recurring sales–marketing meeting (the study asks for at least quarterly)."""

    title = models.CharField(_("title"), max_length=200)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY)
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("sales team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_series",
        help_text=_("Leave empty for a company-wide meeting."),
    )
    organiser = models.ForeignKey(
        "directory.Person", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        "directory.Person", verbose_name=_("members"), blank=True, related_name="meeting_series"
    )
    first_at = models.DateTimeField(_("first meeting"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(Versioned):
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    attendees = models.ManyToManyField(
        "directory.Person", verbose_name=_("attendees"), blank=True, related_name="meetings"
    )
    # The agenda is a snapshot of live data taken when it is generated, so the minutes
    # later read against what the room actually saw.
    agenda = models.JSONField(_("agenda"), default=dict, blank=True)
    agenda_generated_at = models.DateTimeField(_("agenda generated"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["series", "starts_at"], name="meeting_series_idx")]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]


class ActionItem(Versioned):
    """Something a meeting agreed someone will do; open items carry into the next meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("raised in"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "directory.Person", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    carried_count = models.PositiveSmallIntegerField(_("times carried forward"), default=0)
    last_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("last on the agenda of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_items",
    )
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_status_due_idx"),
            models.Index(fields=["owner", "status"], name="action_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.title
