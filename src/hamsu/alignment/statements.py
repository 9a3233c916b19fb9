"""The instrument: 20 statements rated 1 (strongly disagree) to 5 (strongly agree).

Source: the diagnostic in Philip Kotler, Neil Rackham and Suj Krishnaswamy, "Ending the
War Between Sales and Marketing", Harvard Business Review, July-August 2006. The wording
below is Hamsu's own (English here, Persian in locale/fa); the ideas are the study's.
The keys ``s1``..``s20`` are the column names the pure scorer and CSV imports use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.analytics.diagnostic import Relationship

SOURCE = _(
    'Adapted from the diagnostic in Kotler, Rackham and Krishnaswamy, "Ending the War Between '
    'Sales and Marketing", Harvard Business Review, July–August 2006.'
)


@dataclass(frozen=True)
class Statement:
    key: str
    number: int
    text: str  # lazy translation
    short: str  # lazy translation, for chart axes


_TEXTS = [
    (_("Our sales results usually come in close to what we forecast."), _("Forecast accuracy")),
    (
        _("When results fall short, neither sales nor marketing points the finger at the other."),
        _("No blame"),
    ),
    (_("Marketers regularly meet key customers while deals are being won."), _("Marketers meet customers")),
    (_("Marketing invites sales to help write the marketing plan."), _("Sales in marketing plan")),
    (
        _("Our salespeople find marketing's materials genuinely useful for winning deals."),
        _("Useful collateral"),
    ),
    (_("Salespeople readily give marketing the feedback it asks for."), _("Sales feedback")),
    (_("Sales and marketing speak much the same language."), _("Common language")),
    (
        _(
            "The heads of sales and marketing regularly discuss upstream questions: new ideas, "
            "market sensing, product strategy."
        ),
        _("Heads discuss upstream"),
    ),
    (
        _("Sales and marketing work closely together to understand how each segment buys."),
        _("Buying by segment"),
    ),
    (_("Our joint meetings spend little time on disputes and firefighting."), _("Few disputes")),
    (
        _("The heads of sales and marketing plan together for offerings two or more years away."),
        _("Long-range planning"),
    ),
    (_("We discuss and use shared metrics to judge how both teams are doing."), _("Shared metrics")),
    (
        _("Marketing helps shape and carry out the sales strategy for individual key accounts."),
        _("Key accounts"),
    ),
    (
        _(
            "Both teams run their work on pipelines they designed together, covering the whole "
            "chain from market sensing to customer service."
        ),
        _("Joint funnel"),
    ),
    (
        _("Marketing does much of the analysis that makes our funnel more predictable and effective."),
        _("Funnel analysis"),
    ),
    (_('There is a strong "we rise or fall together" spirit between the teams.'), _("Rise or fall together")),
    (
        _("Sales and marketing both report to a single revenue or customer executive."),
        _("One revenue leader"),
    ),
    (_("People often move between sales and marketing jobs."), _("People move across")),
    (_("Sales and marketing design and run training, events and learning together."), _("Joint training")),
    (
        _("Each team helps prepare and present the other's plans to senior management."),
        _("Present each other's plans"),
    ),
]

STATEMENTS: tuple[Statement, ...] = tuple(
    Statement(key=key, number=i + 1, text=text, short=short)
    for i, (key, (text, short)) in enumerate(zip(KEYS, _TEXTS, strict=True))
)
BY_KEY = {s.key: s for s in STATEMENTS}

SCALE = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]

RELATIONSHIP_LABELS = {
    Relationship.UNDEFINED: _("Undefined"),
    Relationship.DEFINED: _("Defined"),
    Relationship.ALIGNED: _("Aligned"),
    Relationship.INTEGRATED: _("Integrated"),
}
RELATIONSHIP_RANGES = {
    Relationship.UNDEFINED: "20–39",
    Relationship.DEFINED: "40–59",
    Relationship.ALIGNED: "60–79",
    Relationship.INTEGRATED: "80–100",
}
RELATIONSHIP_DESCRIPTIONS = {
    Relationship.UNDEFINED: _(
        "The teams grew up apart, each busy with its own tasks; meetings are mostly for settling conflicts."
    ),
    Relationship.DEFINED: _(
        "Rules keep disputes down, the teams share a language for contentious things such as what a lead "
        "is, and they work together on big events."
    ),
    Relationship.ALIGNED: _(
        "Boundaries are clear but flexible; the teams plan and train together, sellers use marketing's "
        "terms and marketers help on important accounts."
    ),
    Relationship.INTEGRATED: _(
        "The teams share structures, systems, metrics and rewards, and marketing turns to strategic, "
        "forward-looking work; they rise or fall together."
    ),
}
ORDER = [Relationship.UNDEFINED, Relationship.DEFINED, Relationship.ALIGNED, Relationship.INTEGRATED]
