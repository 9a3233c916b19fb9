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
)
