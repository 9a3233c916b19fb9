"""The scorecard's metrics: what each figure means, who owns it, which way is good, and
how it is computed — a definition and a formula, both in words a reader of either
language can follow — plus where to drill down to the records behind it.

Every value is computed from the aggregate tables (``selectors``), never by scanning
deals. A metric whose source does not exist yet says "not measured yet" with the reason,
rather than showing a zero that would be read as a real result.

``base`` holds the parts of a metric and the shared inputs (``Context``), ``compute``
how each is computed, ``catalogue`` the metrics themselves as data.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from hamsu.scorecard import selectors
from hamsu.scorecard.metrics.base import (  # noqa: F401 (the public names of the catalogue)
    DEAL_FILTERS,
    DIRECTION_LABELS,
    DOWN,
    DOWNSTREAM,
    FILTER_LABELS,
    FUNNEL,
    GROUP_LABELS,
    NO_SPLIT,
    PERIOD_LABELS,
    SALES,
    SHARED,
    UNIT_LABELS,
    UP,
    UPSTREAM,
    Context,
    Metric,
    NotMeasured,
    crm_url,
)
from hamsu.scorecard.metrics.catalogue import METRICS
from hamsu.scorecard.periods import YEAR, Period

_BY_CODE = {m.code: m for m in METRICS}


def catalogue() -> list[Metric]:
    return list(METRICS)


def metric(code: str) -> Metric | None:
    return _BY_CODE.get(code)


def evaluate(
    filters: selectors.Filters, codes: list[str] | None = None, *, context: Context | None = None
) -> list[dict]:
    """Each metric's value for the filters: measured, or not measured yet with the reason."""
    c = context or Context(filters)
    out = []
    for m in catalogue():
        if codes is not None and m.code not in codes:
            continue
        try:
            unsplit = [
                name
                for name in DEAL_FILTERS
                if getattr(filters, name) not in (None, "") and name not in m.splits
            ]
            if unsplit:
                raise NotMeasured(
                    _("Not split by %(filters)s: clear that filter to see it.")
                    % {"filters": ", ".join(str(FILTER_LABELS[name]) for name in unsplit)}
                )
            value = m.compute(c)
            status, note = ("measured", "") if value is not None else ("not_measured", str(_("No data.")))
        except NotMeasured as error:
            value, status, note = None, "not_measured", str(error.args[0])
        out.append(
            {
                "metric": m,
                "code": m.code,
                "term": f"scorecard_metrics.{m.code}",
                "value": None if value is None else Decimal(value).quantize(Decimal("0.0001")),
                "status": status,
                "note": note,
                "drill": m.drill(filters),
            }
        )
    return out


def natural_period(m: Metric, period: Period) -> str:
    return YEAR if m.period == YEAR else period.kind
