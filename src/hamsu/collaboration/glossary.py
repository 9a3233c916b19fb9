"""Glossary entries for the figures of working together: the meeting agenda's sections and
the counts on the together pages (registered from CollaborationConfig.ready()).

Each entry is the contract its reconciliation test (``tests/reconcile/test_collaboration_*.py``)
recomputes from the raw deals, stage events, feedback, action items and collateral.
"""

from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, section_terms

SECTIONS = (
    Section("agenda", _("Meeting agenda"), order=65),
    Section("together", _("Working together"), order=66),
)

_SINCE = _(
    "From the previous meeting of the same series (for the first meeting of a series, one "
    "cadence back at 30 days a month; for a one-off meeting, 30 days back) to when the agenda "
    "was generated."
)
_OPEN_DEALS = _(
    "Open deals — of the series' sales team when the series has one, else of the whole company — "
    "when the agenda was generated."
)

_agenda = section_terms("agenda", counts=_SINCE, filters=("team",))


_together = section_terms("together")


TERMS = (
    _agenda(
        "big_deals",
        name=_("Big opportunities"),
        definition=_(
            "Open deals worth at least the company's big-deal threshold (in the company "
            "currency): how many, and their total value. The list shows the largest."
        ),
        formula=_("count and sum of amount in company currency of open deals with amount ≥ threshold"),
        counts=_OPEN_DEALS,
        order=10,
    ),
    _agenda(
        "at_risk",
        name=_("Deals at risk"),
        definition=_(
            "Open deals that have sat in their stage more than 1.5 times the usual time. The "
            "usual time of a stage is the median time deals spent in it, over the latest 500 "
            "deals that left it (time from the event that entered the stage to the one that "
            "left it), and at least one day."
        ),
        formula=_("open deals with now − stage changed > 1.5 × max(median days in stage, 1)"),
        counts=_OPEN_DEALS,
        order=20,
    ),
    _agenda(
        "sla",
        name=_("SLA breaches"),
        definition=_(
            "Where either side broke the handoff agreement, per sales team: sales answered "
            "handoffs late or left them waiting past due; marketing delivered fewer MQLs, or a "
            "lower share of accepted leads, than it committed to. The figures are the handoff "
            "SLA's (see the SLA section)."
        ),
        formula=_(
            "per team: handoffs closed − closed on time, open past due; MQLs < committed; "
            "acceptance rate < committed"
        ),
        order=30,
    ),
    _agenda(
        "lead_quality",
        name=_("Lead-quality complaints"),
        definition=_(
            "Feedback notes in which a seller flagged that the lead marketing sent was not ready for sales."
        ),
        formula=_("count of feedback notes marked as a lead-quality complaint"),
        order=40,
    ),
    _agenda(
        "themes",
        name=_("New feedback themes"),
        definition=_(
            "Themes of the feedback digests built since the previous meeting that marketing has "
            "not yet acted on or declined; the number beside each is how many notes it groups."
        ),
        formula=_("themes of digests created in the period whose status is new"),
        order=50,
        filters=(),
    ),
    _agenda(
        "open_actions",
        name=_("Open action items"),
        definition=_(
            "Action items of earlier meetings still open or in progress: of the earlier meetings "
            "of the series, or for a one-off meeting of earlier meetings any of its attendees "
            "attended. Overdue when their due day has passed."
        ),
        formula=_("action items with status open or in progress, raised in an earlier meeting"),
        counts=_("Action items of the earlier meetings of the series (or of the attendees)."),
        order=60,
        filters=(),
    ),
    _together(
        "collateral_uses",
        name=_("Deals using it"),
        definition=_("How many deals a seller attached this piece of collateral to."),
        formula=_("count of deals with the piece attached"),
        counts=_("Attachments of the piece to deals, whatever their stage."),
        order=10,
    ),
    _together(
        "collateral_rating",
        name=_("Rating"),
        definition=_("The mean of the stars (1 to 5) people gave the piece, and how many rated it."),
        formula=_("mean of stars over the piece's ratings; count of ratings"),
        counts=_("Ratings of the piece, one per person."),
        order=20,
    ),
    _together(
        "collateral_win_rate",
        name=_("Collateral win rate"),
        definition=_(
            "Of the closed deals the piece was attached to, the share that were won. Open deals "
            "do not count; with no closed deal there is no win rate."
        ),
        formula=_("won deals with the piece / (won + lost deals with the piece)"),
        counts=_("Deals the piece is attached to that are won or lost."),
        bounded=True,
        order=30,
    ),
    _together(
        "digest_notes",
        name=_("Notes and themes of a digest"),
        definition=_(
            "How many feedback notes of the digest's period the digest grouped, and into how "
            "many themes; on the digest page also the lead-quality complaints of its period."
        ),
        formula=_("notes counted when the digest was built; count of its themes"),
        counts=_("Feedback notes written in the digest's period."),
        filters=("period",),
        order=40,
    ),
    _together(
        "theme_size",
        name=_("Notes in a theme"),
        definition=_("How many feedback notes were grouped into one theme of a digest."),
        formula=_("count of the notes assigned to the theme"),
        counts=_("The digest's feedback notes."),
        order=46,
    ),
    _together(
        "plans_with_marketing",
        name=_("Plans marketing took part in"),
        definition=_(
            "Of all joint account plans, how many have at least one recorded marketing "
            "participation (planning, a sales call, pricing advice, a proposal, a briefing)."
        ),
        formula=_("plans with a marketing participation / plans"),
        counts=_("Joint account plans and their marketing participations."),
        order=50,
    ),
    _together(
        "participations",
        name=_("Marketing participations"),
        definition=_(
            "How many times marketing took part in a joint account plan (planning, a sales call, "
            "pricing advice, a proposal, a briefing), in all and per kind, since the date asked for."
        ),
        formula=_("count of the recorded marketing participations; per kind, count of that kind"),
        counts=_("Marketing participations in joint account plans."),
        filters=("period",),
        order=51,
    ),
    _together(
        "account_revenue",
        name=_("Revenue (won) and potential (open)"),
        definition=_(
            "Per account of a segment: the value of its won deals and of its open deals, in the "
            "company currency; the top ten accounts by won revenue, then potential."
        ),
        formula=_("sum of amount in company currency of the account's won deals; of its open deals"),
        counts=_("Deals of the segment's accounts that you can see."),
        filters=("segment",),
        order=60,
    ),
    _together(
        "event_mix",
        name=_("Sales and marketing at an event"),
        definition=_("How many of the event's participants are sellers, and how many are marketers."),
        formula=_("count of participants of the sales function; of a marketing function"),
        counts=_("The event's participants."),
        order=70,
    ),
    _together(
        "deal_feedback",
        name=_("Feedback given on a deal"),
        definition=_(
            "On a deal's page, how many feedback notes were written about the deal that you may "
            "read (a seller reads their own and, under team visibility, their team's)."
        ),
        formula=_("count of feedback notes about the deal visible to you"),
        counts=_("Feedback notes linked to the deal."),
        order=80,
    ),
    _together(
        "unread",
        name=_("Unread notifications"),
        definition=_(
            'How many of the notifications sent to you you have not read yet; "Mark all as read" '
            "sets it to zero. The bell in the menu shows the same count."
        ),
        formula=_("count of your notifications with no read time"),
        counts=_("Notifications addressed to you."),
        order=90,
    ),
)
