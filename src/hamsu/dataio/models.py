"""Data in and out: import jobs with their row-level report, saved column mappings,
outbound webhooks with their delivery log, and the bookmarks the event scanner keeps."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.versioning import Versioned
from hamsu.dataio.webhook_targets import validate_webhook_url


class ImportKind(models.TextChoices):
    ACCOUNTS = "accounts", _("Accounts")
    CONTACTS = "contacts", _("Contacts")
    OPPORTUNITIES = "opportunities", _("Opportunities")
    ACTIVITIES = "activities", _("Activities")
    PEOPLE = "people", _("People")
    PRODUCTS = "products", _("Products")
    LEADS = "leads", _("Leads")
    COSTS = "costs", _("Sales and marketing costs")


class ImportPreset(models.Model):
    """A saved column mapping (e.g. "HubSpot contacts export") to reuse on the next upload."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("import mapping preset")
        verbose_name_plural = _("import mapping presets")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="dataio_preset_unique_name")]
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Dry run running")
    CHECKED = "checked", _("Dry run done")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One upload of one file: its mapping, the dry run's report and the commit's outcome.

    A job commits in ONE transaction: either every valid row is written or nothing is
    (a crash rolls the whole file back and the job is marked failed). While that
    transaction runs, other connections cannot see its writes, so progress goes to a
    small JSON file beside the upload (see progress.py) that the page polls.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    file_path = models.CharField(_("stored file"), max_length=500)
    filename = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=4, blank=True)
    headers = models.JSONField(_("columns"), default=list, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    duplicate_count = models.PositiveIntegerField(_("duplicates"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        permissions = [("backup_company", _("Can back up and restore the whole company"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.FAILED) else 0
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING)


class IssueKind(models.TextChoices):
    ERROR = "error", _("Error")
    DUPLICATE = "duplicate", _("Duplicate")
    WARNING = "warning", _("Warning")


class ImportIssue(models.Model):
    """One line of the row-level report: which row, which column, what is wrong or merged."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=IssueKind.choices)
    message = models.CharField(_("message"), max_length=500)

    class Meta:
        verbose_name = _("import issue")
        verbose_name_plural = _("import issues")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "kind", "row"], name="dataio_issue_job_idx")]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.message}"


class ImportedRecord(models.Model):
    """External id → record for kinds whose model has no external_id column (activities).

    Re-importing the same file finds these and does not create the rows twice.
    """

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    external_id = models.CharField(max_length=100)
    object_id = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "external_id"], name="dataio_imported_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.external_id}"


class WebhookEvent(models.TextChoices):
    LEAD_MQL = "lead.mql", _("Lead became MQL")
    HANDOFF_ACCEPTED = "handoff.accepted", _("Handoff accepted")
    HANDOFF_RETURNED = "handoff.returned", _("Handoff returned")
    SLA_BREACHED = "handoff.sla_breached", _("SLA breached")
    STAGE_CHANGED = "opportunity.stage_changed", _("Opportunity stage changed")
    DEAL_WON = "deal.won", _("Deal won")
    DEAL_LOST = "deal.lost", _("Deal lost")


def _new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(Versioned):
    # The validator refuses addresses webhooks may not reach (see webhook_targets).
    url = models.URLField(_("URL"), max_length=500, validators=[validate_webhook_url])
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("signing secret"), max_length=128, default=_new_secret)
    events = models.JSONField(_("events"), default=list, help_text=_("Event types to send"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["url", "id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    RETRYING = "retrying", _("Retrying")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="dataio_delivery_due_idx"),
            models.Index(fields=["endpoint", "created_at"], name="dataio_delivery_ep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"


class EventBookmark(models.Model):
    """How far the event scanner has read a log (StageEvent id, handoff escalation time)."""

    name = models.CharField(max_length=60, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"
