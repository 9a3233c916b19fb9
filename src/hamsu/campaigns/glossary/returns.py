"""Glossary entries of the returns by campaign and channel (spend, ROI, cost per deal)."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import section_terms

_returns = section_terms(
    "returns",
    counts=_("Campaign cost lines, opportunities and their accounts' touchpoints."),
    filters=("period", "model", "lookback"),
)


RETURNS = (
    _returns(
        "by_channel",
        name=_("Returns by channel"),
        definition=_(
            "One row per channel: the spend of its campaigns and the revenue and pipeline the chosen "
            "model gives to its touches (with or without a campaign). The rows add up to the "
            "campaign spend and to all attributed revenue and pipeline."
        ),
        formula=_("per channel: spend, attributed pipeline, attributed revenue, won deals credited"),
        order=10,
    ),
    _returns(
        "by_campaign",
        name=_("Returns by campaign"),
        definition=_(
            "One row per campaign, and one per channel for touches that had no campaign. The rows "
            "add up to the campaign spend and to all attributed revenue and pipeline."
        ),
        formula=_("per campaign: spend, attributed pipeline, attributed revenue, won deals credited"),
        order=11,
    ),
    _returns(
        "spend",
        name=_("Spend"),
        definition=_(
            "A campaign's cost lines booked in the period (by their period start); for a channel, "
            "the sum over its campaigns."
        ),
        formula=_(
            "sum of amount in company currency over the row's cost lines with period_start in the period"
        ),
        counts=_("Cost lines."),
        filters=("period",),
        order=20,
    ),
    _returns(
        "attributed_revenue",
        name=_("Attributed revenue"),
        definition=_(
            "The part of the revenue won in the period that the chosen model gives to the row. Each "
            "won deal's value is shared over its account's touches up to its close, within the "
            "lookback; the shares of a deal add up to the deal, so all rows add up to the revenue "
            "that had touches to credit."
        ),
        formula=_("sum over won deals closed in the period of deal value × the row's share of the deal"),
        counts=_("Opportunities closed in the period and their accounts' touchpoints."),
        order=21,
    ),
    _returns(
        "attributed_pipeline",
        name=_("Attributed pipeline"),
        definition=_(
            "The part of the pipeline created in the period that the chosen model gives to the row: "
            "each new deal's value shared over its account's touches up to its creation."
        ),
        formula=_("sum over deals created in the period of deal value × the row's share of the deal"),
        counts=_("Opportunities created in the period and their accounts' touchpoints."),
        order=22,
    ),
    _returns(
        "won_credit",
        name=_("Won deals (credit)"),
        definition=_(
            "How many won deals the row is credited with, in fractions: a deal shared between "
            "three touches gives each row its share of one."
        ),
        formula=_("sum over won deals closed in the period of the row's share of the deal"),
        counts=_("Opportunities closed in the period and their accounts' touchpoints."),
        order=23,
    ),
    _returns(
        "roas",
        name=_("Return on ad spend"),
        definition=_("Attributed revenue per unit of the row's spend; no value without spend."),
        formula=_("attributed revenue / spend"),
        counts=_("The row's attributed revenue and spend, same period."),
        order=24,
    ),
    _returns(
        "roi",
        name=_("ROI"),
        definition=_("Attributed revenue net of the row's spend, per unit of spend; no value without spend."),
        formula=_("(attributed revenue − spend) / spend"),
        counts=_("The row's attributed revenue and spend, same period."),
        order=25,
    ),
)
