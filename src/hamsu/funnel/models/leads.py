"""Leads and their lifecycle: inquiry → MQL → SAL → SQL → opportunity → won / lost,
with returns and recycling back to marketing nurture.

The invariants live in the database as well as in the services, so no code path (an
import, a raw UPDATE, a bug) can leave a lead without an owner or a queue, in a state
that does not exist, or returned without a reason.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.validation import validate_country_code
from hamsu.core.versioning import Versioned


class LeadState(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    MQL = "mql", _("Marketing-qualified lead")
    SAL = "sal", _("Sales-accepted lead")
    SQL = "sql", _("Sales-qualified lead")
    OPPORTUNITY = "opportunity", _("Opportunity")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    NURTURE = "nurture", _("Nurture")
    DISQUALIFIED = "disqualified", _("Disqualified")


# Where a lead is in the handoff: marketing works the first, sales the second.
MARKETING_STATES = (LeadState.INQUIRY, LeadState.NURTURE)
OPEN_FOR_SALES = (LeadState.MQL, LeadState.SAL, LeadState.SQL)


class LeadQueue(models.TextChoices):
    """Where a lead waits when no one person owns it."""

    NONE = "", _("—")
    MARKETING = "marketing", _("Marketing pool")
    HANDOFF = "handoff", _("Handoff queue")
    RECYCLE = "recycle", _("Recycle pool")
    # Disqualified leads marketing has looked at and set aside: out of the recycle pool,
    # kept (with their history) rather than deleted, and reopened into nurture if need be.
    ARCHIVE = "archive", _("Archive")


class ReturnReason(models.TextChoices):
    BAD_FIT = "bad_fit", _("Bad fit")
    NO_BUDGET = "no_budget", _("No budget")
    WRONG_CONTACT = "wrong_contact", _("Wrong contact")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_NOW = "not_now", _("Not now")


# Where a returned lead goes: a lead that may buy later is nurtured by marketing, one that
# never will is disqualified (and stays in the recycle pool for marketing to review).
RETURN_TARGET = {
    ReturnReason.BAD_FIT: LeadState.DISQUALIFIED,
    ReturnReason.NO_BUDGET: LeadState.NURTURE,
    ReturnReason.WRONG_CONTACT: LeadState.DISQUALIFIED,
    ReturnReason.DUPLICATE: LeadState.DISQUALIFIED,
    ReturnReason.NOT_NOW: LeadState.NURTURE,
}


class Lead(Versioned):
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[validate_country_code])
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    segment = models.ForeignKey(
        "crm.Segment",
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin = models.CharField(
        _("origin"), max_length=60, blank=True, help_text=_("Channel or form the lead came from")
    )
    contact = models.ForeignKey(
        "crm.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    account = models.ForeignKey(
        "crm.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )

    state = models.CharField(_("state"), max_length=16, choices=LeadState.choices, default=LeadState.INQUIRY)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    # Denormalised from the owner (or the routed team) so team visibility is one filter.
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    queue = models.CharField(_("queue"), max_length=16, choices=LeadQueue.choices, blank=True)

    score = models.FloatField(_("score"), default=0)
    score_reasons = models.JSONField(_("score reasons"), default=list, blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    win_probability = models.FloatField(_("win probability"), null=True, blank=True)
    win_reasons = models.JSONField(_("win probability reasons"), default=list, blank=True)

    mql_definition = models.ForeignKey(
        "funnel.LeadDefinition",
        verbose_name=_("MQL definition met"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_reason = models.CharField(
        _("return reason"), max_length=16, choices=ReturnReason.choices, blank=True
    )
    return_note = models.CharField(_("return note"), max_length=300, blank=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    recycle_count = models.PositiveIntegerField(_("times recycled"), default=0)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    first_follow_up_at = models.DateTimeField(_("first follow-up"), null=True, blank=True)
    follow_up_attempts = models.PositiveIntegerField(_("follow-up attempts"), default=0)

    external_id = models.CharField(_("external id"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        permissions = [
            ("accept_lead", _("Can accept or return leads")),
            ("route_lead", _("Can assign leads from the handoff queue")),
        ]
        indexes = [
            models.Index(fields=["created_at", "id"], name="lead_created_idx"),
            models.Index(fields=["state", "owner"], name="lead_state_owner_idx"),
            models.Index(fields=["queue", "state"], name="lead_queue_idx"),
            models.Index(fields=["owner", "state_changed_at"], name="lead_owner_idx"),
            models.Index(fields=["team", "state"], name="lead_team_idx"),
            models.Index(fields=["score", "id"], name="lead_score_idx"),
        ]
        constraints = [
            # Never orphaned: someone owns it or it waits in a named queue.
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(queue=""), name="lead_owner_or_queue"
            ),
            models.CheckConstraint(condition=Q(state__in=LeadState.values), name="lead_state_known"),
            # A returned lead always says why.
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | ~Q(return_reason=""), name="lead_returned_has_reason"
            ),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email or f"#{self.pk}"

    @property
    def display_company(self) -> str:
        return self.account.name if self.account_id and self.account else self.company


class LeadTouch(models.Model):
    """A touchpoint counted for the lead's definitions and score (kind + when).

    The campaign side keeps the attribution record; this is the lead's own copy of the
    facts the rule language counts ("3 webinar touches in 30 days").
    """

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="touches")
    kind = models.CharField(_("kind"), max_length=40)
    at = models.DateTimeField(_("at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("lead touch")
        verbose_name_plural = _("lead touches")
        indexes = [models.Index(fields=["lead", "kind", "at"], name="lead_touch_idx")]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.at:%Y-%m-%d}"
