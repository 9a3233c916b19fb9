"""The aggregate tables: derived data, written only by ``hamsu.scorecard.aggregates``
and rebuildable from the stage-event log at any time."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamsu.scorecard.models.base import MONEY


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
