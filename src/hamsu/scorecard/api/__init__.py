"""API v1 for the scorecard: targets, metrics (with their definitions), plans, costs,
forecasts, calls and forecast accuracy — the same selectors and services as the pages.
One module per subject.
"""

from hamsu.scorecard.api.common import router

# Each module adds its operations to the router as it is imported, so the order of these
# imports is the order of the operations in the API document: keep it.
# isort: off
from hamsu.scorecard.api import targets  # noqa: F401
from hamsu.scorecard.api import metrics  # noqa: F401
from hamsu.scorecard.api import plans  # noqa: F401
from hamsu.scorecard.api import costs  # noqa: F401
from hamsu.scorecard.api import forecasts  # noqa: F401
# isort: on

PREFIX = "scorecard"
__all__ = ["PREFIX", "router"]
