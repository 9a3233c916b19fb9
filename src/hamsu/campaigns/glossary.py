"""Glossary entries for every figure of the campaigns app (registered from CampaignsConfig.ready()):
the closed loop, the returns by campaign and channel, attribution, and the campaign
pages. Each entry is what ``tests/reconcile/test_campaigns_*.py`` recomputes."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term, section_terms

SECTIONS = (
    Section("closed_loop", _("Closed loop"), order=50),
    Section("returns", _("Returns by campaign and channel"), order=51),
    Section("attribution", _("Attribution"), order=52),
    Section("campaigns", _("Campaigns and spend"), order=53),
)

_PERIOD_DEALS = _("every opportunity in the company, whoever owns it")

_closed_loop = section_terms("closed_loop", counts=_PERIOD_DEALS, filters=("period",))


CLOSED_LOOP = (
    _closed_loop(
        "pipeline_count",
        name=_("Deals created"),
        definition=_("How many deals were opened in the period."),
        formula=_("count of opportunities with from ≤ created_at < until"),
        order=10,
    ),
    _closed_loop(
        "pipeline_amount",
        name=_("Pipeline created"),
        definition=_("The value of the deals opened in the period, in the company currency."),
        formula=_("sum of amount in company currency over opportunities with from ≤ created_at < until"),
        order=11,
    ),
    _closed_loop(
        "revenue_count",
        name=_("Won deals"),
        definition=_("How many deals were won in the period."),
        formula=_("count of won opportunities with from ≤ closed_at < until"),
        order=12,
    ),
    _closed_loop(
        "revenue_amount",
        name=_("Revenue won"),
        definition=_("The value of the deals won in the period, in the company currency."),
        formula=_("sum of amount in company currency over won opportunities with from ≤ closed_at < until"),
        order=13,
    ),
    _closed_loop(
        "sourced",
        name=_("Marketing-sourced"),
        definition=_(
            "Deals whose source is marketing: marketing found them. Counted and summed like the "
            "column they sit in (created in the period for pipeline, won in it for revenue); never "
            "more than all deals."
        ),
        formula=_("the column's deals where source = marketing"),
        order=20,
    ),
    _closed_loop(
        "influenced",
        name=_("Marketing-influenced"),
        definition=_(
            "Deals whose account had at least one marketing touch in the influence window before "
            "the deal was created. A marketing touch is any touch but a sales call, through any "
            "channel but direct sales calls and direct traffic (the touch's channel, or its "
            "campaign's when it names none). Touches after the deal was created support the sale "
            "but did not bring it about, so they do not count. The same definition gives the "
            "scorecard's influenced pipeline and revenue."
        ),
        formula=_(
            "the column's deals with a marketing touch on their account where "
            "created_at − window ≤ touch time ≤ created_at"
        ),
        counts=_("The column's deals and their accounts' touchpoints."),
        order=21,
    ),
    _closed_loop(
        "sourced_or_influenced",
        name=_("Sourced or influenced"),
        definition=_(
            "Deals marketing sourced or influenced, each counted once: at least as many as either, "
            "never more than all deals."
        ),
        formula=_("the column's deals that are marketing-sourced or marketing-influenced"),
        counts=_("The column's deals and their accounts' touchpoints."),
        order=22,
    ),
    _closed_loop(
        "influence_window",
        name=_("Influence window"),
        definition=_(
            "How many days before a deal was created a marketing touch still counts as having "
            "influenced it. A company setting (90 days unless changed), edited in company settings "
            "or through the API; changing it recomputes every influenced figure."
        ),
        formula=_("company setting influence_lookback_days, from 1 to 730"),
        counts=_("The company settings."),
        order=23,
        filters=(),
    ),
    _closed_loop(
        "marketing_spend",
        name=_("Marketing spend"),
        definition=_(
            "Everything marketing spent in the period, the same figure wherever Hamsu shows it "
            "(closed loop, scorecard): campaign spend plus the cost ledger's marketing costs. Spend "
            "on a campaign is recorded on the campaign only, so nothing counts twice. A cost counts "
            "in the period its booking day falls in: a cost line's period start, a cost entry's "
            "month. Shown as “nothing recorded” when neither ledger has a row in the period."
        ),
        formula=_("campaign spend + sum of the cost ledger's marketing entries whose month is in the period"),
        counts=_("Campaign cost lines and marketing cost entries."),
        order=30,
    ),
    _closed_loop(
        "campaign_spend",
        name=_("Campaign spend"),
        definition=_(
            "What the campaigns cost in the period: the cost lines recorded on them, in the company "
            "currency. The part of marketing spend that campaign ROI divides by."
        ),
        formula=_("sum of amount in company currency over cost lines with period_start in the period"),
        counts=_("Cost lines of every campaign."),
        order=31,
    ),
    _closed_loop(
        "other_marketing_spend",
        name=_("Other marketing costs"),
        definition=_(
            "Marketing costs that are no campaign's — salaries, tools, research, market entry — "
            "from the cost ledger."
        ),
        formula=_("marketing spend − campaign spend"),
        counts=_("Cost entries whose function is marketing."),
        order=32,
    ),
    _closed_loop(
        "cost_per_sql",
        name=_("Cost per SQL"),
        definition=_(
            "Marketing spend for each lead that became a sales-qualified lead in the period. "
            "“Not measured yet” until leads move through the funnel; no value when there is no SQL."
        ),
        formula=_("marketing spend / leads that reached SQL in the period"),
        counts=_("Marketing spend and the leads' stage history."),
        order=41,
    ),
    _closed_loop(
        "sqls",
        name=_("SQLs"),
        definition=_(
            "Leads that became sales-qualified leads in the period, by the funnel's one definition: "
            "a lead that skipped SQL on its way to a later stage counts as having passed it, as "
            "on the funnel page and the scorecard. “Not measured yet” until leads move through the funnel."
        ),
        formula=_("number of leads whose first arrival at SQL or a later stage falls in the period"),
        counts=_("The leads' stage history."),
        order=41,
    ),
    _closed_loop(
        "cost_per_won_deal",
        name=_("Cost per won deal"),
        definition=_("Marketing spend for each deal won in the period that marketing sourced or influenced."),
        formula=_("marketing spend / won deals that are sourced or influenced"),
        counts=_("Marketing spend, won opportunities and their accounts' touchpoints."),
        order=42,
    ),
    _closed_loop(
        "returned",
        name=_("Revenue attributed to campaigns that spent"),
        definition=_(
            "The revenue won in the period that the chosen attribution model gives to the campaigns "
            "with spend in the period: the return that campaign spend bought. Credit to campaigns "
            "without spend, and to touches without a campaign, is not part of it."
        ),
        formula=_("sum of attributed revenue over the campaign rows whose spend > 0"),
        counts=_("Won opportunities, their accounts' touchpoints and the campaigns' cost lines."),
        filters=("period", "model", "lookback"),
        order=50,
    ),
    _closed_loop(
        "roas",
        name=_("Return on campaign spend"),
        definition=_(
            "How many times their cost the campaigns that spent in the period brought back in "
            "attributed revenue; 1× is break-even."
        ),
        formula=_("revenue attributed to campaigns that spent / campaign spend"),
        counts=_("The same campaigns and the same period on both sides."),
        filters=("period", "model", "lookback"),
        order=51,
    ),
    _closed_loop(
        "roi",
        name=_("Campaign ROI"),
        definition=_(
            "The return on campaign spend net of that spend: 0 % is break-even, 100 % doubles the "
            "money. Numerator and denominator cover the same campaigns and the same period, so a "
            "return is never set against a fraction of its cost."
        ),
        formula=_("(revenue attributed to campaigns that spent − campaign spend) / campaign spend"),
        counts=_("The same campaigns and the same period on both sides."),
        filters=("period", "model", "lookback"),
        order=52,
    ),
)

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
        counts=_PERIOD_DEALS,
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

TERMS = (*CLOSED_LOOP, *RETURNS, *ATTRIBUTION, *CAMPAIGNS)
