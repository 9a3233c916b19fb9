"""API v1 twins of every collaboration page, one module per subject (as
``hamsu.funnel.api``): liaisons, meetings, feedback, key accounts,
collateral, and joint events and rotations.

Every handler parses, calls the same selector or service as the page, and serialises.
"""

from hamsu.collaboration.api.common import router

# Each module adds its operations to the router as it is imported, so the order of these
# imports is the order of the operations in the API document: keep it.
# isort: off
from hamsu.collaboration.api import liaisons  # noqa: F401
from hamsu.collaboration.api import meetings  # noqa: F401
from hamsu.collaboration.api import feedback  # noqa: F401
from hamsu.collaboration.api import key_accounts  # noqa: F401
from hamsu.collaboration.api import collateral  # noqa: F401
from hamsu.collaboration.api import events  # noqa: F401
# isort: on

PREFIX = "together"
__all__ = ["PREFIX", "router"]
