"""The sales funnel stages an opportunity moves through, with default probabilities.

The funnel app can version and edit the funnel; these are the built-in defaults from the
study (prospecting → … → negotiation, then won or lost).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PROSPECTING = "prospecting", _("Prospecting")
    QUALIFYING = "qualifying", _("Qualifying")
    NEEDS_DEFINITION = "needs_definition", _("Needs definition")
    SOLUTION_DEVELOPMENT = "solution_development", _("Solution development")
    DECISION = "decision", _("Decision")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


OPEN_STAGES = [
    Stage.PROSPECTING,
    Stage.QUALIFYING,
    Stage.NEEDS_DEFINITION,
    Stage.SOLUTION_DEVELOPMENT,
    Stage.DECISION,
    Stage.NEGOTIATION,
]
CLOSED_STAGES = [Stage.WON, Stage.LOST]
STAGE_ORDER = {stage.value: index for index, stage in enumerate(OPEN_STAGES + CLOSED_STAGES)}
DEFAULT_PROBABILITY = {
    Stage.PROSPECTING: 5,
    Stage.QUALIFYING: 10,
    Stage.NEEDS_DEFINITION: 20,
    Stage.SOLUTION_DEVELOPMENT: 40,
    Stage.DECISION: 60,
    Stage.NEGOTIATION: 80,
    Stage.WON: 100,
    Stage.LOST: 0,
}


def is_closed(stage: str) -> bool:
    return stage in (Stage.WON, Stage.LOST)
