"""What the scorecard's records say about the alignment diagnostic: evidence for statements
1 (forecast accuracy) and 12 (shared metrics), and the status of the practices "shared
revenue targets" and "integrated metrics".

Registered in ``hamsu.core.evidence`` from ScorecardConfig.ready(): the alignment app reads
it there, as the two apps are peers and do not import each other.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.core import evidence as registry
from hamsu.core.evidence import HIGH, LOW, MIXED, Indicator, Status
from hamsu.scorecard.metrics import SHARED, catalogue
from hamsu.scorecard.models import Target, TargetScope
from hamsu.scorecard.selectors import forecast_accuracy as read_forecast_accuracy

YEAR = datetime.timedelta(days=365)


def pct(ratio: float) -> str:
    return f"{ratio * 100:.0f}%"


def forecast_accuracy(now: datetime.datetime) -> Indicator:
    """s1: 1 − WAPE of the headline method's snapshotted forecasts against what happened,
    over every ended period."""
    label = gettext_lazy("Forecast accuracy")
    result = read_forecast_accuracy()
    headline = result.get("headline") if result.get("measured") else None
    if not headline or headline.get("wape") is None:
        return Indicator(
            "s1", str(label), False, _("no forecast of an ended period to compare yet"), source=_("Scorecard")
        )
    wape = float(headline["wape"])
    ratio = max(0.0, 1.0 - wape)
    level = HIGH if ratio >= 0.85 else LOW if ratio < 0.7 else MIXED
    text = _("forecasts were %(pct)s accurate (weighted absolute error %(err)s)") % {
        "pct": pct(ratio),
        "err": pct(wape),
    }
    return Indicator("s1", str(label), True, text, level, _("Scorecard"), ratio)


def _company_targets(now: datetime.datetime):
    """The number (company-wide revenue targets) of periods that ended in the last year or
    have not ended yet; quotas and team, segment or product splits are not shared targets."""
    return Target.objects.filter(scope=TargetScope.COMPANY, period_end__gte=(now - YEAR).date())


def shared_metrics(now: datetime.datetime) -> Indicator:
    """s12: shared metrics in the catalogue, and whether the company sets the number."""
    label = gettext_lazy("Shared metrics defined and used")
    n_defined = sum(1 for m in catalogue() if m.group == SHARED)
    used = _company_targets(now).count()
    text = _("%(d)d shared metrics defined; %(u)d company-wide targets set in the last year") % {
        "d": n_defined,
        "u": used,
    }
    level = LOW if n_defined == 0 else HIGH if used else MIXED
    return Indicator("s12", str(label), True, text, level, _("Scorecard"))


def targets_status(now: datetime.datetime) -> Status:
    targets = _company_targets(now)
    n = targets.count()
    today = timezone.localdate(now)
    current = targets.filter(period_start__lte=today, period_end__gte=today).exists()
    text = _("the number is set for %(n)d periods of the last year or later") % {"n": n}
    text += "; " + (_("one covers today") if current else _("none covers today"))
    return Status(text, current)


def metrics_status(now: datetime.datetime) -> Status:
    indicator = shared_metrics(now)
    return Status(indicator.value, indicator.level == HIGH)


def register() -> None:
    registry.register_indicator("s1", forecast_accuracy)
    registry.register_indicator("s12", shared_metrics)
    registry.register_status("targets", targets_status)
    registry.register_status("metrics", metrics_status)
