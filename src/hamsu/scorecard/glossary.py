"""Glossary entries for the scorecard's figures (registered from ScorecardConfig.ready()).

Two sections: the figures of the scorecard pages (the number, the forecast, the funnel and
lead tables, accuracy, calls, costs) and one entry per metric of the catalogue, generated
from it so a metric's words and its entry can never differ. Each entry is the contract its
reconciliation test (``tests/reconcile/test_scorecard_*.py``) recomputes from raw rows.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term, section_terms

SECTIONS = (
    Section("scorecard", _("Scorecard: the number, the forecast and the funnel"), order=40),
    Section("scorecard_metrics", _("Scorecard metrics"), order=41),
)

# Which filters narrow a figure, in the glossary's names (the pages' "owner" is the seller).
ALL = ("period", "team", "segment", "product", "seller", "source")
DIMENSIONS = ("team", "segment", "product", "seller", "source")

_DEALS = _("Opportunities and their stage events, each deal once, with its value in the company currency.")
_OPEN = _("Opportunities in an open stage now, with their value in the company currency.")
_LINES = _(
    "Opportunities and their stage events as known on the day of the period's newest weekly "
    "snapshot: deals won in the period so far, deals open that day, and deals created in the 90 "
    "days before it."
)
_SNAPSHOTS = _("The weekly forecast snapshots of periods that have ended, and the revenue won in them.")
_CALLS = _("Sellers' forecast calls for the period, a manager's override replacing the seller's figure.")
_LEADS = _("Leads and their stage events.")

_scorecard = section_terms("scorecard", counts=_DEALS, filters=("period",))


TERMS = (
    _scorecard(
        "target",
        name=_("The number (target)"),
        definition=_(
            "The revenue target set for the period and the scope the filters name: the company's "
            "number, a team's, a segment's or a product's target, or a seller's quota. A period with "
            "no target of its own adds up the targets of the quarters (else the months) inside it. "
            "No target is taken for a combination of filters or for a source."
        ),
        formula=_("target of the scope and period; else the sum of its quarters' (else months') targets"),
        counts=_("Targets."),
        filters=("period", "team", "segment", "product", "seller"),
        order=10,
    ),
    _scorecard(
        "won",
        name=_("Won so far"),
        definition=_(
            "Revenue of the deals won in the period: each deal counts once, in the fiscal month it "
            "first reached Won, for its value in the company currency. Won revenue per team, per "
            "seller or per segment adds up to the company's."
        ),
        formula=_("sum of the value of deals whose first move to Won falls in the period"),
        filters=ALL,
        order=20,
    ),
    _scorecard(
        "open_pipeline",
        name=_("Open pipeline now"),
        definition=_(
            "The value of the deals open now (in an open stage) that match the filters. It does not "
            "depend on the period."
        ),
        formula=_("sum of the value of open deals"),
        counts=_OPEN,
        filters=DIMENSIONS,
        order=30,
    ),
    _scorecard(
        "forecast",
        name=_("Forecast (median)"),
        definition=_(
            "The middle outcome of the learned forecast of the revenue won in the period: half the "
            "simulated outcomes are above it, half below. The learned model gives every deal its own "
            "chance: a deal won in the period so far counts for its value; an open deal for its "
            "value, with the chance, learned from the company's own history, that a deal in its "
            "stage for as long as it has been there is won inside the period; the deals created in "
            "the last 90 days stand for the deals still to come. The filters select the deals, so a "
            "team's forecast is its own deals under the same model."
        ),
        formula=_(
            "50th percentile of 1,000 draws of: won so far + each open deal won with its own "
            "probability + a Poisson number of new deals with values drawn from recent ones"
        ),
        counts=_LINES,
        filters=ALL,
        order=40,
    ),
    _scorecard(
        "forecast_range",
        name=_("Forecast range (P10–P90)"),
        definition=_(
            "Eight outcomes in ten of the same learned forecast fall between these two figures: one "
            "in ten of the simulated outcomes is below P10 and one in ten above P90. The median "
            "always lies inside; so does the expected value, unless a few large and unlikely deals "
            "dominate."
        ),
        formula=_("10th and 90th percentiles of the same draws as the median"),
        counts=_LINES,
        filters=ALL,
        order=50,
    ),
    _scorecard(
        "forecast_expected",
        name=_("Expected value (learned weighted forecast)"),
        definition=_(
            "The mean of the same learned forecast: won so far, plus each open deal's value times "
            "its chance of being won in the period, plus the expected value of the deals still to "
            "come. Unlike the median it adds up: the teams' expected values sum to the company's."
        ),
        formula=_(
            "won + sum of value × P(won in the period | stage, days in stage) over open deals + "
            "sum of the recent arrivals' values × expected wins per arrival"
        ),
        counts=_LINES,
        filters=ALL,
        order=60,
    ),
    _scorecard(
        "forecast_default",
        name=_("Weighted pipeline (CRM stage probabilities)"),
        definition=_(
            "The forecast a CRM gives by default: won so far, plus each open deal's value times its "
            "stage's fixed probability, for the deals whose expected close (entry into their stage "
            "plus the typical time to a win) falls in the period."
        ),
        formula=_("won + sum of value × stage probability over open deals expected to close in the period"),
        counts=_LINES,
        filters=ALL,
        order=70,
    ),
    _scorecard(
        "call_commit",
        name=_("Commit"),
        definition=_("What the sellers commit to winning in the period, added up."),
        formula=_("sum of each call's commit (the manager's, where overridden)"),
        counts=_CALLS,
        filters=("period", "team", "seller"),
        order=80,
    ),
    _scorecard(
        "call_best_case",
        name=_("Best case"),
        definition=_("What the sellers could win in the period if things go well, added up."),
        formula=_("sum of each call's best case (the manager's, where overridden)"),
        counts=_CALLS,
        filters=("period", "team", "seller"),
        order=90,
    ),
    _scorecard(
        "call_override",
        name=_("Manager's commit and best case"),
        definition=_(
            "A manager's figure for one seller's call; where set, it replaces the seller's in every "
            "total. The seller's own figure is kept beside it."
        ),
        formula=_("as entered by the manager"),
        counts=_CALLS,
        filters=("period", "team", "seller"),
        order=100,
    ),
    _scorecard(
        "call_count",
        name=_("Calls in the roll-up"),
        definition=_(
            "How many sellers' calls the commit and best case add up, and how many of those a "
            "manager has overridden."
        ),
        formula=_("count of the calls for the period in scope; count of those with a manager's override"),
        counts=_CALLS,
        filters=("period", "team", "seller"),
        order=101,
    ),
    _scorecard(
        "accuracy_wape",
        name=_("WAPE of the whole-period forecast"),
        definition=_(
            "How far the weekly forecasts of ended periods were from what was then won, weighted by "
            "size: 0% is perfect. Kept for the whole company."
        ),
        formula=_("sum of |forecast − actual| / sum of actual, over snapshots"),
        counts=_SNAPSHOTS,
        filters=(),
        order=110,
    ),
    _scorecard(
        "accuracy_mape",
        name=_("MAPE of the whole-period forecast"),
        definition=_(
            "The average of each snapshot's error as a share of the actual. Kept for the whole company."
        ),
        formula=_("mean of |forecast − actual| / actual, over snapshots"),
        counts=_SNAPSHOTS,
        filters=(),
        order=120,
    ),
    _scorecard(
        "accuracy_bias",
        name=_("Bias of the whole-period forecast"),
        definition=_(
            "Whether forecasts were too high (positive: over-forecasting) or too low (negative), "
            "as a share of what was won. Kept for the whole company."
        ),
        formula=_("sum of (forecast − actual) / sum of actual, over snapshots"),
        counts=_SNAPSHOTS,
        filters=(),
        order=130,
    ),
    _scorecard(
        "accuracy_within",
        name=_("Within ±10%"),
        definition=_("The share of snapshots whose forecast was off by at most a tenth of what was won."),
        formula=_("snapshots with |forecast − actual| ≤ 0.1 × actual / snapshots"),
        counts=_SNAPSHOTS,
        filters=(),
        bounded=True,
        order=140,
    ),
    _scorecard(
        "accuracy_snapshots",
        name=_("Snapshots scored"),
        definition=_("How many weekly forecasts of ended periods were compared with what was won."),
        formula=_("count of snapshots of ended periods"),
        counts=_SNAPSHOTS,
        filters=(),
        order=150,
    ),
    _scorecard(
        "stage_reached",
        name=_("Reached (sales stage)"),
        definition=_(
            "Deals that reached the stage for the first time in the period. A deal that skipped a "
            "stage passed through it; for Won and Lost, deals won or lost in the period."
        ),
        formula=_("count of deals whose first arrival at the stage or beyond falls in the period"),
        filters=ALL,
        order=200,
    ),
    _scorecard(
        "stage_conversion",
        name=_("Conversion to next"),
        definition=_(
            "Of the deals that entered the funnel in the period and reached this stage, the share "
            "that has reached the next one so far. One cohort, so it never exceeds 100%."
        ),
        formula=_("cohort reached(next) / cohort reached(this)"),
        filters=ALL,
        bounded=True,
        order=210,
    ),
    _scorecard(
        "stage_dropoff",
        name=_("Drop-off"),
        definition=_("Of the same cohort, the share that reached this stage but not the next one (yet)."),
        formula=_("1 − conversion to next"),
        filters=ALL,
        bounded=True,
        order=220,
    ),
    _scorecard(
        "stage_lost",
        name=_("Lost from here"),
        definition=_("Deals lost in the period while in this stage."),
        formula=_("count of moves from this stage to Lost in the period"),
        filters=ALL,
        order=230,
    ),
    _scorecard(
        "stage_days",
        name=_("Mean days in stage"),
        definition=_("The average length of the stays in this stage that ended in the period."),
        formula=_("sum of the stays' lengths / number of stays, in days"),
        filters=ALL,
        order=240,
    ),
    _scorecard(
        "stage_open",
        name=_("Open now (deals)"),
        definition=_("How many deals are in this stage now. It does not depend on the period."),
        formula=_("count of deals whose current stage is this one"),
        counts=_OPEN,
        filters=DIMENSIONS,
        order=250,
    ),
    _scorecard(
        "stage_open_value",
        name=_("Open value"),
        definition=_("The value of the deals in this stage now."),
        formula=_("sum of the value of deals whose current stage is this one"),
        counts=_OPEN,
        filters=DIMENSIONS,
        order=260,
    ),
    _scorecard(
        "lead_reached",
        name=_("Reached (lead stage)"),
        definition=_(
            "Leads that reached the stage for the first time in the period; a lead that skipped a "
            "stage passed through it. Counted for the whole company."
        ),
        formula=_("count of leads whose first arrival at the stage or beyond falls in the period"),
        counts=_LEADS,
        order=300,
    ),
    _scorecard(
        "lead_conversion",
        name=_("Lead conversion to next"),
        definition=_(
            "Of the leads that entered the funnel in the period and reached this stage, the share "
            "that has reached the next one so far."
        ),
        formula=_("cohort reached(next) / cohort reached(this)"),
        counts=_LEADS,
        bounded=True,
        order=310,
    ),
    _scorecard(
        "lead_days",
        name=_("Mean days as a lead in the stage"),
        definition=_("The average length of the leads' stays in this stage that ended in the period."),
        formula=_("sum of the stays' lengths / number of stays, in days"),
        counts=_LEADS,
        order=320,
    ),
    _scorecard(
        "plan_win_rate",
        name=_("Win rate (plan input)"),
        definition=_(
            "The rate a plan starts from: of the deals closed in the twelve fiscal months before "
            "the plan's period, the share won."
        ),
        formula=_("deals won ÷ (deals won + deals lost), in the twelve months before the period"),
        bounded=True,
        order=500,
    ),
    _scorecard(
        "plan_deal_size",
        name=_("Average deal size (plan input)"),
        definition=_("Revenue won in the twelve fiscal months before the plan's period, per deal won."),
        formula=_("revenue won ÷ deals won, in the twelve months before the period"),
        order=510,
    ),
    _scorecard(
        "plan_cycle",
        name=_("Sales cycle (plan input)"),
        definition=_(
            "The mean days from a deal's creation to its win, over the deals won in the twelve "
            "fiscal months before the plan's period: how long before the period's end an "
            "opportunity must exist."
        ),
        formula=_("sum of the days from creation to win ÷ deals won, in the twelve months before the period"),
        order=520,
    ),
    _scorecard(
        "plan_lead_rate",
        name=_("Lead conversion (plan input)"),
        definition=_(
            "Of the leads that entered the funnel in the twelve fiscal months before the plan's "
            "period and reached a stage (inquiry, MQL, SAL, SQL), the share that has reached the "
            "next one (MQL, SAL, SQL, opportunity) so far. A rate with no such lead is not measured."
        ),
        formula=_("leads of those months that reached the next stage ÷ those of them that reached this one"),
        counts=_LEADS,
        bounded=True,
        order=530,
    ),
    _scorecard(
        "plan_lead_days",
        name=_("Days in a lead stage (plan input)"),
        definition=_(
            "The mean length of the leads' stays in the stage that ended in the twelve fiscal "
            "months before the plan's period."
        ),
        formula=_("sum of the stays' lengths ÷ number of stays, in days"),
        counts=_LEADS,
        order=540,
    ),
    _scorecard(
        "plan_used",
        name=_("Used (plan)"),
        definition=_(
            "What the plan computes with: the value a head of sales or marketing adjusted it to, "
            "else the measured one."
        ),
        formula=_("adjusted value if there is one, else the measured value"),
        counts=_("The plan's measured and adjusted inputs."),
        order=550,
    ),
    _scorecard(
        "plan_needed",
        name=_("Needed (plan)"),
        definition=_(
            "How many of each stage the target takes: the deals to win are the target divided by "
            "the average deal size, and each earlier stage needs the next one's number divided by "
            "its conversion rate; each figure is rounded up once, from the exact value, so "
            "rounding never compounds."
        ),
        formula=_(
            "won: target ÷ average deal size; each stage above: the next stage's exact number ÷ "
            "this stage's conversion to it; rounded up"
        ),
        counts=_("The plan's target and the inputs it uses."),
        order=560,
    ),
    _scorecard(
        "plan_start_by",
        name=_("Must enter by (plan)"),
        definition=_(
            "The last day an object can enter this stage and still be won by the period's end: "
            "the period's last day minus the days spent in this stage and every later one up to "
            "the win (the sales cycle for an opportunity), rounded up to whole days."
        ),
        formula=_("last day of the period − (days in this stage and every later stage, rounded up)"),
        counts=_("The plan's target and the inputs it uses."),
        order=570,
    ),
    _scorecard(
        "cost",
        name=_("Cost (base currency)"),
        definition=_(
            "A sales or marketing cost entered for a fiscal month, converted to the company "
            "currency at the rate of the day it was entered."
        ),
        formula=_("amount × rate to the company currency"),
        counts=_("Cost entries."),
        order=400,
    ),
)

# What each metric counts, by the records its value comes from (deals unless named here).
_METRIC_COUNTS = {
    "mqls": _LEADS,
    "mql_to_sal": _LEADS,
    "sal_to_sql": _LEADS,
    "cost_per_mql": _("Cost entries, leads and their stage events."),
    "sales_expense_ratio": _("Cost entries, and deals won in the period."),
    "cost_of_sales": _("Cost entries, and deals won in the period."),
    "customer_acquisition_cost": _("Cost entries, and deals won in the period."),
    "market_entry_cost": _("Cost entries and segments."),
    "new_segments": _("Segments."),
    "quota_attainment": _("Targets, and deals won in the period."),
    "pipeline_coverage": _("Targets, open deals and deals won in the period."),
    "forecast_accuracy": _SNAPSHOTS,
    "product_forecast_accuracy": _SNAPSHOTS,
    "sla_adherence_marketing": _("Handoffs and the SLA's MQL commitments."),
    "sla_adherence_sales": _("Handoffs."),
}
# Ratios that are a share of one group: the reconciliation tests hold them to [0, 1].
_BOUNDED = {
    "win_rate",
    "leakage",
    "mql_to_sal",
    "sal_to_sql",
    "new_offering_revenue_share",
    "sla_adherence_sales",
    "forecast_accuracy",
    "product_forecast_accuracy",
}


def metric_key(code: str) -> str:
    return f"scorecard_metrics.{code}"


def metric_terms() -> tuple[Term, ...]:
    """One entry per metric of the catalogue, in its words (lazily translated)."""
    from hamsu.scorecard import metrics

    terms = []
    for order, m in enumerate(metrics.catalogue()):
        splits = tuple("seller" if name == "owner" else name for name in m.splits)
        terms.append(
            Term(
                key=metric_key(m.code),
                section="scorecard_metrics",
                name=m.label,
                definition=m.definition,
                formula=m.formula,
                counts=_METRIC_COUNTS.get(m.code, _DEALS),
                filters=(() if m.code.endswith("forecast_accuracy") else ("period",)) + splits,
                bounded=m.code in _BOUNDED or m.code.startswith("conversion_"),
                order=order,
            )
        )
    return tuple(terms)
