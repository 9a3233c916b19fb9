"""Campaigns, their spend (cost lines) and touchpoints — the raw material of attribution."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.money import CURRENCY_CHOICES
from hamsu.core.versioning import Versioned

MONEY = {"max_digits": 14, "decimal_places": 2}


class Channel(models.TextChoices):
    """Marketing channels. Free text is allowed on touchpoints, but these are the usual ones."""

    PAID_SEARCH = "paid_search", _("Paid search")
    PAID_SOCIAL = "paid_social", _("Paid social")
    ORGANIC_SEARCH = "organic_search", _("Organic search")
    SOCIAL = "social", _("Social")
    EMAIL = "email", _("E-mail")
    EVENTS = "events", _("Events")
    WEBINAR = "webinar", _("Webinars")
    CONTENT = "content", _("Content")
    PARTNER = "partner", _("Partner")
    REFERRAL = "referral", _("Referral")
    DISPLAY = "display", _("Display")
    DIRECT = "direct", _("Direct")
    SALES = "sales", _("Direct sales call")
    OTHER = "other", _("Other")


# Channels that are not marketing's doing: a touch through them does not make a deal
# "marketing-influenced".
NON_MARKETING_CHANNELS = frozenset({Channel.SALES, Channel.DIRECT})


class CampaignType(models.TextChoices):
    ADVERTISING = "advertising", _("Advertising")
    EMAIL = "email", _("E-mail programme")
    EVENT = "event", _("Event / conference")
    WEBINAR = "webinar", _("Webinar")
    CONTENT = "content", _("Content")
    PARTNER = "partner", _("Partner programme")
    SALES_PLAY = "sales_play", _("Sales play")
    OTHER = "other", _("Other")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(Versioned):
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    type = models.CharField(
        _("type"), max_length=16, choices=CampaignType.choices, default=CampaignType.OTHER
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    segment = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    product = models.ForeignKey(
        "crm.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    # The code that ties a landing-page visit to this campaign; unique when set.
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    utm_content = models.CharField(_("UTM content"), max_length=100, blank=True)
    utm_term = models.CharField(_("UTM term"), max_length=100, blank=True)
    budget = models.DecimalField(
        _("budget"), **MONEY, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD")
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name"]
        indexes = [
            models.Index(fields=["channel", "start_date"], name="campaign_channel_idx"),
            models.Index(fields=["utm_campaign"], name="campaign_utm_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["utm_campaign"],
                condition=~models.Q(utm_campaign=""),
                name="uniq_campaign_utm_campaign",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="campaign_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CostLine(Versioned):
    """Actual spend of a campaign over one period (usually a month)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    # Converted at write time so campaign and channel totals are one SUM.
    amount_base = models.DecimalField(_("amount (base currency)"), **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering = ["campaign", "period_start"]
        indexes = [models.Index(fields=["campaign", "period_start"], name="costline_campaign_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="costline_amount_not_negative"),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="costline_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.period_start}–{self.period_end}"


class TouchpointKind(models.TextChoices):
    FORM_FILL = "form_fill", _("Form fill")
    EMAIL_CLICK = "email_click", _("E-mail click")
    AD_CLICK = "ad_click", _("Ad click")
    WEBINAR = "webinar", _("Webinar")
    EVENT = "event", _("Event")
    SALES_CALL = "sales_call", _("Sales call")
    CONTENT_DOWNLOAD = "content_download", _("Content download")
    PAGE_VIEW = "page_view", _("Page view")
    OTHER = "other", _("Other")


# Touches by which a person hands over their details, so a lead exists from then on.
LEAD_FORMS = (TouchpointKind.FORM_FILL.value, TouchpointKind.CONTENT_DOWNLOAD.value)


class Touchpoint(models.Model):
    """One interaction of a contact or account with a campaign or channel, at a moment."""

    kind = models.CharField(_("kind"), max_length=20, choices=TouchpointKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=32, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
    )
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="touchpoints",
    )
    account = models.ForeignKey(
        "crm.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="touchpoints",
    )
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    utm_content = models.CharField(_("UTM content"), max_length=100, blank=True)
    utm_term = models.CharField(_("UTM term"), max_length=100, blank=True)
    landing_url = models.URLField(_("landing URL"), max_length=2000, blank=True)
    # The sender's id for this touch: a retried batch must not count a touch twice.
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        indexes = [
            # Path extraction walks touches per contact / per account in time order.
            models.Index(fields=["contact", "occurred_at"], name="touch_contact_idx"),
            models.Index(fields=["account", "occurred_at"], name="touch_account_idx"),
            models.Index(fields=["campaign"], name="touch_campaign_idx"),
            models.Index(fields=["occurred_at"], name="touch_occurred_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"], condition=~models.Q(external_id=""), name="uniq_touch_external_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel)


class AttributionSnapshot(models.Model):
    """The last computed comparison of attribution models for one set of parameters.

    Derived data, not a record of the business: on a large database the comparison takes
    longer than a page load, so a background task fills this table and pages read it
    (the pattern of pre-aggregated count tables). ``fingerprint`` says which state of
    touches and deals it was computed from; a stale snapshot is shown with its age while
    a fresh one is computed.
    """

    key = models.CharField(max_length=64, unique=True)
    params = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)
    refresh_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attribution snapshot")
        verbose_name_plural = _("attribution snapshots")

    def __str__(self) -> str:
        return f"{self.key[:8]} @ {self.computed_at:%Y-%m-%d %H:%M}"


def channel_label(code: str) -> str:
    """A channel's name in the active language; a channel outside the list (touches take
    free text) is shown as it was sent, and a blank one as "Unknown"."""
    if not code:
        return str(_("Unknown channel"))
    try:
        return str(Channel(code).label)
    except ValueError:
        return code
