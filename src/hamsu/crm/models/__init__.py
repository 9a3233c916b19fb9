"""Accounts, contacts, segments, products, opportunities and activities, the stage-event
log (``events``) and the people's coverage of segments, products and accounts (``coverage``)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.money import CURRENCY_CHOICES
from hamsu.core.validation import validate_country_code, validate_host_name
from hamsu.core.versioning import Versioned
from hamsu.crm.models.coverage import Coverage, PersonCoverage  # noqa: F401 (the CRM's models)
from hamsu.crm.models.events import (  # noqa: F401 (the log is one of the CRM's models)
    STAGE_LABELS,
    StageEvent,
    register_stage_labels,
    stage_label,
)
from hamsu.crm.stages import Stage
from hamsu.directory.models import Function

MONEY = {"max_digits": 14, "decimal_places": 2}


class Segment(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    discovered_on = models.DateField(_("discovered on"), null=True, blank=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    list_price = models.DecimalField(_("list price"), **MONEY, validators=[MinValueValidator(0)])
    unit_cost = models.DecimalField(_("unit cost"), **MONEY, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD")
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SizeBand(models.TextChoices):
    SMALL = "small", _("Small (1–49)")
    MEDIUM = "medium", _("Medium (50–499)")
    LARGE = "large", _("Large (500–4,999)")
    ENTERPRISE = "enterprise", _("Enterprise (5,000+)")


def size_band_for(employees: int | None) -> str:
    if employees is None:
        return ""
    if employees < 50:
        return SizeBand.SMALL
    if employees < 500:
        return SizeBand.MEDIUM
    if employees < 5000:
        return SizeBand.LARGE
    return SizeBand.ENTERPRISE


class Account(Versioned):
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(
        _("web domain"), max_length=200, blank=True, db_index=True, validators=[validate_host_name]
    )
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    industry = models.CharField(_("industry"), max_length=80, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    size_band = models.CharField(_("size"), max_length=16, choices=SizeBand.choices, blank=True)
    annual_revenue = models.DecimalField(_("annual revenue"), **MONEY, null=True, blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166 code, e.g. IR"),
        validators=[validate_country_code],
    )
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [models.Index(fields=["name", "id"]), models.Index(fields=["segment", "name"])]

    def __str__(self) -> str:
        return self.name


class Contact(Versioned):
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[validate_country_code])
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["last_name", "id"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Source(models.TextChoices):
    MARKETING = "marketing", _("Marketing-sourced")
    SALES = "sales", _("Sales-sourced")
    PARTNER = "partner", _("Partner")


class Opportunity(Versioned):
    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="opportunities"
    )
    owner = models.ForeignKey(
        "directory.Person", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="opportunities"
    )
    # Denormalised from the owner at write time so team visibility is one indexed filter.
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
    )
    stage = models.CharField(_("stage"), max_length=32, choices=Stage.choices, default=Stage.PROSPECTING)
    probability = models.PositiveSmallIntegerField(
        _("probability %"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    amount_base = models.DecimalField(_("amount (base currency)"), **MONEY)
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    gross_profit = models.DecimalField(_("gross profit"), **MONEY, default=Decimal("0"))
    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.SALES)
    expected_close = models.DateField(_("expected close"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed"), default=timezone.now)
    lost_reason = models.CharField(_("lost reason"), max_length=200, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            # Keyset pagination and the default sorts each walk one of these.
            models.Index(fields=["created_at", "id"], name="opp_created_idx"),
            models.Index(fields=["amount_base", "id"], name="opp_amount_idx"),
            models.Index(fields=["expected_close", "id"], name="opp_close_idx"),
            models.Index(fields=["name", "id"], name="opp_name_idx"),
            models.Index(fields=["stage", "amount_base"], name="opp_stage_amount_idx"),
            models.Index(fields=["stage", "created_at", "id"], name="opp_stage_created_idx"),
            models.Index(fields=["owner", "stage"], name="opp_owner_stage_idx"),
            models.Index(fields=["team", "stage"], name="opp_team_stage_idx"),
            models.Index(fields=["account", "created_at"], name="opp_account_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="opp_amount_not_negative"),
            models.CheckConstraint(condition=models.Q(probability__lte=100), name="opp_probability_max_100"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in (Stage.WON, Stage.LOST)


class PipelineTotal(models.Model):
    """Deal count and value per (stage, owner, team, segment, source), kept by triggers.

    Read-only from Python: ``hamsu.crm.pipeline_totals`` creates the table and the triggers
    on ``crm_opportunity`` that keep it current. Unmanaged, so backups skip it (a restore
    rebuilds it through the triggers) and migrations do not own its schema.
    """

    stage = models.CharField(max_length=32, choices=Stage.choices)
    owner = models.ForeignKey(
        "directory.Person", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    team_key = models.BigIntegerField(help_text="team id, 0 for none")
    segment_key = models.BigIntegerField(help_text="segment id, 0 for none")
    source = models.CharField(max_length=16, choices=Source.choices)
    n = models.BigIntegerField()
    total = models.DecimalField(max_digits=20, decimal_places=2)

    class Meta:
        managed = False
        db_table = "crm_pipeline_total"

    def __str__(self) -> str:
        return f"{self.stage}: {self.n} deals, {self.total}"


class DealRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    CO_SELLER = "co_seller", _("Co-seller")
    SALES_ENGINEER = "sales_engineer", _("Sales engineer")
    BRAND_MANAGER = "brand_manager", _("Brand manager")
    PRODUCT_MANAGER = "product_manager", _("Product manager")
    MARKETING_LIAISON = "marketing_liaison", _("Marketing liaison")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")
    PRICING_ADVISOR = "pricing_advisor", _("Pricing advisor")


class OpportunityParticipant(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="deal_roles"
    )
    role = models.CharField(_("role on the deal"), max_length=32, choices=DealRole.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deal participant")
        verbose_name_plural = _("deal participants")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person", "role"], name="uniq_deal_participant_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")
    CALL_REPORT = "call_report", _("Call report")
    TASK = "task", _("Task")


class ActivityOutcome(models.TextChoices):
    NONE = "", _("—")
    CONNECTED = "connected", _("Connected")
    NO_ANSWER = "no_answer", _("No answer")
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    NEXT_STEP_AGREED = "next_step", _("Next step agreed")


class Activity(Versioned):
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ActivityOutcome.choices, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    # A planned activity (a task, the deal's next step) has a due time and no done time
    # until someone marks it done; a logged activity has neither (it happened at occurred_at).
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True, editable=False)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    owner = models.ForeignKey(
        "directory.Person", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="activities"
    )
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    participants = models.ManyToManyField(
        "directory.Person",
        verbose_name=_("participants"),
        through="ActivityParticipant",
        related_name="activities_joined",
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["opportunity", "occurred_at"], name="act_opp_idx"),
            models.Index(fields=["account", "occurred_at"], name="act_account_idx"),
            models.Index(fields=["contact", "occurred_at"], name="act_contact_idx"),
            # My day and the reminder job: the open tasks of a person, soonest first.
            models.Index(
                fields=["owner", "due_at"],
                name="act_open_task_idx",
                condition=models.Q(due_at__isnull=False, done_at__isnull=True),
            ),
        ]

    @property
    def is_open_task(self) -> bool:
        return self.due_at is not None and self.done_at is None

    @property
    def is_overdue(self) -> bool:
        return self.is_open_task and self.due_at < timezone.now()

    def __str__(self) -> str:
        return self.subject


class ActivityParticipant(models.Model):
    """Who took part, with their function at that moment (people change teams later)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="participations")
    function = models.CharField(_("function"), max_length=32, choices=Function.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="uniq_activity_participant")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.function})"
