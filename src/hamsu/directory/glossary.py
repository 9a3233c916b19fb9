"""Glossary entries for the figures of the people directory (registered from DirectoryConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term

SECTIONS = (Section("directory", _("Who to contact"), order=85),)

TERMS = (
    Term(
        key="directory.match_score",
        section="directory",
        name=_("Match score"),
        definition=_(
            "How well a person matches a who-to-contact search: each reason a person matches (the "
            "name, owning or covering the account, a deal, expertise, segment, product, team…) adds "
            "its weight. It only orders the people found; it is not a rating of the person."
        ),
        formula=_("sum of the weights of the person's reasons to match the search"),
        counts=_("People, their coverage, expertise and deals."),
        order=10,
    ),
)
