"""Glossary entries of the closed loop: deals, pipeline and revenue traced to marketing."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import section_terms

from .common import PERIOD_DEALS

_closed_loop = section_terms("closed_loop", counts=PERIOD_DEALS, filters=("period",))


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
