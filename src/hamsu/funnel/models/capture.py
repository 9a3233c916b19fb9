"""Lead capture: per-form keys, idempotency records and durable bulk batches."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_form_key() -> str:
    return "hf_" + secrets.token_urlsafe(24)


class CaptureForm(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    key = models.CharField(_("public key"), max_length=64, unique=True, default=new_form_key)
    allowed_origins = models.JSONField(
        _("allowed origins"), default=list, blank=True, help_text=_('e.g. ["https://www.example.com"]')
    )
    rate_limit_per_minute = models.PositiveIntegerField(_("rate limit per minute"), default=600)
    touch_kind = models.CharField(_("touchpoint kind"), max_length=40, default="form_fill")
    origin = models.CharField(_("origin"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("capture form")
        verbose_name_plural = _("capture forms")

    def __str__(self) -> str:
        return self.name


class CaptureRequest(models.Model):
    """One single capture, stored durably before the 202 reply: the intake the worker turns
    into leads in batches.

    ``(form, key)`` is unique for requests sent with an ``Idempotency-Key``, so a client's
    retry (after a timeout, a lost reply or a server killed mid-request) finds the first row
    instead of writing a second one. Requests without a key store NULL, which never
    collides. The row is kept after processing: it answers later retries and links the lead.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    form = models.ForeignKey(CaptureForm, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, null=True, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    lead = models.ForeignKey(
        "funnel.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["form", "key"], name="uniq_capture_idempotency")]
        indexes = [
            # The worker's claim query: the oldest pending rows, without scanning done ones.
            models.Index(
                fields=["id"], condition=models.Q(status="pending"), name="capture_request_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return self.key or f"#{self.pk}"


class CaptureBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")

    form = models.ForeignKey(CaptureForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    idempotency_key = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("capture batch")
        verbose_name_plural = _("capture batches")

    def __str__(self) -> str:
        return f"batch #{self.pk}"


class CaptureItem(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(CaptureBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    lead = models.ForeignKey(
        "funnel.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["batch", "status", "position"], name="capture_item_idx")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.position}"
