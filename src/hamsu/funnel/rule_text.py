"""Rules in the reader's language: conditions, actions, routing targets, calendars and
rule-language errors, for the rule pages.

``rule_language.describe`` and its error messages are plain English because that module
stays free of Django; these functions say the same things through gettext, so a Persian
reader sees "کشور یکی از IR, AE است" rather than "country in IR, AE".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hamsu.core import dates
from hamsu.core.templatetags.hamsu import num
from hamsu.crm.models import SizeBand
from hamsu.crm.stages import Stage
from hamsu.directory.models import RoleTitle
from hamsu.funnel.models import LeadState, RoutingRuleKind
from hamsu.funnel.rule_language import MAX_DEPTH, MAX_NODES

FIELD_LABELS = {
    "segment": gettext_lazy("segment"),
    "country": gettext_lazy("country"),
    "title": gettext_lazy("job title"),
    "company": gettext_lazy("company"),
    "email_domain": gettext_lazy("e-mail domain"),
    "origin": gettext_lazy("origin"),
    "size_band": gettext_lazy("company size band"),
    "employees": gettext_lazy("employees"),
    "score": gettext_lazy("score"),
    "win_probability": gettext_lazy("win probability"),
    "state": gettext_lazy("lead state"),
    "amount": gettext_lazy("amount"),
    "stage": gettext_lazy("stage"),
    "source": gettext_lazy("source"),
}

OPERATOR_LABELS = {
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "in": gettext_lazy("is one of"),
    "not_in": gettext_lazy("is none of"),
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "contains": gettext_lazy("contains"),
}

WEEKDAY_LABELS = [
    gettext_lazy("Mon"),
    gettext_lazy("Tue"),
    gettext_lazy("Wed"),
    gettext_lazy("Thu"),
    gettext_lazy("Fri"),
    gettext_lazy("Sat"),
    gettext_lazy("Sun"),
]


def _value_labels(field: str) -> Mapping[str, Any]:
    """Choice labels for fields that hold codes (a lead's state, a deal's stage)."""
    if field == "state":
        return dict(LeadState.choices)
    if field == "stage":
        return dict(Stage.choices)
    if field == "size_band":
        return dict(SizeBand.choices)
    return {}


def number(value: Any) -> str:
    """A number grouped and in the page's digits (Persian digits on a Persian page)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return num(value)
    text = f"{value:g}"
    return dates.to_persian_digits(text) if dates.uses_jalali() else text


def _show(field: str, value: Any) -> str:
    labels = _value_labels(field)
    values = value if isinstance(value, list) else [value]
    return ", ".join(str(labels.get(v, v)) if isinstance(v, str) else number(v) for v in values)


def describe(rule: Any) -> str:
    """A valid rule as one sentence in the reader's language: "score ≥ 45 and country is
    one of IR"; ``{}`` (no conditions) reads "always". Validate the rule first
    (``rule_language.validate``): an unknown field or operator is shown as written."""
    return describe_condition(rule)


def describe_condition(node: Any, *, top: bool = True) -> str:
    """A valid rule as a sentence; ``{}`` (no conditions) reads "always"."""
    if not node:
        return _("always")
    if "all" in node or "any" in node:
        joiner = _(" and ") if "all" in node else _(" or ")
        text = joiner.join(describe_condition(child, top=False) for child in node.get("all") or node["any"])
        return text if top else f"({text})"
    if "not" in node:
        return _("not %(rule)s") % {"rule": describe_condition(node["not"], top=False)}
    op = node["op"]
    if "touches" in node:
        spec = node["touches"]
        kind = spec.get("kind") or _("any kind of")
        if spec.get("within_days"):
            text = _("number of %(kind)s touches in the last %(days)s days") % {
                "kind": kind,
                "days": number(spec["within_days"]),
            }
        else:
            text = _("number of %(kind)s touches") % {"kind": kind}
        return f"{text} {OPERATOR_LABELS.get(op, op)} {number(node['value'])}"
    field = str(FIELD_LABELS.get(node["field"], node["field"]))
    if op == "present":
        return _("%(field)s is set") % {"field": field}
    if op == "missing":
        return _("%(field)s is not set") % {"field": field}
    return f"{field} {OPERATOR_LABELS[op]} {_show(node['field'], node.get('value'))}"


def describe_actions(actions: list[dict]) -> list[str]:
    lines = []
    for action in actions or []:
        kind = action.get("type")
        if kind == "add_participant":
            role = action.get("role", "")
            lines.append(
                _("add a %(role)s to the deal")
                % {"role": str(dict(RoleTitle.choices).get(role, role)).lower()}
            )
        elif kind == "create_task":
            lines.append(
                _("create the task “%(subject)s” for the owner, due in %(days)s days")
                % {"subject": action.get("subject", ""), "days": number(action.get("due_in_days", 3))}
            )
        elif kind == "notify_owner":
            message = action.get("message")
            lines.append(
                _("tell the owner: “%(message)s”") % {"message": message} if message else _("tell the owner")
            )
        elif kind == "suggest_collateral":
            lines.append(_("suggest the stage's solution collateral to the owner"))
        elif kind == "recycle_to_nurture":
            lines.append(_("recycle the lead into nurture"))
        else:
            lines.append(str(kind))
    return lines


def describe_routing_criteria(rule) -> str:
    text = _describe_routing_kind(rule)
    if rule.conditions:
        text += ", " + _("and %(conditions)s") % {"conditions": describe_condition(rule.conditions)}
    return text


def _describe_routing_kind(rule) -> str:
    if rule.kind == RoutingRuleKind.ACCOUNT_OWNER:
        return _("the lead's account has an owner")
    if rule.kind == RoutingRuleKind.SEGMENT:
        return _("segment is %(segment)s") % {"segment": rule.segment.name if rule.segment_id else "—"}
    if rule.kind == RoutingRuleKind.TERRITORY:
        return _("country is one of %(list)s") % {"list": ", ".join(rule.countries) or "—"}
    return _("every lead")


def describe_routing_target(rule) -> str:
    if rule.kind == RoutingRuleKind.ACCOUNT_OWNER:
        text = _("the account's owner")
    elif rule.team_id:
        text = _("round robin in %(team)s") % {"team": rule.team.name}
    else:
        text = _("nobody (no team chosen)")
    if rule.capacity:
        text += " · " + _("at most %(n)s open leads each") % {"n": number(rule.capacity)}
    return text


def describe_workdays(workdays: list[int]) -> str:
    """Runs of days read as ranges, in the calendar's own week order (Sat–Wed stays Sat–Wed)."""
    days = [d for d in workdays if isinstance(d, int) and 0 <= d <= 6]
    if not days:
        return "—"
    # Start the week after the first day off, so a Saturday–Wednesday week is one run.
    off = [d for d in range(7) if d not in days]
    start = (off[-1] + 1) % 7 if off else 0
    ordered = [(start + i) % 7 for i in range(7) if (start + i) % 7 in days]
    runs: list[list[int]] = []
    for day in ordered:
        if runs and (runs[-1][-1] + 1) % 7 == day:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        first, last = str(WEEKDAY_LABELS[run[0]]), str(WEEKDAY_LABELS[run[-1]])
        parts.append(first if len(run) == 1 else f"{first}–{last}")
    return ", ".join(parts)


def describe_calendar(calendar) -> str:
    holidays = (
        len(calendar.holidays or [])
        + len(calendar.jalali_holidays or [])
        + len(calendar.gregorian_holidays or [])
    )
    text = _("%(days)s, %(start)s–%(end)s (%(tz)s)") % {
        "days": describe_workdays(calendar.workdays),
        "start": calendar.day_start.strftime("%H:%M"),
        "end": calendar.day_end.strftime("%H:%M"),
        "tz": calendar.timezone,
    }
    if holidays:
        text += " · " + _("%(n)s holidays") % {"n": number(holidays)}
    return text


# ---------------------------------------------------------------- errors

_PROBLEMS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"unknown field (?P<field>.+?); use one of (?P<list>.+)"),
        gettext_lazy("unknown field %(field)s; use one of %(list)s"),
    ),
    (
        re.compile(r"unknown operator (?P<op>.+?); use one of (?P<list>.+)"),
        gettext_lazy("unknown operator %(op)s; use one of %(list)s"),
    ),
    (re.compile(r"unexpected keys (?P<keys>.+)"), gettext_lazy("unexpected keys %(keys)s")),
    (
        re.compile(r"'(?P<key>\w+)' cannot be combined with other keys"),
        gettext_lazy("“%(key)s” cannot be combined with other keys"),
    ),
    (re.compile(r"a rule may have at most \d+ parts"), gettext_lazy("a rule may have at most %(n)s parts")),
    (
        re.compile(r"rules may nest at most \d+ levels"),
        gettext_lazy("rules may nest at most %(depth)s levels"),
    ),
    (re.compile(r"each rule must be an object"), gettext_lazy("each rule must be a JSON object {…}")),
    (re.compile(r"give a non-empty list of rules"), gettext_lazy("give a non-empty list of rules")),
    (re.compile(r"give \{\"kind\""), gettext_lazy('give {"kind": …, "within_days": …}')),
    (re.compile(r"a number of days between 1 and 3650"), gettext_lazy("a number of days between 1 and 3650")),
    (re.compile(r"the kind is text"), gettext_lazy("the kind is text")),
    (
        re.compile(r"compare the number of touches with a number"),
        gettext_lazy("compare the number of touches with a number"),
    ),
    (re.compile(r"this operator needs a value"), gettext_lazy("this operator needs a value")),
    (
        re.compile(
            r"(?P<op>\w+) does not apply to the (?P<kind>number|text) field (?P<field>\w+); use one of (?P<ops>.+)"
        ),
        gettext_lazy("“%(op)s” does not apply to %(field)s; use one of: %(ops)s"),
    ),
    (
        re.compile(r"a count of touches takes one of (?P<ops>.+)"),
        gettext_lazy("compare a count of touches with one of: %(ops)s"),
    ),
    (re.compile(r"give a list of numbers"), gettext_lazy("give a list of numbers")),
    (re.compile(r"give a list of texts"), gettext_lazy("give a list of texts")),
    (
        re.compile(r"unknown value (?P<value>.+) for (?P<field>\w+)"),
        gettext_lazy("%(value)s is not one of the values of %(field)s"),
    ),
    (re.compile(r"give a non-empty list$"), gettext_lazy("give a non-empty list of values")),
    (re.compile(r"give a number"), gettext_lazy("give a number")),
    (re.compile(r"give some text"), gettext_lazy("give some text")),
    (re.compile(r"give a single text or number value"), gettext_lazy("give a single text or number value")),
]


def _in_words(parts: dict[str, str]) -> dict[str, str]:
    """The codes a message names (a field, an operator, a list of operators) by their
    labels, so a Persian reader meets no raw code."""
    shown = dict(parts)
    if "field" in parts and parts["field"] in FIELD_LABELS:
        shown["field"] = str(FIELD_LABELS[parts["field"]])
    if "op" in parts and parts["op"] in OPERATOR_LABELS:
        shown["op"] = str(OPERATOR_LABELS[parts["op"]])
    if "ops" in parts:
        shown["ops"] = ", ".join(operator_label(op) for op in parts["ops"].split(", "))
    return shown


def operator_label(op: str) -> str:
    """An operator as a reader says it ("is one of"); "is set"/"is not set" for the two
    that take no value."""
    if op == "present":
        return _("is set")
    if op == "missing":
        return _("is not set")
    return str(OPERATOR_LABELS.get(op, op))


def problem_text(path: str, message: str) -> str:
    """One problem from ``rule_language.validate`` in the reader's language, with its
    JSON path (``$.all[1].field``) so the writer can find the part that is wrong."""
    for pattern, template in _PROBLEMS:
        match = pattern.fullmatch(message)
        if match:
            text = str(template) % {**_in_words(match.groupdict()), "n": MAX_NODES, "depth": MAX_DEPTH}
            break
    else:
        text = message  # a message this table does not know yet: English beats nothing
    # The path is left-to-right code inside what may be a right-to-left sentence: isolate it.
    return f"\u2066{path}\u2069: {text}"
