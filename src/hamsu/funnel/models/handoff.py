"""Handoffs from marketing to sales, their two-sided SLA and business-hours calendars."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.versioning import Versioned


class BusinessCalendar(models.Model):
    """Working days and hours of a team, with its holidays.

    ``workdays`` uses Python's weekday numbers (Monday 0 … Sunday 6), so an Iranian
    Saturday–Wednesday week is ``[5, 6, 0, 1, 2]``. Holidays are explicit Gregorian dates
    (lunar holidays move every year) plus recurring dates in the Jalali or Gregorian
    calendar (``"01-01"`` … ``"01-04"`` for Nowruz).
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    workdays = models.JSONField(_("working days"), default=list)
    day_start = models.TimeField(_("day starts"), default=datetime.time(9, 0))
    day_end = models.TimeField(_("day ends"), default=datetime.time(17, 0))
    holidays = models.JSONField(_("holidays"), default=list, blank=True)
    jalali_holidays = models.JSONField(_("yearly Jalali holidays"), default=list, blank=True)
    gregorian_holidays = models.JSONField(_("yearly Gregorian holidays"), default=list, blank=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(Versioned):
    """Both sides' commitments for one sales team (or the default when team is empty)."""

    name = models.CharField(_("name"), max_length=120)
    team = models.OneToOneField(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    calendar = models.ForeignKey(
        BusinessCalendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="+"
    )
    accept_within_hours = models.DecimalField(
        _("accept or return within (business hours)"), max_digits=6, decimal_places=2, default=Decimal("8")
    )
    follow_up_within_hours = models.DecimalField(
        _("first follow-up within (business hours)"), max_digits=6, decimal_places=2, default=Decimal("16")
    )
    min_attempts = models.PositiveSmallIntegerField(_("follow-up attempts before disqualifying"), default=3)
    mql_target_per_month = models.PositiveIntegerField(_("MQLs marketing commits to per month"), default=100)
    acceptance_rate_target = models.DecimalField(
        _("acceptance rate marketing commits to (%)"), max_digits=5, decimal_places=2, default=Decimal("70")
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["name"], name="uniq_sla_name"),
        ]

    def __str__(self) -> str:
        return self.name


class HandoffStatus(models.TextChoices):
    OPEN = "open", _("Waiting for sales")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Handoff(models.Model):
    lead = models.ForeignKey("funnel.Lead", on_delete=models.CASCADE, related_name="handoffs")
    team = models.ForeignKey(
        "directory.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=HandoffStatus.choices, default=HandoffStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    # Why marketing handed the lead over: the definition it met, or a marketer's own words
    # when they qualified it by hand. Sales reads it on the lead and in the queue.
    reason = models.CharField(_("why handed over"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set by the one UPDATE that claims a breach: a non-null value means "escalated".
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalation_claim = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        indexes = [
            models.Index(
                fields=["due_at"],
                name="handoff_breach_idx",
                condition=Q(status="open", escalated_at__isnull=True),
            ),
            models.Index(fields=["lead", "opened_at"], name="handoff_lead_idx"),
            models.Index(fields=["team", "status"], name="handoff_team_idx"),
            # The SLA counts of a period (dashboards, agenda) read only these columns: on
            # PostgreSQL the index alone answers them.
            models.Index(
                fields=["opened_at"],
                include=["team", "status", "closed_at", "due_at", "escalated_at"],
                name="handoff_opened_idx",
            ),
            # Open handoffs are few at any time; "open and overdue" is counted live from here.
            models.Index(
                fields=["opened_at"],
                include=["team", "due_at"],
                condition=Q(status="open"),
                name="handoff_open_idx",
            ),
        ]
        constraints = [
            # One open handoff per lead at a time.
            models.UniqueConstraint(
                fields=["lead"], condition=Q(status="open"), name="one_open_handoff_per_lead"
            ),
        ]

    def __str__(self) -> str:
        return f"handoff #{self.pk} ({self.status})"

    @property
    def breached(self) -> bool:
        end = self.closed_at or timezone.now()
        return end > self.due_at


class HandoffDayTotal(models.Model):
    """Handoffs per UTC day opened and sales team: what the SLA figures count.

    Read-only from Python: ``hamsu.funnel.handoff_totals`` creates the table and the
    triggers on the handoffs that keep it current. Unmanaged, like the CRM's pipeline
    totals, so backups and flushes leave it to the triggers. A day in UTC rather than in
    the company's zone keeps the rows valid whatever the zone; a period's partial first
    and last day are counted from the handoffs themselves.
    """

    day = models.DateField()
    team_key = models.BigIntegerField(help_text="team id, 0 for none")
    mqls = models.BigIntegerField()
    accepted = models.BigIntegerField()
    returned = models.BigIntegerField()
    closed = models.BigIntegerField()
    on_time = models.BigIntegerField()
    breaches = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "funnel_handoff_day_total"

    def __str__(self) -> str:
        return f"{self.day} team={self.team_key}: {self.mqls}"
