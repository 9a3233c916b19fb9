"""What the scorecard's models share: money columns and the fiscal period fields."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hamsu.core.models import FiscalCalendar

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
