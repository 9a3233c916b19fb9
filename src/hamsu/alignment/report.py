"""What a round's report says, gathered once for the HTML page, the PDF and the API twin.

Both the printable page and the PDF read their figures here, so a PDF can never show a
number the page does not. Call it inside ``translation.override(language)``: the move
statuses and labels are worded in the language active when they are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation

from hamsu.alignment import moves, selectors
from hamsu.alignment.models import Assessment, Round
from hamsu.analytics.diagnostic import Relationship

LANGUAGES = ("en", "fa")


@dataclass
class ReportContents:
    round: Round
    language: str
    results: selectors.RoundResults
    trend: list[selectors.TrendPoint]
    assessment: Assessment | None
    target: Relationship | None
    next_moves: list[moves.MoveView] = field(default_factory=list)

    @property
    def rtl(self) -> bool:
        return self.language == "fa"


def report_language(asked: str | None) -> str:
    """The language asked for (``?lang=``) when it is one we print, else the user's own."""
    if asked in LANGUAGES:
        return asked
    active = translation.get_language() or "en"
    return "fa" if active.startswith("fa") else "en"


def report_contents(round_: Round, language: str) -> ReportContents:
    results = selectors.round_results(round_)
    points, _deltas = selectors.round_trend(until=round_)
    current = results.relationship
    assessment = selectors.latest_assessment()
    target = Relationship(assessment.recommended) if assessment else None
    return ReportContents(
        round=round_,
        language=language,
        results=results,
        trend=points,
        assessment=assessment,
        target=target,
        next_moves=moves.moves_between(current, target) if current and target else [],
    )
