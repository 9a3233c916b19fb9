"""ASGI entry point (uvicorn/daphne) for deployments that prefer ASGI."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
application = get_asgi_application()
