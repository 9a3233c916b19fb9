"""Glossary entries for the CRM's figures (registered from CrmConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term

SECTIONS = (Section("pipeline", _("Pipeline"), order=10),)

TERMS = (
    Term(
        key="pipeline.open_count",
        section="pipeline",
        name=_("Open opportunities"),
        definition=_("How many deals you can see are still open: not won and not lost."),
        formula=_("count of opportunities whose stage is an open stage"),
        counts=_("Opportunities visible to you (your own, your teams' or all, by your role)."),
        filters=("team", "seller", "segment", "product"),
        order=10,
    ),
    Term(
        key="pipeline.open_amount",
        section="pipeline",
        name=_("Open pipeline"),
        definition=_(
            "The value of the open deals you can see, in the company currency: each deal's amount "
            "converted at the rate stored with it."
        ),
        formula=_("sum of amount in company currency over open opportunities"),
        counts=_("Opportunities visible to you whose stage is an open stage."),
        filters=("team", "seller", "segment", "product"),
        order=20,
    ),
    Term(
        key="pipeline.stage_count",
        section="pipeline",
        name=_("Deals in the stage"),
        definition=_(
            "On the pipeline board, how many of the open deals you can see are in each stage, "
            "under the board's filters."
        ),
        formula=_("count of opportunities in the stage"),
        counts=_("Opportunities visible to you in an open stage; a deal is in exactly one stage."),
        filters=("team", "seller", "segment", "source"),
        order=30,
    ),
    Term(
        key="pipeline.stage_amount",
        section="pipeline",
        name=_("Value in the stage"),
        definition=_(
            "On the pipeline board, the value of the open deals in each stage, in the company "
            "currency; the stages add up to the open pipeline."
        ),
        formula=_("sum of amount in company currency over the opportunities in the stage"),
        counts=_("Opportunities visible to you in an open stage."),
        filters=("team", "seller", "segment", "source"),
        order=40,
    ),
    Term(
        key="pipeline.gross_profit",
        section="pipeline",
        name=_("Gross profit"),
        definition=_(
            "What a deal leaves after the cost of what it sells: its amount in the company "
            "currency less its quantity times the product's unit cost (converted from the "
            "product's currency). A deal without a product shows 0."
        ),
        formula=_("amount in company currency − quantity × unit cost in company currency"),
        counts=_("The one opportunity, with its product."),
        order=50,
    ),
)
