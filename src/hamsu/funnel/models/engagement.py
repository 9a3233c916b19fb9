"""Rules of engagement ("when … then …"), their firing log and tasks. (Their in-app
notices are ``hamsu.core.models.Notification`` rows: the one inbox every app writes.)"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.models import AppendOnlyModel
from hamsu.core.versioning import Versioned


class EngagementRule(Versioned):
    class Subject(models.TextChoices):
        OPPORTUNITY = "opportunity", _("Opportunity")
        LEAD = "lead", _("Lead")

    class Event(models.TextChoices):
        CREATED = "created", _("is created")
        STAGE_CHANGED = "stage_changed", _("changes stage")
        ANY = "any", _("changes in any way")

    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=160)
    subject = models.CharField(_("when a(n)"), max_length=16, choices=Subject.choices)
    event = models.CharField(_("event"), max_length=16, choices=Event.choices, default=Event.ANY)
    conditions = models.JSONField(_("and"), default=dict, blank=True)
    actions = models.JSONField(_("then"), default=list)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rule of engagement")
        verbose_name_plural = _("rules of engagement")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class EngagementFiring(AppendOnlyModel):
    """One rule firing on one object for one event — unique, so a rule fires once per event."""

    rule = models.ForeignKey(EngagementRule, on_delete=models.CASCADE, related_name="firings")
    object_type = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    event_key = models.CharField(max_length=60)
    outcome = models.JSONField(default=list)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_type", "object_id", "event_key"], name="uniq_rule_firing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.object_type}#{self.object_id}"


class EngagementBookmark(models.Model):
    """How far the catch-up job has read the stage-event log."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_event_id}"


class FollowUpTask(models.Model):
    assignee = models.ForeignKey(
        "directory.Person", verbose_name=_("for"), on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("task"), max_length=300)
    object_type = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    rule = models.ForeignKey(
        EngagementRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["assignee", "done_at"], name="task_assignee_idx")]

    def __str__(self) -> str:
        return self.subject
