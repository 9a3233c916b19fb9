"""Glossary entries for the forecast methods and their track record (registered from ScorecardConfig.ready()).

One entry per baseline the weekly snapshot records and the forecast shown is chosen
among, and one for each figure of the track record shown next to the forecast. The
learned model's median and expected value and the CRM-default weighted pipeline are
defined once, in ``scorecard.glossary``; :data:`METHOD_TERMS` points every method at its
one entry.
"""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term

SECTION = "forecast_methods"
SECTIONS = (Section(SECTION, _("Forecast methods and their track record"), order=45),)

_RECORD_COUNTS = _(
    "The weekly company forecast snapshots of the last four quarters that have ended, each "
    "against the revenue of the deals won after the snapshot up to the quarter's end."
)

TERMS = (
    Term(
        key=f"{SECTION}.default",
        section=SECTION,
        name=_("The forecast shown"),
        definition=_(
            "The forecast of the quarter's won revenue made by the method with the best track "
            "record on this company's own history, for this kind of forecast (rest of the current "
            "quarter, or next quarter): the lowest WAPE among the methods compared on the same "
            "snapshots. Until at least four snapshots of ended quarters can be compared, the "
            "run-rate is shown (the learned model's median while no deal has closed yet) and no "
            "track record is claimed. It includes the "
            "revenue already won in the quarter. Under a team, segment, product, seller or "
            "source filter the learned model is shown, the one method that splits that way."
        ),
        formula=_(
            "won so far in the quarter + the selected method's forecast of the rest, from the "
            "latest weekly snapshot"
        ),
        counts=_("The whole company's deals (stage history and values) known on the snapshot day."),
        filters=("period",),
        order=10,
    ),
    Term(
        key=f"{SECTION}.wape",
        section=SECTION,
        name=_("Track record: WAPE of the rest of the quarter"),
        definition=_(
            "Weighted absolute percentage error: how far a method's forecasts were from what "
            "was then won, as a share of what was won. Only the part of the quarter still to "
            "come at each snapshot is scored, because revenue already won is known. 0 is "
            "perfect; large quarters weigh more than small ones."
        ),
        formula=_("Σ |forecast − actual| ÷ Σ actual, over the scored snapshots"),
        counts=_RECORD_COUNTS,
        order=20,
    ),
    Term(
        key=f"{SECTION}.bias",
        section=SECTION,
        name=_("Track record: bias of the rest of the quarter"),
        definition=_(
            "Whether a method's forecasts were too high (positive) or too low (negative) on "
            "balance, as a share of what was won. A small WAPE with a large bias means the "
            "method is consistently off in one direction."
        ),
        formula=_("Σ (forecast − actual) ÷ Σ actual, over the scored snapshots"),
        counts=_RECORD_COUNTS,
        order=30,
    ),
    Term(
        key=f"{SECTION}.mape",
        section=SECTION,
        name=_("Track record: MAPE of the rest of the quarter"),
        definition=_(
            "Mean absolute percentage error: the average over the scored snapshots of each "
            "forecast's miss as a share of what was then won. Unlike WAPE, a small quarter weighs "
            "as much as a large one."
        ),
        formula=_("mean over the scored snapshots of |forecast − actual| ÷ actual"),
        counts=_RECORD_COUNTS,
        order=35,
    ),
    Term(
        key=f"{SECTION}.horizon",
        section=SECTION,
        name=_("Track record: horizon and forecasts scored"),
        definition=_(
            "How far ahead the scored forecasts looked, in whole weeks from the snapshot to the "
            "quarter's last day, and how many snapshots were scored. Forecasts of the rest of "
            "the quarter look 0–13 weeks ahead, of the next quarter 13–26 weeks. Methods are "
            "compared on the same snapshots only, and those must be at least four and at least "
            "half of the snapshots scored; a method whose history is too short for that is shown "
            "on its own snapshots and cannot be selected."
        ),
        formula=_("weeks = (quarter's last day − snapshot day) ÷ 7, rounded down; count of snapshots"),
        counts=_RECORD_COUNTS,
        order=40,
    ),
    Term(
        key=f"{SECTION}.run_rate",
        section=SECTION,
        name=_("Run-rate (last 13 weeks)"),
        definition=_(
            "The revenue won per day over the 13 weeks up to the snapshot, times the days left "
            "in the period. It ignores the pipeline altogether: the baseline any pipeline model "
            "must beat. When history is shorter than 13 weeks, the days recorded so far are used."
        ),
        formula=_("won in the last 91 days ÷ 91 × days from the day after the snapshot to the period's end"),
        counts=_("Deals won on or before the snapshot day, at their amount in the company currency."),
        filters=("period",),
        order=50,
    ),
    Term(
        key=f"{SECTION}.seasonal_naive",
        section=SECTION,
        name=_("Seasonal naive (same days last quarter)"),
        definition=_(
            "What was won in the same days of the last fiscal quarter that had ended: the rest "
            "of this quarter is forecast by the same days of last quarter, next quarter by the "
            "whole of the last complete quarter. Catches the end-of-quarter rush that a flat "
            "run-rate misses. No forecast while history does not reach back that far."
        ),
        formula=_("won in the same days (counted from the quarter's first day) of the last ended quarter"),
        counts=_("Deals won on or before the snapshot day, at their amount in the company currency."),
        filters=("period",),
        order=60,
    ),
    Term(
        key=f"{SECTION}.seasonal_naive_year",
        section=SECTION,
        name=_("Seasonal naive (same days a year earlier)"),
        definition=_(
            "What was won in the same days of the same fiscal quarter a year earlier, for "
            "companies whose year has a season. No forecast while history is shorter than that."
        ),
        formula=_("won in the same days of the same quarter a year earlier (four quarters back)"),
        counts=_("Deals won on or before the snapshot day, at their amount in the company currency."),
        filters=("period",),
        order=70,
    ),
    Term(
        key=f"{SECTION}.weighted_default_new",
        section=SECTION,
        name=_("Weighted pipeline (CRM stage probabilities) + new deals"),
        definition=_(
            "The CRM-default weighted pipeline plus the deals expected to be created before the "
            "period ends, at the recent creation rate and average value, each at the first "
            "stage's fixed probability and dated the typical time to a win after creation. The "
            "like-for-like version of the CRM default, since the learned forecast counts new "
            "deals too."
        ),
        formula=_(
            "weighted pipeline (CRM) + deals created per day (last 90 days) × average value × "
            "first stage's probability × days whose expected close falls in the period"
        ),
        counts=_(
            "Deals open on the snapshot day, deals created in the 90 days before it, deals won in the period."
        ),
        filters=("period",),
        order=90,
    ),
)

#: The glossary entry of each forecast method (``ForecastMethod`` value -> term key).
METHOD_TERMS = {
    "run_rate": f"{SECTION}.run_rate",
    "seasonal_naive": f"{SECTION}.seasonal_naive",
    "seasonal_naive_year": f"{SECTION}.seasonal_naive_year",
    "weighted_default": "scorecard.forecast_default",
    "weighted_default_new": f"{SECTION}.weighted_default_new",
    "weighted_learned": "scorecard.forecast_expected",
    "monte_carlo": "scorecard.forecast",
}
