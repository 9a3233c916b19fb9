"""Assembles API v1 from each app's router (``hamsu.<app>.api.router``)."""

from __future__ import annotations

import importlib
import importlib.util

from hamsu.api import errors
from hamsu.api.auth import API_AUTH
from hamsu.api.docs import LocalSwagger
from hamsu.api.openapi import HamsuAPI, refuse_unknown_fields
from hamsu.api.parser import TextCleaningParser

api = HamsuAPI(
    title="Hamsu API",
    version="1",
    description="One funnel, one lead definition, one revenue number. Authenticate with a personal token: "
    "`Authorization: Bearer hamsu_…` (create one under Settings → API tokens or with `hamsu token create`).",
    auth=API_AUTH,
    urls_namespace="api-v1",
    docs_url="/docs",
    docs=LocalSwagger(),
    parser=TextCleaningParser(),
)
errors.install(api)

from hamsu.api.company import router as company_router  # noqa: E402
from hamsu.api.glossary import router as glossary_router  # noqa: E402
from hamsu.api.notifications import aliases as notification_aliases  # noqa: E402
from hamsu.api.notifications import router as notifications_router  # noqa: E402

api.add_router("/glossary", glossary_router)
api.add_router("/settings", company_router)
api.add_router("/notifications", notifications_router)
# The funnel's and collaboration's old notification paths (deprecated), at the API's root.
api.add_router("", notification_aliases)

# Apps that have an api.py contribute a router; adding an app means adding its name here.
ROUTED_APPS = ["crm", "directory", "funnel", "campaigns", "scorecard", "alignment", "collaboration", "dataio"]
for app in ROUTED_APPS:
    module_name = f"hamsu.{app}.api"
    if importlib.util.find_spec(module_name) is not None:
        module = importlib.import_module(module_name)
        api.add_router(f"/{getattr(module, 'PREFIX', app)}", module.router)
refuse_unknown_fields(api)
