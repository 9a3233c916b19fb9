"""Glossary entries for core's own figures (registered from CoreConfig.ready()).

``hamsu.core.glossary`` is the registry every app writes into; core's own entries live
here, as each app's live in its ``glossary.py``.
"""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, Term

SECTIONS = (
    Section("money", _("Money and currencies"), order=5),
    Section("clock", _("Scheduled jobs"), order=90),
)

TERMS = (
    Term(
        key="money.conversion",
        section="money",
        name=_("Amounts in the company currency"),
        definition=_(
            "Each amount is entered in its own currency (a deal's, a cost's, a campaign's spend) "
            "and shown with it. Totals, and every figure that adds amounts, are in the company "
            "currency: each amount is converted when it is saved, at the rate then set for its "
            "currency, and amounts already in the company currency are not converted. An amount "
            "in a currency that has no rate is refused when it is saved: it is never counted one "
            "to one. The page names the rates and the day they were set."
        ),
        formula=_(
            "amount in company currency = amount × rate of its currency, rounded to the cent; "
            "a total is the sum of the converted amounts"
        ),
        counts=_("Every amount a total adds: deals, costs and campaign spend."),
        order=10,
    ),
    Term(
        key="money.rate",
        section="money",
        name=_("Exchange rate"),
        definition=_(
            "How many units of the company currency one unit of another currency is worth, as "
            "set in the table of rates, with the day it was last set. A rate applies to amounts "
            "saved after it is set."
        ),
        formula=_("rate = units of company currency per one unit of the currency"),
        counts=_("One rate per currency other than the company currency."),
        order=20,
    ),
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
