from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Pages that read many apps (the home page, next the per-role "my day"). They sit in
    the top layer with the API, so no domain app has to import the apps above it."""

    name = "hamsu.web"
    label = "web"
    verbose_name = _("Pages")
