"""API v1 for the funnel, one module per subject (as ``hamsu.funnel.services``): leads and
their lifecycle and queues, the funnel definition, lead definitions, routing, the SLA,
rules of engagement, scoring, lead capture, and my follow-up tasks.

Every handler parses, calls the same selector or service as the UI, and serialises.
"""

from hamsu.funnel.api.common import router

# Each module adds its operations to the router as it is imported, so the order of these
# imports is the order of the operations in the API document: keep it.
# isort: off
from hamsu.funnel.api import leads  # noqa: F401
from hamsu.funnel.api import funnel  # noqa: F401
from hamsu.funnel.api import definitions  # noqa: F401
from hamsu.funnel.api import routing  # noqa: F401
from hamsu.funnel.api import sla  # noqa: F401
from hamsu.funnel.api import engagement  # noqa: F401
from hamsu.funnel.api import scoring  # noqa: F401
from hamsu.funnel.api import capture  # noqa: F401
from hamsu.funnel.api import tasks  # noqa: F401
# isort: on

PREFIX = "funnel"
__all__ = ["PREFIX", "router"]
