"""The number, quotas, the reverse-funnel plan, costs, forecasts and the aggregate tables.

Aggregates (``*Stat``, ``DealProgress``, ``FillState``) are derived data: written only by
``hamsu.scorecard.aggregates`` and rebuildable from the stage-event log at any time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.core.models import FiscalCalendar
from hamsu.core.money import CURRENCY_CHOICES

MONEY = {"max_digits": 16, "decimal_places": 2}


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class PeriodFields(models.Model):
    """A fiscal period: its key in its calendar, and its Gregorian first and last day."""

    period_kind = models.CharField(_("period kind"), max_length=8, choices=PeriodKind.choices)
    calendar = models.CharField(_("calendar"), max_length=16, choices=FiscalCalendar.choices)
    period_key = models.CharField(_("period"), max_length=8)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        abstract = True


# ---------------------------------------------------------------- the number and quotas


class TargetScope(models.TextChoices):
    COMPANY = "company", _("Company (the number)")
    TEAM = "team", _("Team")
    SEGMENT = "segment", _("Segment")
    PRODUCT = "product", _("Product")
    SELLER = "seller", _("Seller quota")


class Target(PeriodFields):
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


class CostEntry(models.Model):
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


# ---------------------------------------------------------------- forecasts


class ForecastCall(PeriodFields):
    """A seller's commit and best case for a period, and a manager's override of them.

    The override replaces the seller's figure (it is not added); the seller's own call is
    kept so the gap between what sellers and managers believe stays visible.
    """

    person = models.ForeignKey(
        "directory.Person", verbose_name=_("seller"), on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "directory.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commit = models.DecimalField(_("commit"), **MONEY, validators=[MinValueValidator(0)])
    best_case = models.DecimalField(_("best case"), **MONEY, validators=[MinValueValidator(0)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    override_commit = models.DecimalField(_("manager's commit"), **MONEY, null=True, blank=True)
    override_best_case = models.DecimalField(_("manager's best case"), **MONEY, null=True, blank=True)
    override_note = models.CharField(_("manager's note"), max_length=300, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("forecast call")
        verbose_name_plural = _("forecast calls")
        ordering = ["-period_start", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "period_key", "person"], name="uniq_call_per_seller")
        ]
        permissions = [("override_forecastcall", _("Can override sellers' forecast calls"))]

    def __str__(self) -> str:
        return f"{self.period_key} {self.person_id}: {self.commit}/{self.best_case}"

    @property
    def effective_commit(self):
        return self.override_commit if self.override_commit is not None else self.commit

    @property
    def effective_best_case(self):
        return self.override_best_case if self.override_best_case is not None else self.best_case


class ForecastMethod(models.TextChoices):
    WEIGHTED_DEFAULT = "weighted_default", _("Weighted pipeline (CRM stage probabilities)")
    # One learned model of every deal: its mean (the learned weighted pipeline) and its
    # median, with the same P10–P90 range (see hamsu.scorecard.forecasts).
    WEIGHTED_LEARNED = "weighted_learned", _("Learned model: expected value (weighted pipeline)")
    MONTE_CARLO = "monte_carlo", _("Learned model: median (P50)")
    CALL_COMMIT = "call_commit", _("Sellers' commit (after overrides)")
    CALL_BEST_CASE = "call_best_case", _("Sellers' best case (after overrides)")
    # Baselines a sceptic would try first; the default forecast must earn its place against them.
    WEIGHTED_DEFAULT_NEW = (
        "weighted_default_new",
        _("Weighted pipeline (CRM stage probabilities) + new deals"),
    )
    RUN_RATE = "run_rate", _("Run-rate (last 13 weeks)")
    SEASONAL_NAIVE = "seasonal_naive", _("Seasonal naive (same days last quarter)")
    SEASONAL_NAIVE_YEAR = "seasonal_naive_year", _("Seasonal naive (same days a year earlier)")


class ForecastTarget(models.TextChoices):
    """What a snapshot forecasts, by where it was taken: inside the quarter, or before it."""

    CURRENT_REST = "current_rest", _("Rest of the quarter")
    NEXT_QUARTER = "next_quarter", _("Next quarter")


class ForecastSnapshot(PeriodFields):
    """What a forecast method said on ``taken_on`` about a period's won revenue.

    Taken weekly and never changed, so accuracy can be judged per horizon later.
    ``forecast`` includes revenue already won in the period by ``taken_on``.
    """

    taken_on = models.DateField(_("taken on"))
    # "company", or "product:<id>" for the per-product forecasts upstream marketing owns.
    scope = models.CharField(_("scope"), max_length=32, default="company")
    method = models.CharField(_("method"), max_length=24, choices=ForecastMethod.choices)
    forecast = models.DecimalField(_("forecast"), **MONEY)
    p10 = models.DecimalField(_("P10"), **MONEY, null=True, blank=True)
    p90 = models.DecimalField(_("P90"), **MONEY, null=True, blank=True)
    won_to_date = models.DecimalField(_("won to date"), **MONEY, default=0)
    open_pipeline = models.DecimalField(_("open pipeline"), **MONEY, default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("forecast snapshot")
        verbose_name_plural = _("forecast snapshots")
        ordering = ["-taken_on", "period_start", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "calendar", "period_key", "scope", "method"],
                name="uniq_forecast_snapshot",
            )
        ]
        indexes = [models.Index(fields=["period_start", "taken_on"], name="fsnap_period_idx")]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.period_key} {self.method}: {self.forecast}"


class ForecastLine(models.Model):
    """One deal's part in the latest forecast of a period (what every filter sums over).

    The learned forecast is one model of each deal: a deal already won in the period
    counts with probability 1, an open deal with its learned P(won inside the period |
    stage, days in stage), and each deal created in the arrival look-back stands for the
    deals still to come (``probability``: expected wins in the period per such deal).
    Because the lines carry the deal's team, segment, product, seller and source, any
    filter's forecast is a sum over its lines (and its range a simulation of them), so
    a team's forecast describes the team's deals, never the company's.

    Only the newest snapshot of each period keeps its lines: they are replaced whenever
    the period is forecast again.
    """

    class Kind(models.TextChoices):
        WON = "won", _("won in the period so far")
        OPEN = "open", _("open deal")
        NEW = "new", _("deal still to come")

    taken_on = models.DateField(_("taken on"))
    calendar = models.CharField(max_length=16)
    period_key = models.CharField(max_length=8)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    opportunity_id = models.BigIntegerField()
    # 0: none, as in the aggregate tables.
    team_id = models.BigIntegerField(default=0)
    segment_id = models.BigIntegerField(default=0)
    product_id = models.BigIntegerField(default=0)
    owner_id = models.BigIntegerField(default=0)
    source = models.CharField(max_length=16, blank=True)
    value = models.DecimalField(**MONEY)
    probability = models.FloatField()
    # The CRM-default weighting of the same deal (stage probability if its nominal close
    # falls in the period), so that method follows the filters too.
    default_probability = models.FloatField(default=0.0)

    class Meta:
        indexes = [models.Index(fields=["calendar", "period_key", "kind"], name="fline_period_idx")]

    def __str__(self) -> str:
        return f"{self.period_key} {self.kind} #{self.opportunity_id}: {self.probability:.3f}"


class ForecastTrackRecord(models.Model):
    """How each method's snapshots of ended quarters compare with what was won.

    Recomputed from the weekly snapshots by ``forecast_selection.track_record_refresh``
    (run with the weekly snapshot); the method with the lowest WAPE among those compared
    on the same forecasts is ``selected``: it is the forecast shown by default.
    Errors are of the part of the quarter still to come when the snapshot was taken.
    """

    target = models.CharField(_("forecast of"), max_length=16, choices=ForecastTarget.choices)
    method = models.CharField(_("method"), max_length=24, choices=ForecastMethod.choices)
    n = models.PositiveIntegerField(_("forecasts scored"))
    wape = models.FloatField(_("WAPE"), null=True)
    bias = models.FloatField(_("bias"), null=True)
    mape = models.FloatField(_("MAPE"), null=True)
    horizon_min_weeks = models.PositiveIntegerField(_("shortest horizon (weeks)"))
    horizon_max_weeks = models.PositiveIntegerField(_("longest horizon (weeks)"))
    # Compared on the same forecasts as the other compared methods (False: its record is
    # too short to compare, so it is shown on its own forecasts and cannot be selected).
    compared = models.BooleanField(_("compared"), default=True)
    selected = models.BooleanField(_("selected"), default=False)
    periods = models.CharField(_("periods scored"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("forecast track record")
        verbose_name_plural = _("forecast track records")
        ordering = ["target", "method"]
        constraints = [
            models.UniqueConstraint(fields=["target", "method"], name="uniq_track_record_per_method")
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.method}: WAPE {self.wape}"


# ---------------------------------------------------------------- aggregate tables


class FillState(models.Model):
    """The progress bookmark of one aggregate: the last stage event folded in."""

    stat = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    last_event_at = models.DateTimeField(null=True, blank=True)
    calendar = models.CharField(max_length=16, blank=True)
    # The shape of the aggregates it was built with (``aggregates.VERSION``).
    version = models.PositiveIntegerField(default=0)
    # The company's influence window the influenced flags were folded with.
    influence_days = models.PositiveSmallIntegerField(null=True, blank=True)
    events_folded = models.BigIntegerField(default=0)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("aggregate fill state")
        verbose_name_plural = _("aggregate fill states")

    def __str__(self) -> str:
        return f"{self.stat} @ {self.last_event_id}"


class StatMeasures(models.Model):
    """What every monthly stat row counts (see docs/scorecard.md for each definition).

    Dimension ids use 0 for "none" rather than NULL: NULLs never collide in a unique
    index, and the fill relies on INSERT … ON CONFLICT to add to existing rows.
    """

    month = models.DateField()
    stage = models.CharField(max_length=32)
    reached = models.IntegerField(default=0)
    reached_amount = models.DecimalField(**MONEY, default=0)
    gross_profit = models.DecimalField(**MONEY, default=0)
    new_customers = models.IntegerField(default=0)
    exits = models.IntegerField(default=0)
    exit_seconds = models.BigIntegerField(default=0)
    cycle_seconds = models.BigIntegerField(default=0)
    leaked = models.IntegerField(default=0)
    # Keyed by the month the deal entered the funnel (its cohort), not the event's month:
    # deals of that cohort that have reached the stage so far (for ``lost``: are lost now).
    cohort_reached = models.IntegerField(default=0)

    class Meta:
        abstract = True


class FunnelDimensions(StatMeasures):
    """The dimensions the funnel tables share (the full table adds the product)."""

    team_id = models.BigIntegerField(default=0)
    segment_id = models.BigIntegerField(default=0)
    source = models.CharField(max_length=16, blank=True)
    # A marketing campaign had touched the deal's account by the time of the event.
    influenced = models.BooleanField(default=False)

    class Meta:
        abstract = True


class FunnelMonthStat(FunnelDimensions):
    """Per fiscal month, stage, team, segment, product, source and marketing influence."""

    product_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "stage", "team_id", "segment_id", "product_id", "source", "influenced"],
                name="uniq_funnel_stat",
            )
        ]
        indexes = [models.Index(fields=["stage", "month"], name="funnel_stat_stage_idx")]

    def __str__(self) -> str:
        return f"{self.month} {self.stage} team={self.team_id}"


class FunnelMonthRollup(FunnelDimensions):
    """``FunnelMonthStat`` summed over products: per month, stage, team, segment, source and
    marketing influence.

    Most dashboard figures filter by team, segment or source at most, and a year of the
    full table is tens of thousands of rows per figure at the large scale (every product
    of every team, segment and source); this roll-up holds a seventh of them. The fill
    writes both from the same deltas, so they always agree; selectors read the full table
    only when a product filter needs its dimension.
    """

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "stage", "team_id", "segment_id", "source", "influenced"],
                name="uniq_funnel_rollup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.stage} team={self.team_id} (rollup)"


class SellerMonthStat(FunnelDimensions):
    """Per fiscal month, stage and seller (the deal's owner when the event was folded), with
    the deal's other dimensions, so a seller's figures honour every other filter too."""

    owner_id = models.BigIntegerField()
    product_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "stage",
                    "owner_id",
                    "team_id",
                    "segment_id",
                    "product_id",
                    "source",
                    "influenced",
                ],
                name="uniq_seller_dims_stat",
            )
        ]
        indexes = [models.Index(fields=["owner_id", "month"], name="seller_stat_owner_idx")]

    def __str__(self) -> str:
        return f"{self.month} {self.stage} owner={self.owner_id}"


class LeadMonthStat(models.Model):
    """Per fiscal month and lead stage: leads reaching it (inquiry, MQL, SAL, SQL, …)."""

    month = models.DateField()
    stage = models.CharField(max_length=32)
    reached = models.IntegerField(default=0)
    exits = models.IntegerField(default=0)
    exit_seconds = models.BigIntegerField(default=0)
    # Leads that entered the funnel in ``month`` and have reached the stage so far.
    cohort_reached = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "stage"], name="uniq_lead_stat")]

    def __str__(self) -> str:
        return f"{self.month} {self.stage}"


class OpenPipelineStat(models.Model):
    """The open pipeline now, per stage and dimensions (count and value)."""

    stage = models.CharField(max_length=32)
    team_id = models.BigIntegerField(default=0)
    segment_id = models.BigIntegerField(default=0)
    product_id = models.BigIntegerField(default=0)
    source = models.CharField(max_length=16, blank=True)
    owner_id = models.BigIntegerField(default=0)
    deals = models.IntegerField(default=0)
    amount = models.DecimalField(**MONEY, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "team_id", "segment_id", "product_id", "source", "owner_id"],
                name="uniq_open_stat",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage}: {self.deals}"


class DealProgress(models.Model):
    """Per deal or lead, what the fill has seen so far (so new events fold in alone)."""

    object_type = models.CharField(max_length=16)
    object_id = models.BigIntegerField()
    depth = models.SmallIntegerField(default=-1)
    stage = models.CharField(max_length=32)
    stage_at = models.DateTimeField()
    first_at = models.DateTimeField()
    amount = models.DecimalField(**MONEY, default=0)
    team_id = models.BigIntegerField(default=0)
    segment_id = models.BigIntegerField(default=0)
    product_id = models.BigIntegerField(default=0)
    source = models.CharField(max_length=16, blank=True)
    owner_id = models.BigIntegerField(default=0)
    influenced = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id"], name="uniq_deal_progress")
        ]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.stage}"


class WonCycle(models.Model):
    """Each won deal's sales cycle (first stage event to its first win), for the median.

    A mean can be summed month by month; a median cannot, so the first win of every deal
    keeps its own row, with the deal's dimensions when it was won.
    """

    opportunity_id = models.BigIntegerField(unique=True)
    month = models.DateField()
    cycle_seconds = models.BigIntegerField()
    team_id = models.BigIntegerField(default=0)
    segment_id = models.BigIntegerField(default=0)
    product_id = models.BigIntegerField(default=0)
    source = models.CharField(max_length=16, blank=True)
    owner_id = models.BigIntegerField(default=0)
    influenced = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["month", "cycle_seconds"], name="won_cycle_month_idx")]

    def __str__(self) -> str:
        return f"#{self.opportunity_id} {self.month}: {self.cycle_seconds}s"


class CustomerFirstWin(models.Model):
    """The first won deal of each account: a "new customer" is counted once, then."""

    account_id = models.BigIntegerField(unique=True)
    won_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"account #{self.account_id}"
