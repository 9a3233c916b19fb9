"""Glossary entries of the campaign pages (touches, spend lines)."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import section_terms

_campaigns = section_terms("campaigns", counts=_("Touchpoints."), filters=("campaign", "channel"))


CAMPAIGNS = (
    _campaigns(
        "spend",
        name=_("Campaign spend to date"),
        definition=_("Everything recorded as spent on the campaign so far, in the company currency."),
        formula=_("sum of amount in company currency over all the campaign's cost lines"),
        counts=_("The campaign's cost lines."),
        order=10,
    ),
    _campaigns(
        "cost_line_base",
        name=_("Cost line in the company currency"),
        definition=_(
            "A cost line's amount converted to the company currency at the rate stored when it was recorded."
        ),
        formula=_("amount × rate to the company currency"),
        counts=_("One cost line."),
        order=11,
        filters=(),
    ),
    _campaigns(
        "touches",
        name=_("Touches"),
        definition=_("How many touchpoints are linked to the campaign, on anyone's accounts."),
        formula=_("count of touchpoints whose campaign is this one"),
        order=20,
    ),
    _campaigns(
        "touches_by_kind",
        name=_("Touches by kind"),
        definition=_(
            "The campaign's touches counted by kind (ad click, form fill, webinar …); they add up to its touches."
        ),
        formula=_("count of the campaign's touchpoints per kind"),
        filters=("campaign",),
        order=21,
    ),
)

CAMPAIGNS += (
    _campaigns(
        "account_touches",
        name=_("Touches of a deal's account"),
        definition=_(
            "On a deal's page, how many touchpoints its account has had, at any time and through "
            "any channel (its contacts' touches carry the account); shown as 1,000+ beyond a thousand."
        ),
        formula=_("count of touchpoints whose account is the deal's account, up to 1,000"),
        order=30,
        filters=(),
    ),
)

CAMPAIGNS += (
    _campaigns(
        "leads_so_far",
        name=_("Leads so far"),
        definition=_(
            "On the home page's campaigns of the week, how many people have handed over their "
            "details through the campaign up to now: distinct contacts with a form fill or a "
            "content download of the campaign, among the touches you can see (touches follow "
            "their account's visibility). A person who filled in two of its forms counts once."
        ),
        formula=_(
            "count of distinct contacts among the campaign's form-fill and content-download "
            "touchpoints up to now"
        ),
        counts=_("The campaign's touchpoints that you can see."),
        order=40,
        filters=("campaign",),
    ),
)
