"""Key-account playbooks: account plans, stakeholders, plan items and marketing's
participation."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.collaboration.models.meetings import ActionStatus
from hamsu.core.versioning import Versioned


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class AccountPlan(Versioned):
    """The joint playbook for growing one key account."""

    account = models.OneToOneField(
        "crm.Account", verbose_name=_("account"), on_delete=models.CASCADE, related_name="plan"
    )
    objectives = models.TextField(_("objectives"), blank=True)
    sales_owner = models.ForeignKey(
        "directory.Person", verbose_name=_("sales owner"), on_delete=models.PROTECT, related_name="+"
    )
    marketing_owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("marketing owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")

    def __str__(self) -> str:
        return str(self.account)


class Stakeholder(models.Model):
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=160)
    title = models.CharField(_("role at the customer"), max_length=160, blank=True)
    stance = models.CharField(_("stance"), max_length=80, blank=True)
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return self.name


class PlanItemKind(models.TextChoices):
    PLAY = "play", _("Planned play")
    NEXT_ACTION = "next_action", _("Next action")


class PlanItem(Versioned):
    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(
        _("kind"), max_length=16, choices=PlanItemKind.choices, default=PlanItemKind.NEXT_ACTION
    )
    title = models.CharField(_("title"), max_length=300)
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["kind", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ParticipationKind(models.TextChoices):
    PLANNING = "planning", _("Account planning")
    SALES_CALL = "sales_call", _("Sales call or visit")
    PRICING = "pricing", _("Pricing advice")
    PROPOSAL = "proposal", _("Proposal or solution")
    EXECUTIVE = "executive", _("Executive briefing")


class MarketingParticipation(models.Model):
    """A marketer took part in a key account's work (evidence for diagnostic statement 13)."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("marketer"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ParticipationKind.choices)
    occurred_on = models.DateField(_("on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("marketing participation")
        verbose_name_plural = _("marketing participations")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind} {self.occurred_on}"
