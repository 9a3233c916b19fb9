"""WSGI entry point for production servers (gunicorn hamsu.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
application = get_wsgi_application()

# Import the URLconf (every app's views and API) now rather than on the first request:
# under gunicorn --preload that happens once in the master, and a (re)started server's
# workers answer their first request at once instead of after seconds of imports.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
