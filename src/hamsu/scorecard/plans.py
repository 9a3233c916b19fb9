"""The reverse-funnel plan: the number → deals → opportunities → SQLs → MQLs → inquiries.

Rates are the company's own, measured over the twelve fiscal months before the plan's
period from the aggregate tables; either head may adjust any of them, and the plan keeps
the measured value beside the adjusted one so the gap is visible when signing. The maths
is ``hamsu.analytics.funnel_math.reverse_funnel_plan``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.analytics.funnel_math import reverse_funnel_plan
from hamsu.core.errors import ValidationFailed
from hamsu.funnel.models import LeadState
from hamsu.scorecard.periods import MONTH, Period

LEAD_RATES = ("inquiry_to_mql", "mql_to_sal", "sal_to_sql", "sql_to_opportunity")
RATE_KEYS = (*LEAD_RATES, "win_rate")
NUMBER_KEYS = (
    "avg_deal_size",
    "sales_cycle_days",
    "days_in_inquiry",
    "days_in_mql",
    "days_in_sal",
    "days_in_sql",
)
PLAN_STAGES = ("inquiry", "mql", "sal", "sql", "opportunity", "won")
STAGE_OWNER = {
    "inquiry": "marketing",
    "mql": "marketing",
    "sal": "sales",
    "sql": "sales",
    "opportunity": "sales",
    "won": "sales",
}


# The glossary entry of each input a plan measures (the plan pages link every figure).
INPUT_TERMS = {
    "inquiry_to_mql": "scorecard.plan_lead_rate",
    "mql_to_sal": "scorecard.plan_lead_rate",
    "sal_to_sql": "scorecard.plan_lead_rate",
    "sql_to_opportunity": "scorecard.plan_lead_rate",
    "win_rate": "scorecard.plan_win_rate",
    "avg_deal_size": "scorecard.plan_deal_size",
    "sales_cycle_days": "scorecard.plan_cycle",
    "days_in_inquiry": "scorecard.plan_lead_days",
    "days_in_mql": "scorecard.plan_lead_days",
    "days_in_sal": "scorecard.plan_lead_days",
    "days_in_sql": "scorecard.plan_lead_days",
}
# A plan's rows keep stage and owner codes (stored with the plan); pages and exports show
# these names in the reader's language.
STAGE_LABELS = {stage: LeadState(stage).label for stage in PLAN_STAGES}
OWNER_LABELS = {"marketing": gettext_lazy("Marketing"), "sales": gettext_lazy("Sales")}


def display_rows(rows: list[dict]) -> list[dict]:
    """A plan's stored rows as a page shows them: named stages and owners, dates as dates."""
    return [
        {
            **row,
            "stage_label": STAGE_LABELS.get(row["stage"], row["stage"]),
            "owner_label": OWNER_LABELS.get(row["owner"], row["owner"]),
            "start_by": datetime.date.fromisoformat(row["start_by"]) if row.get("start_by") else None,
        }
        for row in rows
    ]


def _ratio(num, den) -> float | None:
    return float(num) / float(den) if den else None


def measured_inputs(period: Period) -> dict:
    """Rates measured over the twelve fiscal months before ``period`` (from the aggregates)."""
    from hamsu.scorecard import selectors

    months = []
    month = Period(MONTH, period.calendar, *_first_month(period)).previous()
    for _i in range(12):
        months.append(month.start)
        month = month.previous()
    totals = selectors.stage_totals(selectors.Filters(period=period), months=months)
    won, lost = totals["won"], totals["lost"]
    leads = selectors.lead_totals(months)

    def reached(stage):
        # One cohort (leads that entered the funnel in the window), so a rate stays a share.
        return (leads.get(stage) or {}).get("cohort_reached") or 0

    def days_in(stage):
        row = leads.get(stage) or {}
        return row["exit_seconds"] / row["exits"] / 86400 if row.get("exits") else None

    return {
        "window": {"from": min(months).isoformat(), "to": max(months).isoformat()},
        "win_rate": _ratio(won["reached"], won["reached"] + lost["reached"]),
        "avg_deal_size": _ratio(won["reached_amount"], won["reached"]),
        "sales_cycle_days": _ratio(won["cycle_seconds"], won["reached"] * 86400),
        "inquiry_to_mql": _ratio(reached("mql"), reached("inquiry")),
        "mql_to_sal": _ratio(reached("sal"), reached("mql")),
        "sal_to_sql": _ratio(reached("sql"), reached("sal")),
        "sql_to_opportunity": _ratio(reached("opportunity"), reached("sql")),
        "days_in_inquiry": days_in("inquiry"),
        "days_in_mql": days_in("mql"),
        "days_in_sal": days_in("sal"),
        "days_in_sql": days_in("sql"),
        "leads_measured": selectors.leads_measured(),
    }


def _first_month(period: Period) -> tuple[int, int]:
    return period.year, period.first_month


def _clean_adjustments(adjustments: dict) -> dict:
    errors: dict[str, list[str]] = {}
    clean = {}
    for key, value in (adjustments or {}).items():
        if value in (None, ""):
            continue
        if key not in RATE_KEYS and key not in NUMBER_KEYS:
            errors[key] = [_("This figure cannot be adjusted.")]
            continue
        try:
            number = float(Decimal(str(value)))
        except Exception:
            errors[key] = [_("Enter a number.")]
            continue
        if number != number or number in (float("inf"), float("-inf")):
            errors[key] = [_("Enter a number.")]
        elif key in RATE_KEYS and not 0 < number <= 1:
            errors[key] = [_("A rate is above 0 and at most 1 (e.g. 0.25 for 25%).")]
        elif key == "avg_deal_size" and number <= 0:
            errors[key] = [_("The average deal size must be above 0.")]
        elif key in NUMBER_KEYS and not 0 <= number <= 3650:
            errors[key] = [_("Give between 0 and 3650 days.")]
        else:
            clean[key] = number
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors=errors)
    return clean


def plan_inputs(period: Period, adjustments: dict) -> dict:
    measured = measured_inputs(period)
    adjust = _clean_adjustments(adjustments)
    used = {key: adjust.get(key, measured.get(key)) for key in (*RATE_KEYS, *NUMBER_KEYS)}
    return {"measured": measured, "adjustments": adjust, "used": used}


def plan_rows(period: Period, target_amount, inputs: dict) -> list[dict]:
    """The plan's volumes, computed by the pure reverse-funnel maths."""
    used = inputs["used"]
    missing = [key for key in ("win_rate", "avg_deal_size") if not used.get(key)]
    if missing:
        raise ValidationFailed(
            _("Not enough history"),
            errors={key: [_("Not measured yet: enter a value to plan with.")] for key in missing},
        )
    lead_ok = all(used.get(key) for key in LEAD_RATES)
    stages = PLAN_STAGES if lead_ok else ("opportunity", "won")
    conversion = [used[k] for k in LEAD_RATES] + [used["win_rate"]] if lead_ok else [used["win_rate"]]
    days = {
        "inquiry": used.get("days_in_inquiry") or 0.0,
        "mql": used.get("days_in_mql") or 0.0,
        "sal": used.get("days_in_sal") or 0.0,
        "sql": used.get("days_in_sql") or 0.0,
        "opportunity": used.get("sales_cycle_days") or 0.0,
    }
    frame = reverse_funnel_plan(
        target_revenue=float(target_amount),
        avg_deal_size=float(used["avg_deal_size"]),
        stages=stages,
        conversion=conversion,
        days_in_stage=days,
        period_end=period.end,
    )
    rows = []
    if not lead_ok:
        rows = [
            {
                "stage": s,
                "needed": None,
                "conversion_to_next": None,
                "start_by": None,
                "owner": STAGE_OWNER[s],
                "measured": False,
            }
            for s in PLAN_STAGES[:4]
        ]
    for row in frame.iter_rows(named=True):
        rows.append(
            {
                "stage": row["stage"],
                "needed": row["needed"],
                "conversion_to_next": row["conversion_to_next"],
                "start_by": row["start_by"].isoformat() if row["start_by"] else None,
                "owner": STAGE_OWNER[row["stage"]],
                "measured": True,
            }
        )
    return rows
