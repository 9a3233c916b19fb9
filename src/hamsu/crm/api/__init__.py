"""API v1 for the CRM: the same selectors and services as the UI, typed with ninja schemas.
One module per record (accounts, contacts, opportunities, activities); tasks and next steps
are ``hamsu.crm.api_tasks``."""

from hamsu.crm.api.common import PREFIX, router

# Each module adds its operations to the router as it is imported, so the order of these
# imports is the order of the operations in the API document: keep it.
# isort: off
from hamsu.crm.api import accounts  # noqa: F401
from hamsu.crm.api import contacts  # noqa: F401
from hamsu.crm.api import opportunities  # noqa: F401
from hamsu.crm.api import activities  # noqa: F401
# isort: on

# Tasks and next steps live in their own module, under the same paths.
from hamsu.crm.api_tasks import router as tasks_router

router.add_router("", tasks_router)

__all__ = ["PREFIX", "router"]
