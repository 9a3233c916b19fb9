"""Glossary entries for core's own figures (registered from CoreConfig.ready()).

``hamsu.core.glossary`` is the registry every app writes into; core's own entries live
here, as each app's live in its ``glossary.py``.
"""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term

SECTIONS = (Section("clock", _("Scheduled jobs"), order=90),)

TERMS = (
    Term(
        key="clock.runs",
        section="clock",
        name=_("Runs"),
        definition=_(
            "How many times the server's clock has started the scheduled job since it first saw "
            "it, whether the run succeeded or failed."
        ),
        formula=_("the job's run counter, raised by one each time the clock claims the job"),
        counts=_("Starts of the job by the clock."),
        order=10,
    ),
)
