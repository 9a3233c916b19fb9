"""Glossary entries of attribution: each model's rule and the figures the page shows."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Term, section_terms

from .common import PERIOD_DEALS

_ATTRIBUTION_FILTERS = ("period", "lookback")

MODEL_RULES = {
    "first_touch": (
        _("First-touch model"),
        _("The deal's first touch gets all of it."),
        _("share = 1 for the first touch, 0 for the others"),
    ),
    "last_touch": (
        _("Last-touch model"),
        _("The deal's last touch before the conversion gets all of it."),
        _("share = 1 for the last touch, 0 for the others"),
    ),
    "linear": (
        _("Linear model"),
        _("Every touch of the deal gets the same share."),
        _("share = 1 / number of touches"),
    ),
    "position_based": (
        _("Position-based (U-shaped) model"),
        _(
            "The first and the last touch get 40 % each, the touches between share the other 20 %; "
            "two touches get half each and a single touch gets everything."
        ),
        _("share = 0.4 first, 0.4 last, 0.2 / (touches − 2) each in between"),
    ),
    "time_decay": (
        _("Time-decay model"),
        _("Touches closer to the conversion weigh more: a touch's weight halves every 7 days back."),
        _("weight = 2^(−age / 7 days); share = weight / sum of the deal's weights"),
    ),
    "w_shaped": (
        _("W-shaped model"),
        _(
            "The first touch, the touch that created the lead and the one that created the deal "
            "get 30 % each, the other touches share 10 %; a missing milestone's weight is shared "
            "among the parts the journey has."
        ),
        _("share = 0.3 per milestone, 0.1 / other touches each, rescaled to sum to 1"),
    ),
    "markov": (
        _("Markov chain model"),
        _(
            "Each channel's share is how much the conversions would fall if it were removed from "
            "every journey (its removal effect), scaled so the shares add up to all conversions."
        ),
        _("credit = conversions × removal effect / sum of removal effects"),
    ),
    "shapley": (
        _("Shapley value model"),
        _(
            "Each channel's share is its average extra contribution over every order in which "
            "channels could join a journey: a fair split of what the channels achieve together. "
            "For this game it comes to an equal share of each deal for every distinct channel that "
            "touched it. Beyond 18 channels or campaigns it is estimated from random orders."
        ),
        _("share = 1 / number of distinct channels (or campaigns) of the deal's journey"),
    ),
}

_attribution = section_terms(
    "attribution", counts=_("Deals in scope and their accounts' touchpoints."), filters=_ATTRIBUTION_FILTERS
)


ATTRIBUTION = (
    _attribution(
        "deals",
        name=_("Deals in scope"),
        definition=_(
            "The deals whose credit is shared: for revenue and won deals, those closed (won or lost) "
            "in the period; for pipeline, those created in it."
        ),
        formula=_(
            "count of opportunities whose reference time (close, or creation for pipeline) is in the period"
        ),
        counts=PERIOD_DEALS,
        filters=("period",),
        order=10,
    ),
    _attribution(
        "deals_touched",
        name=_("Deals with touches"),
        definition=_(
            "Deals in scope whose account had at least one touch up to the deal's reference time and "
            "within the lookback: only their value can be credited. Never more than the deals in scope."
        ),
        formula=_(
            "count of deals in scope with a touch where reference time − lookback ≤ touch time ≤ reference time"
        ),
        order=11,
    ),
    _attribution(
        "total",
        name=_("Value to credit"),
        definition=_(
            "What is shared out: the revenue of the deals won among those in scope, the pipeline of "
            "the deals created, or the number of won deals."
        ),
        formula=_("sum of won deals' value (revenue), of all deals' value (pipeline), or count of won deals"),
        counts=_("Deals in scope."),
        filters=("period",),
        order=12,
    ),
    _attribution(
        "coverage",
        name=_("Share with touches to credit"),
        definition=_(
            "The part of the value whose deals had touches to give it to; the rest is not given to "
            "any channel or campaign."
        ),
        formula=_("value of deals with touches / value of deals in scope"),
        bounded=True,
        order=13,
    ),
    _attribution(
        "value_touched",
        name=_("Value with touches to credit"),
        definition=_(
            "The part of the value to credit whose deals had at least one touch in the lookback: "
            "exactly what every model shares out. Never more than the value to credit."
        ),
        formula=_("sum of the value of the deals in scope that have a touch in the lookback"),
        order=13,
    ),
    _attribution(
        "credit",
        name=_("Credit by model"),
        definition=_(
            "For each model, the value each channel or campaign is given. Every model shares out "
            "exactly the value of the deals with touches: the credits of one model add up to it, and "
            "the shares of each deal add up to that deal."
        ),
        formula=_("per channel or campaign: sum over deals of deal value × the model's share of the deal"),
        filters=(*_ATTRIBUTION_FILTERS, "model", "channel", "campaign"),
        order=14,
    ),
    _attribution(
        "spread",
        name=_("Spread across models"),
        definition=_(
            "The lowest and the highest credit any model gives the row: where they are close, the "
            "row's part does not depend on what you believe about first, last and middle touches."
        ),
        formula=_("min and max over the models of the row's credit"),
        counts=_("The credit of every model that ran."),
        order=15,
    ),
    *(
        Term(
            key=f"attribution.model_{model}",
            section="attribution",
            name=name,
            definition=definition,
            formula=formula,
            counts=_("Each deal's touches up to its reference time, within the lookback, in time order."),
            filters=_ATTRIBUTION_FILTERS,
            order=20 + index,
        )
        for index, (model, (name, definition, formula)) in enumerate(MODEL_RULES.items())
    ),
    _attribution(
        "touch_share",
        name=_("Touch's share"),
        definition=_(
            "The part of the deal the model gives one touch; the shares of a deal's touches add up to 100 %."
        ),
        formula=_("the model's share for the touch"),
        counts=_("The deal's touches up to its reference time, within the lookback."),
        filters=("model", "lookback"),
        bounded=True,
        order=40,
    ),
    _attribution(
        "touch_credit",
        name=_("Touch's credit"),
        definition=_(
            "The deal's value times the touch's share: what that touch's channel or campaign is given."
        ),
        formula=_("deal value × touch's share"),
        counts=_("The deal and its touches."),
        filters=("model", "lookback"),
        order=41,
    ),
    _attribution(
        "deal_value",
        name=_("Deal's value to credit"),
        definition=_(
            "What one deal brings to share out: its amount in the company currency for revenue "
            "and pipeline, or 1 for a won deal when conversions are counted."
        ),
        formula=_("the deal's amount in the company currency, or 1 (conversions)"),
        counts=_("The deal."),
        filters=("model",),
        order=42,
    ),
)
