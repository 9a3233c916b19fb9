"""The default funnel from PRODUCT.md: the buying funnel, the lead lifecycle and the sales
funnel, with who owns each stage and what marketing contributes there.

Strings are marked for translation but stored as written when a version is published
(a published version is a record of what the company agreed, in its words).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

M, S, SH = "marketing", "sales", "shared"


def _stage(funnel, code, name, owner, entry="", exit_="", contribution="", tracks=(), materials=()):
    return {
        "funnel": funnel,
        "code": code,
        "name": name,
        "owner_function": owner,
        "entry_criteria": entry,
        "exit_criteria": exit_,
        "marketing_contribution": contribution,
        "tracks": list(tracks),
        "materials": [dict(m) for m in materials],
    }


DEFAULT_FUNNEL: list[dict] = [
    # The customer's buying funnel; marketing owns the first four steps and hands off.
    _stage(
        "buying",
        "customer_awareness",
        gettext_noop("Customer awareness"),
        M,
        gettext_noop("The customer recognises a need."),
        gettext_noop("The customer looks for solutions."),
    ),
    _stage(
        "buying",
        "brand_awareness",
        gettext_noop("Brand awareness"),
        M,
        gettext_noop("The customer knows our brand."),
        gettext_noop("The customer engages with our content."),
        # Not measured: people who know the brand are not leads until they raise a hand.
    ),
    _stage(
        "buying",
        "consideration",
        gettext_noop("Brand consideration"),
        M,
        gettext_noop("The customer shows interest."),
        gettext_noop("The lead meets the MQL definition."),
        # Showing interest is raising a hand: an inquiry. (Nurture is where recycled
        # leads wait, off the path; it is no step of the buying funnel.)
        tracks=["lead:inquiry"],
    ),
    _stage(
        "buying",
        "preference",
        gettext_noop("Brand preference"),
        M,
        gettext_noop("The lead meets the MQL definition."),
        gettext_noop("Sales accepts the lead."),
        tracks=["lead:mql"],
    ),
    _stage(
        "buying",
        "handoff",
        gettext_noop("Handoff"),
        SH,
        gettext_noop("Sales accepted the lead."),
        gettext_noop("Sales qualifies the lead."),
        gettext_noop("Common standards for leads"),
        tracks=["lead:sal"],
    ),
    _stage(
        "buying",
        "purchase_intention",
        gettext_noop("Purchase intention"),
        S,
        gettext_noop("Sales-qualified."),
        gettext_noop("Decision made."),
        tracks=["lead:sql", "lead:opportunity"],
    ),
    _stage(
        "buying",
        "purchase",
        gettext_noop("Purchase"),
        S,
        gettext_noop("Contract signed."),
        gettext_noop("Implemented."),
        tracks=["lead:won"],
    ),
    _stage(
        "buying",
        "loyalty",
        gettext_noop("Customer loyalty"),
        SH,
        gettext_noop("The customer buys again."),
        "",
    ),
    _stage(
        "buying",
        "advocacy",
        gettext_noop("Customer advocacy"),
        SH,
        gettext_noop("The customer recommends us."),
        "",
    ),
    # The lead lifecycle (the "demand waterfall").
    _stage(
        "lifecycle",
        "inquiry",
        gettext_noop("Inquiry"),
        M,
        gettext_noop("A person raised a hand: form, event, call."),
        gettext_noop("Meets the MQL definition."),
        tracks=["lead:inquiry"],
    ),
    _stage(
        "lifecycle",
        "mql",
        gettext_noop("Marketing-qualified lead"),
        M,
        gettext_noop("Meets the MQL definition both heads signed."),
        gettext_noop("Sales accepts or returns it within the SLA."),
        gettext_noop("Lead standards"),
        tracks=["lead:mql"],
    ),
    _stage(
        "lifecycle",
        "sal",
        gettext_noop("Sales-accepted lead"),
        S,
        gettext_noop("A seller accepted it."),
        gettext_noop("Qualified or returned with a reason."),
        tracks=["lead:sal"],
    ),
    _stage(
        "lifecycle",
        "sql",
        gettext_noop("Sales-qualified lead"),
        S,
        gettext_noop("Meets the SQL definition."),
        gettext_noop("An opportunity is opened."),
        tracks=["lead:sql"],
    ),
    _stage(
        "lifecycle",
        "opportunity",
        gettext_noop("Opportunity"),
        S,
        gettext_noop("A deal is open in the pipeline."),
        gettext_noop("Won or lost."),
        tracks=["lead:opportunity"],
    ),
    _stage(
        "lifecycle", "won", gettext_noop("Won"), S, gettext_noop("The deal was won."), "", tracks=["lead:won"]
    ),
    _stage(
        "lifecycle",
        "nurture",
        gettext_noop("Nurture (recycled)"),
        M,
        gettext_noop("Returned as not now, or a lost deal."),
        gettext_noop("Meets the MQL definition again."),
        tracks=["lead:nurture"],
    ),
    # The sales funnel, with marketing's contribution at each step (from the study).
    _stage(
        "sales",
        "prospecting",
        gettext_noop("Prospecting"),
        S,
        "",
        "",
        gettext_noop("Common standards for leads and opportunities"),
        ["opportunity:prospecting"],
    ),
    _stage(
        "sales",
        "qualifying",
        gettext_noop("Qualifying"),
        S,
        "",
        "",
        gettext_noop("Common standards for leads and opportunities"),
        ["opportunity:qualifying"],
    ),
    _stage(
        "sales",
        "needs_definition",
        gettext_noop("Needs definition"),
        S,
        "",
        "",
        gettext_noop("The value proposition"),
        ["opportunity:needs_definition"],
    ),
    _stage(
        "sales",
        "solution_development",
        gettext_noop("Solution development"),
        SH,
        "",
        "",
        gettext_noop("Solution collateral: templates and customisation guides"),
        ["opportunity:solution_development"],
        [{"title": gettext_noop("Solution collateral library"), "url": "/together/collateral/"}],
    ),
    _stage(
        "sales",
        "decision",
        gettext_noop("Decision"),
        S,
        "",
        "",
        gettext_noop("Case studies, success stories, site visits"),
        ["opportunity:decision"],
    ),
    _stage(
        "sales",
        "negotiation",
        gettext_noop("Contract negotiation"),
        S,
        "",
        "",
        gettext_noop("Advice on planning and pricing"),
        ["opportunity:negotiation"],
    ),
    _stage("sales", "implementation", gettext_noop("Implementation"), SH, "", "", "", ["opportunity:won"]),
]
