"""What several sections of the campaigns glossary say alike."""

from django.utils.translation import gettext_lazy as _

PERIOD_DEALS = _("every opportunity in the company, whoever owns it")
