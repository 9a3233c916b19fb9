"""Do we need more alignment? The study's reasoning as a few explicit rules.

- A small company whose teams get on well informally need not formalise more.
- Most companies do well once Aligned, especially with short, simple sales cycles.
- Complex or fast-changing markets (long, tailored, many-stakeholder sales) justify
  Integrated.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hamsu.alignment.statements import ORDER
from hamsu.analytics.diagnostic import Relationship

REASONS = {
    "small_informal": _(
        "A small company whose sales and marketing people already get on well informally does not "
        "need more formal structure: keep what works and stay where you are."
    ),
    "most_aligned": _(
        "Most companies do well once Aligned: clear but flexible boundaries, joint planning and training."
    ),
    "short_simple": _(
        "With a short, simple sales cycle the extra structure of integration rarely pays for itself."
    ),
    "complex_market": _(
        "Your sale is complex or tailored to each customer, so marketing's knowledge is needed inside "
        "the sales process: that justifies Integrated."
    ),
    "fast_change": _("Your market changes fast; shared structures and metrics let both teams react as one."),
    "long_cycle": _("Long sales cycles give marketing room to help at every step of the sale."),
    "marketing_support": _(
        "Marketing today mostly supports sales; moving up means marketers join account planning and strategy."
    ),
    "marketing_strategic": _(
        "Marketing already works strategically, which is what an integrated relationship asks of it."
    ),
    "already_there": _("You are already at or beyond the recommended relationship; no need to go further."),
    "no_current": _("Run a diagnostic round to know where you stand today."),
}


@dataclass(frozen=True)
class Advice:
    target: Relationship
    reason_codes: list[str]

    @property
    def reasons(self) -> list[str]:
        return [str(REASONS[code]) for code in self.reason_codes]


def recommend(answers, *, current: str | None = None) -> Advice:
    """``answers`` has the fields of ``Assessment``; ``current`` is today's relationship if known."""
    codes: list[str] = []
    current_rel = Relationship(current) if current else None
    complex_sale = answers.complexity == "complex" or answers.market == "customising"
    fast = answers.pace == "fast"
    long_cycle = answers.cycle_length == "long"
    if answers.company_size == "small" and answers.informal_relations_good and not complex_sale and not fast:
        target = current_rel or Relationship.DEFINED
        codes.append("small_informal")
    elif complex_sale and (fast or long_cycle):
        target = Relationship.INTEGRATED
        codes.append("complex_market")
        codes.append("fast_change" if fast else "long_cycle")
    elif fast and answers.company_size == "large":
        target = Relationship.INTEGRATED
        codes.append("fast_change")
    else:
        target = Relationship.ALIGNED
        codes.append("most_aligned")
        if answers.cycle_length == "short" and answers.complexity == "simple":
            codes.append("short_simple")
    if ORDER.index(target) >= ORDER.index(Relationship.ALIGNED):
        if answers.marketing_role == "support":
            codes.append("marketing_support")
        elif answers.marketing_role == "strategic" and target == Relationship.INTEGRATED:
            codes.append("marketing_strategic")
    if current_rel is None:
        codes.append("no_current")
    elif ORDER.index(current_rel) >= ORDER.index(target) and "small_informal" not in codes:
        codes.append("already_there")
    return Advice(target, codes)
