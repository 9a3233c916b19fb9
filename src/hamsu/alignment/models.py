"""Diagnostic rounds, invitations, responses, advisor assessments and action items.

Anonymity is a property of the data, not of the screens: in an anonymous round a
``Response`` has no link to its invitation, no timestamp and a random primary key, so
nothing stored can say who gave which answers or in what order. The invitation only
records that it was used (no time either).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.core.versioning import Versioned


class RespondentFunction(models.TextChoices):
    """The groups the results are broken down by (the study compares sales and marketing)."""

    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service")
    LEADERSHIP = "leadership", _("Revenue leadership")
    OTHER = "other", _("Other")


class Level(models.TextChoices):
    HEAD = "head", _("Head of function")
    STAFF = "staff", _("Staff")


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=160)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=True,
        help_text=_("Keep only each respondent's function; answers can never be traced to a person."),
    )
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(50)],
        help_text=_("Groups with fewer respondents are pooled so no one's answers can be worked out."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("diagnostic round")
        verbose_name_plural = _("diagnostic rounds")
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def accepts_answers(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= now < self.closes_at


class Invitation(models.Model):
    """One invitation = at most one response. Only a hash of the link's token is stored."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    function = models.CharField(_("function"), max_length=16, choices=RespondentFunction.choices)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, default=Level.STAFF)
    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    used = models.BooleanField(_("answered"), default=False)
    # Answers saved before submitting, so a respondent can resume. Cleared on submit.
    draft = models.JSONField(default=dict, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["round", "used"], name="align_inv_round_used_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "email"],
                condition=~models.Q(email=""),
                name="align_inv_one_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.email or f"#{self.pk}"


def _rating_field(number: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        f"s{number}", validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class Response(models.Model):
    """A complete set of 20 ratings. In anonymous rounds: function only, no link, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="responses")
    function = models.CharField(_("function"), max_length=16, choices=RespondentFunction.choices)
    # Named rounds only (both stay empty in anonymous rounds).
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    respondent_label = models.CharField(_("respondent"), max_length=160, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    imported = models.BooleanField(_("imported"), default=False)
    s1 = _rating_field(1)
    s2 = _rating_field(2)
    s3 = _rating_field(3)
    s4 = _rating_field(4)
    s5 = _rating_field(5)
    s6 = _rating_field(6)
    s7 = _rating_field(7)
    s8 = _rating_field(8)
    s9 = _rating_field(9)
    s10 = _rating_field(10)
    s11 = _rating_field(11)
    s12 = _rating_field(12)
    s13 = _rating_field(13)
    s14 = _rating_field(14)
    s15 = _rating_field(15)
    s16 = _rating_field(16)
    s17 = _rating_field(17)
    s18 = _rating_field(18)
    s19 = _rating_field(19)
    s20 = _rating_field(20)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{key}__gte": 1}) & models.Q(**{f"{key}__lte": 5}),
                name=f"align_resp_{key}_1_5",
            )
            for key in KEYS
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_function_display()}"

    @property
    def ratings(self) -> list[int]:
        return [getattr(self, key) for key in KEYS]


class Assessment(models.Model):
    """An answer to "do we need more alignment?" and the relationship it recommends."""

    class CompanySize(models.TextChoices):
        SMALL = "small", _("Small (under 50 people)")
        MEDIUM = "medium", _("Medium (50–499)")
        LARGE = "large", _("Large (500 or more)")

    class MarketingRole(models.TextChoices):
        SUPPORT = "support", _("Sales support: collateral, events, brochures")
        DEMAND = "demand", _("Demand generation: campaigns and leads")
        STRATEGIC = "strategic", _("Strategic: segments, positioning, products")

    class CycleLength(models.TextChoices):
        SHORT = "short", _("Short (weeks)")
        MEDIUM = "medium", _("Medium (a few months)")
        LONG = "long", _("Long (six months or more)")

    class Complexity(models.TextChoices):
        SIMPLE = "simple", _("Simple: one buyer, standard offer")
        COMPLEX = "complex", _("Complex: many stakeholders, tailored solutions")

    class Market(models.TextChoices):
        COMMODITISING = "commoditising", _("Commoditising: offers look alike, price matters most")
        CUSTOMISING = "customising", _("Customising: buyers want tailored solutions")

    class Pace(models.TextChoices):
        STABLE = "stable", _("Stable")
        MODERATE = "moderate", _("Changing steadily")
        FAST = "fast", _("Changing fast")

    company_size = models.CharField(_("company size"), max_length=8, choices=CompanySize.choices)
    informal_relations_good = models.BooleanField(
        _("sales and marketing already get on well informally"), default=False
    )
    marketing_role = models.CharField(
        _("marketing's current role"), max_length=12, choices=MarketingRole.choices
    )
    cycle_length = models.CharField(_("length of the sales cycle"), max_length=8, choices=CycleLength.choices)
    complexity = models.CharField(_("complexity of the sale"), max_length=8, choices=Complexity.choices)
    market = models.CharField(_("market"), max_length=16, choices=Market.choices)
    pace = models.CharField(_("pace of change"), max_length=8, choices=Pace.choices)
    recommended = models.CharField(_("recommended relationship"), max_length=16)
    reasons = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alignment assessment")
        verbose_name_plural = _("alignment assessments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.recommended} ({self.created_at:%Y-%m-%d})"


class ActionItem(Versioned):
    """A move the team adopted, with an owner; kept here so the app stands on its own."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    move = models.CharField(_("move"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="alignment_actions",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.title
