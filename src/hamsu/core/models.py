"""Shared models: the user, company settings, currency rates, the audit log and the
in-app notifications every app writes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from hamsu.core.money import CURRENCY_CHOICES


class User(AbstractUser):
    """A login. The person behind it (function, team, expertise) lives in the directory."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Visibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone sees every record")
    TEAM = "team", _("People see their own team's records")
    OWN = "own", _("People see only their own records")


class FiscalCalendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    JALALI = "jalali", _("Jalali (Iranian)")


class Versioned(models.Model):
    """Abstract base of every record people edit: the version a write must have seen."""

    version = models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        # Rows written by raw multi-row INSERTs/COPY (imports, the demo, an old backup's
        # restore) that name no version start at 1 like the ORM's.
        db_default=1,
        editable=False,
        help_text=gettext_lazy(
            "Goes up by one with every change; an edit made on an older version is refused."
        ),
    )

    class Meta:
        abstract = True


class CompanySettings(Versioned):
    """The one row of company-wide settings (Hamsu runs one company per instance)."""

    name = models.CharField(_("company name"), max_length=200, default="Hamsu")
    base_currency = models.CharField(
        _("base currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD"
    )
    visibility = models.CharField(
        _("record visibility"), max_length=16, choices=Visibility.choices, default=Visibility.EVERYONE
    )
    fiscal_calendar = models.CharField(
        _("fiscal calendar"), max_length=16, choices=FiscalCalendar.choices, default=FiscalCalendar.GREGORIAN
    )
    big_deal_threshold = models.DecimalField(
        _("big deal threshold"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("2000000"),
        validators=[MinValueValidator(0)],
        help_text=_("Opportunities at or above this amount (base currency) need marketing involvement."),
    )
    # How far back a marketing touch still counts as having influenced a new deal. Without
    # a window every deal of an account marketing ever touched would count as influenced.
    influence_lookback_days = models.PositiveSmallIntegerField(
        _("marketing influence window (days)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_(
            "A deal counts as marketing-influenced when its account had a marketing touch in this many "
            "days before the deal was created."
        ),
    )
    # Roles (hamsu.core.roles) whose members must log in with a second factor.
    two_factor_roles = models.JSONField(
        _("roles that must use two-factor login"),
        default=list,
        blank=True,
        help_text=_("People in these roles must set up an authenticator app before they can use Hamsu."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self) -> str:
        return self.name


class CurrencyRate(models.Model):
    """How many units of the base currency one unit of ``currency`` is worth."""

    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, unique=True)
    rate_to_base = models.DecimalField(
        _("rate to base currency"), max_digits=20, decimal_places=10, validators=[MinValueValidator(0)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("currency rate")
        verbose_name_plural = _("currency rates")

    def __str__(self) -> str:
        return f"{self.currency} = {self.rate_to_base}"


class AppendOnlyQuerySet(models.QuerySet):
    """Logs are evidence: refuse bulk updates and deletes through the ORM."""

    def update(self, **kwargs):  # noqa: ARG002
        raise TypeError(f"{self.model.__name__} is append-only")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only and cannot be deleted")


class AuditEntry(AppendOnlyModel):
    """One row per write made through a service: who changed what, when, from what to what."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        LOCKOUT = "lockout", _("locked out")
        UNLOCK = "unlock", _("unlocked")
        # An edit refused because the record changed since the editor loaded it.
        CONFLICT = "conflict", _("edit conflict")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    via = models.CharField(_("via"), max_length=16, blank=True, help_text=_("ui, api, cli, import, system"))

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class Notification(models.Model):
    """An in-app message to one person — the bell. Every app writes here through
    ``hamsu.core.notify`` (the funnel's SLA escalations and rule alerts as much as the
    collaboration pages' invitations), so there is one inbox to look at."""

    recipient = models.ForeignKey(
        "directory.Person",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"], name="core_notification_inbox_idx")
        ]

    def __str__(self) -> str:
        return self.title


class ClockJob(models.Model):
    """When a scheduled job (``hamsu.core.clock``) last ran and how it went: the clock's
    memory across restarts, and the claim that keeps two clocks from running it twice."""

    class Status(models.TextChoices):
        NEVER = "never", _("Not run yet")
        RUNNING = "running", _("Running")
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")
        # The process running it ended before it finished (killed, or its server
        # restarted): no code of ours ran to record an outcome (``hamsu.core.clock``).
        INTERRUPTED = "interrupted", _("Interrupted")

    name = models.CharField(_("job"), max_length=80, unique=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEVER)
    output = models.TextField(_("output"), blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OutboxMessage(models.Model):
    """An e-mail Hamsu sent while no mail server is configured (``hamsu.core.mail``):
    kept here for the administrator to read on the Outbox page, and as a ``.eml`` file
    under ``HAMSU_EMAIL_FILE_PATH``, instead of being printed to the terminal."""

    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    subject = models.TextField(_("subject"), blank=True)
    from_email = models.TextField(_("from"), blank=True)
    to = models.TextField(_("to"), blank=True, help_text=_("The recipients, one per line."))
    body = models.TextField(_("message"), blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self) -> str:
        return self.subject

    @property
    def recipients(self) -> list[str]:
        return [line for line in self.to.splitlines() if line]
