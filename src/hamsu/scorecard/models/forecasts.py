"""Forecasts: sellers' calls, weekly snapshots with their lines, and the track record
of each method."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.scorecard.models.base import MONEY, PeriodFields


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
