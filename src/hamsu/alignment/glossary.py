"""Glossary entries for the alignment diagnostic's figures (registered from
AlignmentConfig.ready()).

Each entry is the contract its reconciliation test (``tests/reconcile/test_alignment_*.py``)
recomputes from the raw responses and records.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hamsu.core.glossary import Section, section_terms

SECTIONS = (
    Section("alignment", _("Alignment diagnostic"), order=60),
    Section("evidence", _("Diagnostic evidence"), order=61),
)

_RESPONSES = _(
    "The round's complete responses (every one of the 20 statements rated 1 to 5), after small "
    "groups are protected: a function with fewer respondents than the round's minimum group "
    "size is shown with the others as “Other”, and when even that pool is too small its "
    "answers are left out of every figure."
)
_NOTHING_BEFORE = _(
    "Nothing is shown while the round has fewer responses than its minimum group size, nor "
    "while an anonymous round answered through links is still open."
)

_alignment = section_terms("alignment", counts=_RESPONSES, filters=("round",))


TERMS = (
    _alignment(
        "invited",
        name=_("Invited"),
        definition=_("How many people were invited to answer the round, in all and per function."),
        formula=_("count of the round's invitations; per function, those of the function"),
        counts=_("Invitations of the round (one per person invited)."),
        filters=("round", "function"),
        order=5,
    ),
    _alignment(
        "responses",
        name=_("Responses"),
        definition=_("How many people answered the round, in all and per function."),
        formula=_("count of the round's responses; per function, count of the responses of that function"),
        filters=("round", "function"),
        order=10,
    ),
    _alignment(
        "invitations",
        name=_("Invited / answered"),
        definition=_(
            "How many people were sent a personal link to the round, and how many of those links "
            "have been used to answer."
        ),
        formula=_("count of the round's invitations; count of those marked used"),
        counts=_("The round's invitations."),
        order=11,
    ),
    _alignment(
        "left_out",
        name=_("Answers left out"),
        definition=_(
            "Answers of a group smaller than the round's minimum group size, left out of every "
            "figure so that no one's answers can be singled out."
        ),
        formula=_("count of the responses of the groups with fewer answers than the minimum group size"),
        order=12,
    ),
    _alignment(
        "total",
        name=_("Company score"),
        definition=format_lazy(
            "{} {}",
            _(
                "How aligned sales and marketing are, as the people who work there see it: each "
                "respondent's total is the sum of their 20 ratings (20 to 100), and the company "
                "score is the mean of those totals."
            ),
            _NOTHING_BEFORE,
        ),
        formula=_("mean over responses of (sum of the 20 ratings); always between 20 and 100"),
        order=20,
    ),
    _alignment(
        "relationship",
        name=_("Relationship type"),
        definition=_(
            "The stage of the relationship the company score falls in: Undefined from 20, "
            "Defined from 40, Aligned from 60, Integrated from 80. A score belongs to the band "
            "whose lower bound it has reached (59.5 is Defined, 60 is Aligned)."
        ),
        formula=_("Integrated if score ≥ 80, else Aligned if ≥ 60, else Defined if ≥ 40, else Undefined"),
        order=30,
    ),
    _alignment(
        "confidence_interval",
        name=_("95% confidence interval"),
        definition=_(
            "Where the company score would likely fall if everyone had answered: the mean total "
            "± the t-distribution's 97.5th percentile × the standard error of the totals. Not "
            "shown for a single response."
        ),
        formula=_("mean ± t(0.975, n − 1) × standard deviation of totals / √n"),
        order=40,
    ),
    _alignment(
        "by_function",
        name=_("Score by function"),
        definition=_(
            "The company score computed over one function's respondents only (sales, marketing, "
            "service, leadership, other). Weighted by each function's number of respondents, "
            "the functions' scores average to the company score."
        ),
        formula=_("mean over the function's responses of (sum of the 20 ratings)"),
        filters=("round", "function"),
        order=50,
    ),
    _alignment(
        "statement_mean",
        name=_("Statement average"),
        definition=_(
            "How much respondents agree with one statement, from 1 (strongly disagree) to 5 "
            "(strongly agree): in all (column All) and per function. The 20 statement averages "
            "add up to the company score."
        ),
        formula=_("mean of the statement's ratings over the responses (of the function)"),
        filters=("round", "function"),
        order=60,
    ),
    _alignment(
        "gap",
        name=_("Gap (sales − marketing)"),
        definition=_(
            "How differently the two teams see one statement: the sales average minus the "
            "marketing average (positive: sales agrees more). Flagged as large and meaningful "
            "when it is at least one point and Welch's t-test gives p < 0.05. Not shown unless "
            "both sales and marketing are shown."
        ),
        formula=_("mean(sales ratings) − mean(marketing ratings); flagged when |gap| ≥ 1 and p < 0.05"),
        order=70,
    ),
)

_KEY_ACCOUNTS = _(
    "The key accounts are the ten accounts with the most revenue won in the last 365 days (if "
    "none was won then, at any time)."
)

_evidence = section_terms("evidence", bounded=True)


EVIDENCE = (
    _evidence(
        "s1",
        name=_("Forecast accuracy of the whole period (statement 1)"),
        definition=_(
            "How close the snapshotted forecasts of the learned-weighted method came to the "
            "revenue actually won, over every period that has ended: one minus the weighted "
            "absolute percentage error. High from 85%, low under 70%. Not measured until that "
            "method has a snapshot of an ended period: no other method stands in for it."
        ),
        formula=_("1 − Σ|forecast − won| / Σ won over the snapshots of ended periods (at least 0)"),
        counts=_(
            "Weekly forecast snapshots of the company's periods that have ended, and the revenue won in each."
        ),
        order=1,
    ),
    _evidence(
        "s3",
        name=_("Marketers in key-account activities (statement 3)"),
        definition=format_lazy(
            "{} {} {}",
            _(
                "The share of activities on the key accounts in the last 365 days that a marketer "
                "(upstream or downstream) took part in."
            ),
            _KEY_ACCOUNTS,
            _("High from 25%, low under 10%."),
        ),
        formula=_("activities with a marketing participant / activities, on key accounts or their deals"),
        counts=_("Activities on the key accounts or on their deals, in the last 365 days."),
        order=3,
    ),
    _evidence(
        "s5",
        name=_("Collateral used in won deals (statement 5)"),
        definition=_(
            "The share of deals won in the last 365 days with at least one piece of marketing "
            "collateral attached, and the mean rating sellers gave the collateral. High from 50% "
            "(and a rating of 3.5 or more), low under 20% or under a rating of 2.5."
        ),
        formula=_("won deals with a collateral use / won deals; mean of sellers' stars"),
        counts=_("Deals won in the last 365 days; every rating given by a seller."),
        order=5,
    ),
    _evidence(
        "s6",
        name=_("Feedback from sales (statement 6)"),
        definition=_(
            "The share of active sellers who wrote marketing at least one feedback note in the "
            "last 90 days. High from 50%, low under 20%."
        ),
        formula=_("active sellers with a note in 90 days / active sellers"),
        counts=_("Active people of the sales function and their feedback notes of the last 90 days."),
        order=6,
    ),
    _evidence(
        "s12",
        name=_("Shared metrics (statement 12)"),
        definition=_(
            "How many metrics of the scorecard's catalogue are shared by both teams, and how many "
            "company-wide revenue targets (the number) are set for periods that ended in the last "
            "365 days or have not ended. Sellers' quotas and team, segment or product splits are "
            "not shared targets."
        ),
        formula=_(
            "count of shared metrics; count of company-scope targets whose period ends after a year ago"
        ),
        counts=_("The metric catalogue and the targets of scope “company”."),
        order=12,
        bounded=False,
    ),
    _evidence(
        "s13",
        name=_("Marketing on key accounts (statement 13)"),
        definition=format_lazy(
            "{} {} {}",
            _(
                "Of the key accounts, how many marketing helps on: a marketing owner on a joint "
                "plan that is not closed, a marketer's recorded participation in the last 365 "
                "days, or a marketer in a role on one of the account's deals."
            ),
            _KEY_ACCOUNTS,
            _("High from 50%, low under 20%."),
        ),
        formula=_("key accounts with any of the three / key accounts"),
        counts=_("Key accounts, their joint plans, marketing participations and deal roles."),
        order=13,
    ),
    _evidence(
        "s14",
        name=_("One funnel used by both teams (statement 14)"),
        definition=_(
            "Which funnel is in force (the latest published version, else the built-in default) "
            "and whether both teams work in it: leads that reached MQL (marketing delivering) and "
            "handoffs sales accepted or returned, in the last 180 days. High when both happened "
            "and both teams own stages of the funnel; low when neither did."
        ),
        formula=_("count of lead stage events to MQL; count of handoffs closed as accepted or returned"),
        counts=_("Lead stage events and handoffs of the last 180 days."),
        order=14,
        bounded=False,
    ),
    _evidence(
        "s15",
        name=_("Funnel work by marketing (statement 15)"),
        definition=_(
            "Of the changes that make the funnel more predictable in the last 180 days — funnel "
            "versions published, lead definitions proposed, scoring points written — the share "
            "made by marketers. High from 50%, low when marketers made none."
        ),
        formula=_("changes by a person of a marketing function / changes by anyone with a login"),
        counts=_("Funnel versions, lead definitions and scoring specs created in the last 180 days."),
        order=15,
    ),
    _evidence(
        "s17",
        name=_("One revenue leader (statement 17)"),
        definition=_(
            "Whether the active heads of sales and marketing in the directory report to the same "
            "person, of the revenue leadership function."
        ),
        formula=_("manager(head of sales) = manager(head of marketing), in revenue leadership"),
        counts=_("The directory's heads of sales and marketing and their managers."),
        order=17,
        bounded=False,
    ),
    _evidence(
        "s18",
        name=_("People moved between the teams (statement 18)"),
        definition=_(
            "Job rotations started in the last 365 days plus recorded changes of a person's "
            "function between sales and marketing in that time. High from 2."
        ),
        formula=_("count of rotations + count of audited function changes sales ↔ marketing"),
        counts=_("Job rotations and the directory's audit log of the last 365 days."),
        order=18,
        bounded=False,
    ),
    _evidence(
        "s19",
        name=_("Joint trainings and events (statement 19)"),
        definition=_(
            "Joint trainings, conferences, trade shows and workshops that started in the last 365 days."
        ),
        formula=_("count of joint events starting in the period"),
        counts=_("Joint events starting in the last 365 days."),
        order=19,
        bounded=False,
    ),
)
