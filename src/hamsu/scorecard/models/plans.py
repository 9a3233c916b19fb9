"""The number and quotas (targets), the reverse-funnel plan, and costs."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.money import CURRENCY_CHOICES
from hamsu.core.versioning import Versioned
from hamsu.scorecard.models.base import MONEY, PeriodFields


class TargetScope(models.TextChoices):
    COMPANY = "company", _("Company (the number)")
    TEAM = "team", _("Team")
    SEGMENT = "segment", _("Segment")
    PRODUCT = "product", _("Product")
    SELLER = "seller", _("Seller quota")


class Target(PeriodFields, Versioned):
    """A revenue goal for a period: the company's number, its split, or a quota."""

    scope = models.CharField(_("scope"), max_length=16, choices=TargetScope.choices)
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    segment = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(
        "crm.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("seller"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.DecimalField(_("amount (base currency)"), **MONEY, validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-period_start", "scope", "id"]
        constraints = [
            # One figure per period and scope item; NULLs are distinct in SQL, so the
            # service also checks before writing.
            models.UniqueConstraint(
                fields=["calendar", "period_key", "scope", "team", "segment", "product", "person"],
                name="uniq_target_scope",
            )
        ]
        indexes = [models.Index(fields=["period_start", "scope"], name="target_period_idx")]

    def __str__(self) -> str:
        return f"{self.period_key} {self.get_scope_display()} {self.amount}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed by both heads")
    SUPERSEDED = "superseded", _("Superseded")


class FunnelPlan(PeriodFields):
    """The reverse-funnel plan: from the number to deals, SQLs, MQLs and inquiries.

    Both heads sign it; once both have, it is immutable, and a change is a new version.
    ``inputs`` holds the measured rates used (and any adjustment, with the measured value
    kept beside it); ``rows`` holds the resulting volumes and start-by dates.
    """

    version = models.PositiveIntegerField(_("version"), default=1)
    # The edit version (issue 18): ``version`` above names the plan's revision, so the
    # version every adjustment and signature bumps, checked against If-Match and the page's
    # form, has a name of its own (see ``hamsu.core.versioning.field_of``).
    version_field = "edit_version"
    edit_version = models.PositiveIntegerField(
        _("edit version"),
        default=1,
        db_default=1,
        editable=False,
        help_text=_("Goes up by one with every adjustment or signature of this version of the plan."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    target_amount = models.DecimalField(_("revenue target"), **MONEY, validators=[MinValueValidator(0)])
    inputs = models.JSONField(_("inputs"), default=dict)
    rows = models.JSONField(_("plan"), default=list)
    note = models.TextField(_("note"), blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sales_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for sales by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sales_signed_at = models.DateTimeField(_("signed for sales at"), null=True, blank=True)
    marketing_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for marketing by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    marketing_signed_at = models.DateTimeField(_("signed for marketing at"), null=True, blank=True)

    class Meta:
        verbose_name = _("funnel plan")
        verbose_name_plural = _("funnel plans")
        ordering = ["-period_start", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "period_key", "version"], name="uniq_plan_version")
        ]
        permissions = [
            ("sign_sales_funnelplan", _("Can sign a funnel plan for sales")),
            ("sign_marketing_funnelplan", _("Can sign a funnel plan for marketing")),
        ]

    def __str__(self) -> str:
        return f"{self.period_key} v{self.version}"

    @property
    def is_signed(self) -> bool:
        return bool(self.sales_signed_at and self.marketing_signed_at)


# ---------------------------------------------------------------- costs


class CostFunction(models.TextChoices):
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")


class CostCategory(models.TextChoices):
    SALARIES = "salaries", _("Salaries and commissions")
    ADVERTISING = "advertising", _("Advertising and media")
    EVENTS = "events", _("Events and trade shows")
    TOOLS = "tools", _("Tools and software")
    TRAVEL = "travel", _("Travel")
    CONTENT = "content", _("Content and collateral")
    RESEARCH = "research", _("Market research")
    MARKET_ENTRY = "market_entry", _("New segment entry")
    OTHER = "other", _("Other")


# The market-entry metric divides these costs by the segments entered: a cost without its
# segment would count nowhere. One message for the form, the API and the import.
MARKET_ENTRY_NEEDS_SEGMENT = _("A new-segment entry cost needs the segment it was spent on.")

# Marketing's media, events and content are bought by campaigns and recorded as the
# campaign's spend (campaigns.CostLine), where ROI divides by them; marketing spend adds
# that to this ledger's marketing costs (hamsu.core.spend). Were the same cost also
# entered here it would count twice, so the ledger refuses these categories for marketing:
# one source per kind of cost. One message for the form, the API and the import.
CAMPAIGN_SPEND_CATEGORIES = frozenset({CostCategory.ADVERTISING, CostCategory.EVENTS, CostCategory.CONTENT})
CAMPAIGN_SPEND_BELONGS_ON_CAMPAIGN = _(
    "Marketing's advertising, events and content are campaign spend: record them on their "
    "campaign (its spend lines), where marketing spend and ROI count them once."
)


def is_campaign_spend(function: str, category: str) -> bool:
    """Whether a cost of this function and category belongs on a campaign, not in the ledger."""
    return function == CostFunction.MARKETING and category in CAMPAIGN_SPEND_CATEGORIES


class CostEntry(Versioned):
    """Money spent by sales or marketing in one fiscal month (entered or imported)."""

    month = models.DateField(_("month"), help_text=_("First day of the fiscal month."))
    function = models.CharField(_("function"), max_length=16, choices=CostFunction.choices)
    category = models.CharField(_("category"), max_length=16, choices=CostCategory.choices)
    amount = models.DecimalField(_("amount"), **MONEY, validators=[MinValueValidator(0)])
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    amount_base = models.DecimalField(_("amount (base currency)"), **MONEY)
    segment = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("cost entry")
        verbose_name_plural = _("cost entries")
        ordering = ["-month", "function", "category"]
        indexes = [models.Index(fields=["month", "function"], name="cost_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.function} {self.category} {self.amount} {self.currency}"
