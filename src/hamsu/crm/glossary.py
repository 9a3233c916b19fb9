"""Glossary entries for the CRM's figures (registered from CrmConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, section_terms

SECTIONS = (
    Section("pipeline", _("Pipeline"), order=10),
    Section("tasks", _("Tasks and next steps"), order=11),
)

_pipeline = section_terms("pipeline", filters=("team", "seller", "segment", "product"))
# Tasks are counted for one person (the reader, or the seller a manager picks).
_tasks = section_terms("tasks", filters=("owner",))


TERMS = (
    _pipeline(
        "open_count",
        name=_("Open opportunities"),
        definition=_("How many deals you can see are still open: not won and not lost."),
        formula=_("count of opportunities whose stage is an open stage"),
        counts=_("Opportunities visible to you (your own, your teams' or all, by your role)."),
        order=10,
    ),
    _pipeline(
        "open_amount",
        name=_("Open pipeline"),
        definition=_(
            "The value of the open deals you can see, in the company currency: each deal's amount "
            "converted at the rate stored with it."
        ),
        formula=_("sum of amount in company currency over open opportunities"),
        counts=_("Opportunities visible to you whose stage is an open stage."),
        order=20,
    ),
    _pipeline(
        "stage_count",
        name=_("Deals in the stage"),
        definition=_(
            "On the pipeline board, how many of the open deals you can see are in each stage, "
            "under the board's filters."
        ),
        formula=_("count of opportunities in the stage"),
        counts=_("Opportunities visible to you in an open stage; a deal is in exactly one stage."),
        filters=("team", "seller", "segment", "source"),
        order=30,
    ),
    _pipeline(
        "stage_amount",
        name=_("Value in the stage"),
        definition=_(
            "On the pipeline board, the value of the open deals in each stage, in the company "
            "currency; the stages add up to the open pipeline."
        ),
        formula=_("sum of amount in company currency over the opportunities in the stage"),
        counts=_("Opportunities visible to you in an open stage."),
        filters=("team", "seller", "segment", "source"),
        order=40,
    ),
    _pipeline(
        "gross_profit",
        name=_("Gross profit"),
        definition=_(
            "What a deal leaves after the cost of what it sells: its amount in the company "
            "currency less its quantity times the product's unit cost (converted from the "
            "product's currency). A deal without a product shows 0."
        ),
        formula=_("amount in company currency − quantity × unit cost in company currency"),
        counts=_("The one opportunity, with its product."),
        order=50,
        filters=(),
    ),
    _pipeline(
        "moved",
        name=_("Deals moved"),
        definition=_(
            "On a manager's home page, per team: the deals you can see that moved to another open "
            "stage in the last 7 days, forwards or back. A new deal's first stage is not a move; a "
            "deal moved twice counts once. A deal counts in its current team, so the teams add up "
            "to the total of all your teams (a sales manager's: their own and the teams they "
            "manage; a head's: every team)."
        ),
        formula=_(
            "count of distinct opportunities with a stage event into an open stage from another "
            "stage in the last 7 days"
        ),
        counts=_("Opportunities visible to you, of your teams, and their stage events."),
        filters=("team",),
        order=60,
    ),
    _pipeline(
        "won_recently",
        name=_("Deals won in the last 7 days"),
        definition=_(
            "On a manager's home page, per team: the deals you can see that moved to Won in the "
            "last 7 days (a deal won, reopened and won again counts once)."
        ),
        formula=_("count of distinct opportunities with a stage event into Won in the last 7 days"),
        counts=_("Opportunities visible to you, of your teams, and their stage events."),
        filters=("team",),
        order=61,
    ),
    _pipeline(
        "lost_recently",
        name=_("Deals lost in the last 7 days"),
        definition=_(
            "On a manager's home page, per team: the deals you can see that moved to Lost in the last 7 days."
        ),
        formula=_("count of distinct opportunities with a stage event into Lost in the last 7 days"),
        counts=_("Opportunities visible to you, of your teams, and their stage events."),
        filters=("team",),
        order=62,
    ),
    _tasks(
        "overdue",
        name=_("Overdue tasks"),
        definition=_(
            "Open tasks whose due time is before the start of today in the company's time zone. "
            "A task is an activity planned with a due time and not yet marked done."
        ),
        formula=_("count of activities with a due time before today and no done time"),
        counts=_("The person's open tasks that you can see."),
        order=10,
    ),
    _tasks(
        "due_today",
        name=_("Tasks due today"),
        definition=_("Open tasks whose due time falls within today in the company's time zone."),
        formula=_("count of activities with a due time today and no done time"),
        counts=_("The person's open tasks that you can see."),
        order=20,
    ),
    _tasks(
        "upcoming",
        name=_("Upcoming tasks"),
        definition=_("Open tasks due after today and within the next seven days."),
        formula=_("count of activities due from tomorrow to seven days later with no done time"),
        counts=_("The person's open tasks that you can see."),
        order=30,
    ),
    _tasks(
        "no_next_step",
        name=_("Deals without a next step"),
        definition=_(
            "Open deals with no open task: nothing is planned, so nobody will be reminded to move them on."
        ),
        formula=_("count of open opportunities none of whose activities is an open task"),
        counts=_("The person's open opportunities that you can see."),
        order=40,
    ),
    _tasks(
        "quiet",
        name=_("Deals gone quiet"),
        definition=_(
            "Open deals on which no activity happened and whose stage did not change in the last "
            "14 days (planned tasks do not count until they are done)."
        ),
        formula=_(
            "count of open opportunities with no logged or done activity and no stage change in 14 days"
        ),
        counts=_("The person's open opportunities that you can see."),
        order=50,
    ),
)
