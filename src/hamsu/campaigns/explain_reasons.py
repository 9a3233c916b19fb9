"""A touch's attribution reason in the reader's language.

``hamsu.analytics.attribution.explain`` is pure Python and returns each reason as a code
with its figures (``Reason``); the deal explanation page and API say it here, with the
reader's digits and the channel's or campaign's shown name.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamsu.analytics.attribution import Reason
from hamsu.campaigns.journeys import key_label
from hamsu.core.templatetags.hamsu import num, pct


def _where(params) -> str:
    where = params["where"]
    if where == "only":
        return _("Only touch")
    if where == "first":
        return _("First touch")
    if where == "last":
        return _("Last touch")
    return _("Touch %(index)s of %(touches)s") % {
        "index": num(params["index"]),
        "touches": num(params["touches"]),
    }


def _roles(roles) -> str:
    names = {
        "first_touch": _("first touch"),
        "lead_creation": _("lead creation"),
        "opportunity_creation": _("opportunity creation"),
    }
    return " + ".join(names[role] for role in roles) if roles else _("other touch (shares the remainder)")


def _days(days: float) -> str:
    return num(days, 0 if float(days).is_integer() else 1)


def reason_text(reason: Reason, *, level: str) -> str:
    """The reason as a sentence in the active language; ``level`` names the keys
    (channel or campaign) the way the page's table does."""
    p = reason.params
    if reason.code == "after_conversion":
        return _("Not counted: after the conversion.")
    if reason.code == "outside_lookback":
        return _("Not counted: outside the lookback window.")
    share = pct(p["share"], 1)
    if reason.code == "shapley":
        return ngettext(
            "Shapley: each of the journey's %(channels)s channels gets an equal part; "
            "%(channel)s has %(count)s touch here: %(share)s",
            "Shapley: each of the journey's %(channels)s channels gets an equal part; "
            "%(channel)s has %(count)s touches here: %(share)s",
            p["channel_touches"],
        ) % {
            "channels": num(p["channels"]),
            "channel": key_label(level, p["channel"]),
            "count": num(p["channel_touches"]),
            "share": share,
        }
    if reason.code == "markov":
        return ngettext(
            "Markov (order %(order)s): without %(channel)s the chance of converting falls by %(effect)s "
            "(its removal effect); the effects of this journey's channels are scaled to add up to the "
            "whole and split over its %(count)s touch: %(share)s",
            "Markov (order %(order)s): without %(channel)s the chance of converting falls by %(effect)s "
            "(its removal effect); the effects of this journey's channels are scaled to add up to the "
            "whole and split over its %(count)s touches: %(share)s",
            p["channel_touches"],
        ) % {
            "order": num(p["order"]),
            "channel": key_label(level, p["channel"]),
            "effect": pct(p["removal_effect"], 1),
            "count": num(p["channel_touches"]),
            "share": share,
        }
    values = {"where": _where(p), "share": share}
    if reason.code == "first_touch":
        return _("%(where)s; first-touch gives everything to the first touch: %(share)s") % values
    if reason.code == "last_touch":
        return _("%(where)s; last-touch gives everything to the last touch: %(share)s") % values
    if reason.code == "linear":
        return ngettext(
            "%(where)s; linear splits evenly over %(touches)s touch: %(share)s",
            "%(where)s; linear splits evenly over %(touches)s touches: %(share)s",
            p["touches"],
        ) % {**values, "touches": num(p["touches"])}
    if reason.code == "position_based":
        return _(
            "%(where)s; position-based gives %(first)s to the first and %(last)s to the last touch "
            "and the rest evenly to the middle, scaled to the parts this journey has: %(share)s"
        ) % {**values, "first": pct(p["first_weight"]), "last": pct(p["last_weight"])}
    if reason.code == "time_decay":
        return _(
            "%(where)s, %(days)s days before the conversion; its weight halves every %(half_life)s days, "
            "scaled over the journey: %(share)s"
        ) % {**values, "days": num(p["days"], 1), "half_life": _days(p["half_life_days"])}
    if reason.code == "w_shaped":
        return _("%(where)s; W-shaped role: %(roles)s: %(share)s") % {**values, "roles": _roles(p["roles"])}
    raise ValueError(f"unknown attribution reason {reason.code!r}")
