"""Working together (Defined → Aligned): liaisons, meetings with agendas and action items,
sales feedback and its themes, key-account playbooks, collateral, joint events and
rotations. (In-app notifications are ``hamsu.core``'s: one inbox for every app.)"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------- liaisons


class LiaisonAssignment(models.Model):
    """A marketer who lives with a sales team (the study's "marketing liaison")."""

    liaison = models.ForeignKey(
        "directory.Person",
        verbose_name=_("liaison"),
        on_delete=models.PROTECT,
        related_name="liaison_assignments",
    )
    team = models.ForeignKey(
        "directory.Team", verbose_name=_("sales team"), on_delete=models.CASCADE, related_name="liaisons"
    )
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("liaison assignment")
        verbose_name_plural = _("liaison assignments")
        constraints = [
            models.UniqueConstraint(fields=["liaison", "team", "starts_on"], name="uniq_liaison_team_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="liaison_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.liaison} → {self.team}"


# ---------------------------------------------------------------- meetings


class Cadence(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    BIMONTHLY = "bimonthly", _("Every two months")
    QUARTERLY = "quarterly", _("Quarterly")


CADENCE_MONTHS = {Cadence.MONTHLY: 1, Cadence.BIMONTHLY: 2, Cadence.QUARTERLY: 3}


class MeetingSeries(models.Model):
    """A recurring sales–marketing meeting (the study asks for at least quarterly)."""

    title = models.CharField(_("title"), max_length=200)
    cadence = models.CharField(_("cadence"), max_length=16, choices=Cadence.choices, default=Cadence.MONTHLY)
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("sales team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_series",
        help_text=_("Leave empty for a company-wide meeting."),
    )
    organiser = models.ForeignKey(
        "directory.Person", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        "directory.Person", verbose_name=_("members"), blank=True, related_name="meeting_series"
    )
    first_at = models.DateTimeField(_("first meeting"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    attendees = models.ManyToManyField(
        "directory.Person", verbose_name=_("attendees"), blank=True, related_name="meetings"
    )
    # The agenda is a snapshot of live data taken when it is generated, so the minutes
    # later read against what the room actually saw.
    agenda = models.JSONField(_("agenda"), default=dict, blank=True)
    agenda_generated_at = models.DateTimeField(_("agenda generated"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["series", "starts_at"], name="meeting_series_idx")]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]


class ActionItem(models.Model):
    """Something a meeting agreed someone will do; open items carry into the next meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("raised in"), on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        "directory.Person", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    carried_count = models.PositiveSmallIntegerField(_("times carried forward"), default=0)
    last_meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("last on the agenda of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_items",
    )
    reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="action_status_due_idx"),
            models.Index(fields=["owner", "status"], name="action_owner_idx"),
        ]

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------- feedback


class DealOutcome(models.TextChoices):
    OPEN = "open", _("Still open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    NONE = "none", _("No deal")


class FeedbackNote(models.Model):
    """What a seller heard in the field, in under a minute of typing."""

    author = models.ForeignKey(
        "directory.Person", verbose_name=_("seller"), on_delete=models.PROTECT, related_name="feedback_notes"
    )
    team = models.ForeignKey(
        "directory.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_notes"
    )
    account = models.ForeignKey(
        "crm.Account",
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_notes",
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        verbose_name=_("opportunity"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_notes",
    )
    activity = models.OneToOneField(
        "crm.Activity",
        verbose_name=_("call report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_note",
    )
    customer_need = models.TextField(_("what the customer needed"), max_length=2000, blank=True)
    competitor = models.CharField(_("competitor met"), max_length=120, blank=True)
    outcome = models.CharField(
        _("deal outcome"), max_length=8, choices=DealOutcome.choices, default=DealOutcome.OPEN
    )
    outcome_reason = models.CharField(_("why won or lost"), max_length=300, blank=True)
    product_gap = models.TextField(_("product gap"), max_length=2000, blank=True)
    winning_message = models.TextField(_("message that worked"), max_length=2000, blank=True)
    lead_quality_complaint = models.BooleanField(
        _("lead-quality complaint"),
        default=False,
        help_text=_("The lead marketing sent was not ready for sales."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback note")
        verbose_name_plural = _("feedback notes")
        indexes = [
            models.Index(fields=["created_at", "id"], name="feedback_created_idx"),
            models.Index(fields=["author", "created_at"], name="feedback_author_idx"),
        ]

    def __str__(self) -> str:
        return (self.customer_need or self.product_gap or self.outcome_reason or "—")[:80]

    @property
    def text(self) -> str:
        """Everything the seller wrote, as one text for theme finding."""
        parts = [
            self.customer_need,
            self.product_gap,
            self.winning_message,
            self.outcome_reason,
            self.competitor,
        ]
        return " . ".join(p for p in parts if p)


class FeedbackDigest(models.Model):
    """A monthly or quarterly summary of feedback for marketing, grouped into themes."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note_count = models.PositiveIntegerField(_("notes"), default=0)

    class Meta:
        verbose_name = _("feedback digest")
        verbose_name_plural = _("feedback digests")
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end}"


class ThemeStatus(models.TextChoices):
    NEW = "new", _("New")
    ACTED = "acted", _("Acted upon")
    DECLINED = "declined", _("Not acting")


class FeedbackTheme(models.Model):
    digest = models.ForeignKey(FeedbackDigest, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(_("theme"), max_length=200)
    top_terms = models.JSONField(_("top terms"), default=list)
    size = models.PositiveIntegerField(_("notes"), default=0)
    example_ids = models.JSONField(_("examples"), default=list)
    notes = models.ManyToManyField(FeedbackNote, blank=True, related_name="themes")
    status = models.CharField(
        _("status"), max_length=16, choices=ThemeStatus.choices, default=ThemeStatus.NEW
    )
    action_taken = models.TextField(_("what marketing did"), blank=True)
    acted_by = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feedback theme")
        verbose_name_plural = _("feedback themes")
        ordering = ["-size", "id"]

    def __str__(self) -> str:
        return self.label


# ---------------------------------------------------------------- key-account playbooks


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class AccountPlan(models.Model):
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


class PlanItem(models.Model):
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


# ---------------------------------------------------------------- collateral


class CollateralKind(models.TextChoices):
    CASE_STUDY = "case_study", _("Case study")
    SUCCESS_STORY = "success_story", _("Success story")
    SOLUTION_TEMPLATE = "solution_template", _("Solution template")
    CUSTOMISATION_GUIDE = "customisation_guide", _("Customisation guide")
    PRICING_GUIDE = "pricing_guide", _("Pricing guide")


class Collateral(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=CollateralKind.choices)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    # Funnel stages as "|stage|stage|" so one LIKE finds a stage on any database.
    stages = models.CharField(_("funnel stages"), max_length=300, blank=True)
    segments = models.ManyToManyField("crm.Segment", verbose_name=_("segments"), blank=True, related_name="+")
    products = models.ManyToManyField("crm.Product", verbose_name=_("products"), blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=8, default="en")
    owner = models.ForeignKey(
        "directory.Person",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collateral")
        verbose_name_plural = _("collateral")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_list(self) -> list[str]:
        return [s for s in self.stages.split("|") if s]


class CollateralUse(models.Model):
    """A seller attached a piece to a deal."""

    collateral = models.ForeignKey(Collateral, on_delete=models.CASCADE, related_name="uses")
    opportunity = models.ForeignKey(
        "crm.Opportunity", on_delete=models.CASCADE, related_name="collateral_uses"
    )
    attached_by = models.ForeignKey("directory.Person", on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collateral use")
        verbose_name_plural = _("collateral uses")
        constraints = [
            models.UniqueConstraint(fields=["collateral", "opportunity"], name="uniq_collateral_use")
        ]

    def __str__(self) -> str:
        return f"{self.collateral_id} → {self.opportunity_id}"


class CollateralRating(models.Model):
    collateral = models.ForeignKey(Collateral, on_delete=models.CASCADE, related_name="ratings")
    person = models.ForeignKey("directory.Person", on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collateral rating")
        verbose_name_plural = _("collateral ratings")
        constraints = [
            models.UniqueConstraint(fields=["collateral", "person"], name="uniq_collateral_rating"),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="collateral_stars_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collateral_id}: {self.stars}"


# ---------------------------------------------------------------- joint events and rotations


class EventKind(models.TextChoices):
    TRAINING = "training", _("Training")
    CONFERENCE = "conference", _("Conference")
    TRADE_SHOW = "trade_show", _("Trade show")
    WORKSHOP = "workshop", _("Workshop")


class JointEvent(models.Model):
    """A training, conference or trade show sales and marketing plan together."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    organiser = models.ForeignKey(
        "directory.Person", verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="+"
    )
    participants = models.ManyToManyField(
        "directory.Person", verbose_name=_("participants"), blank=True, related_name="joint_events"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("joint event")
        verbose_name_plural = _("joint events")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AssignmentKind(models.TextChoices):
    ROTATION = "rotation", _("Job rotation")
    JOINT = "joint", _("Joint assignment")


class JointAssignment(models.Model):
    """Someone works for a while on the other side (rotation) or on a shared task."""

    person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="joint_assignments",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AssignmentKind.choices)
    host_team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("host team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.CharField(_("what"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("joint assignment")
        verbose_name_plural = _("joint assignments")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.description
