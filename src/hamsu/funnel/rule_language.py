"""A small, safe rule language for lead definitions and rules of engagement.

Rules are JSON, written by people in the UI and stored in the database, so they are
interpreted by this module and never passed to ``eval``. A rule is one of:

* ``{"all": [rule, …]}``, ``{"any": [rule, …]}``, ``{"not": rule}``;
* a field test ``{"field": "country", "op": "in", "value": ["IR", "AE"]}``;
* a behaviour test ``{"touches": {"kind": "webinar", "within_days": 30}, "op": "gte", "value": 2}``
  — the number of touchpoints of a kind (any kind when omitted) within the last N days.

Operators: eq, ne, in, not_in, gt, gte, lt, lte, contains (case-insensitive text),
present, missing. Each field holds numbers or text, and takes the operators and values
that make sense for it (``FIELD_OPERATORS``): a number is never compared with text, and
text is never "greater than" anything. Pure Python: no Django, so it is easy to test
exhaustively.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

OPERATORS = {"eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "present", "missing"}
_NO_VALUE = {"present", "missing"}
_LIST_VALUE = {"in", "not_in"}
_NUMERIC = {"gt", "gte", "lt", "lte"}
MAX_DEPTH = 8
MAX_NODES = 200

# The operators each type of field takes, in the order an editor offers them. Text
# ordering (gt on a country code) and "contains" on a number compare nothing a person
# means, and the evaluator would quietly answer False, so validation refuses them.
FIELD_OPERATORS: dict[str, tuple[str, ...]] = {
    "number": ("gte", "gt", "lte", "lt", "eq", "ne", "in", "not_in", "present", "missing"),
    "text": ("eq", "ne", "in", "not_in", "contains", "present", "missing"),
}
# A count of touches is a number that is always there.
TOUCH_OPERATORS: tuple[str, ...] = ("gte", "gt", "lte", "lt", "eq", "ne")

# The fields a rule may test, and the type of value each holds.
FIELDS: dict[str, str] = {
    "segment": "text",
    "country": "text",
    "title": "text",
    "company": "text",
    "email_domain": "text",
    "origin": "text",
    "size_band": "text",
    "employees": "number",
    "score": "number",
    "win_probability": "number",
    "state": "text",
    "amount": "number",
    "stage": "text",
    "source": "text",
}


class RuleError(ValueError):
    """A rule that cannot be evaluated; ``problems`` lists (path, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


@dataclass(frozen=True)
class Touch:
    kind: str
    at: datetime.datetime


def validate(
    rule: Any,
    *,
    fields: Mapping[str, str] = FIELDS,
    choices: Mapping[str, Collection[str]] | None = None,
) -> None:
    """Raise :class:`RuleError` listing every problem in ``rule`` (with its JSON path).

    ``choices`` names, for fields that hold one of a known set of values (a lead's state,
    a country code), the values there are: any other value could never match."""
    problems: list[tuple[str, str]] = []
    count = [0]
    known = {name: {_fold(v) for v in values} for name, values in (choices or {}).items()}
    _check(rule, "$", 0, problems, count, _Catalogue(fields, known))
    if problems:
        raise RuleError(problems)


@dataclass(frozen=True)
class _Catalogue:
    fields: Mapping[str, str]
    choices: Mapping[str, set]


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _check(node: Any, path: str, depth: int, problems: list, count: list, catalogue: _Catalogue) -> None:
    count[0] += 1
    if count[0] > MAX_NODES:
        if count[0] == MAX_NODES + 1:
            problems.append((path, f"a rule may have at most {MAX_NODES} parts"))
        return
    if depth > MAX_DEPTH:
        problems.append((path, f"rules may nest at most {MAX_DEPTH} levels"))
        return
    if not isinstance(node, dict):
        problems.append((path, "each rule must be an object"))
        return
    if set(node) & {"all", "any", "not"}:
        _check_group(node, path, depth, problems, count, catalogue)
        return
    op = node.get("op")
    if not isinstance(op, str) or op not in OPERATORS:
        problems.append((f"{path}.op", f"unknown operator {op!r}; use one of {', '.join(sorted(OPERATORS))}"))
        return
    if "touches" in node:
        _check_touches(node, op, path, problems)
    else:
        _check_field(node, op, path, problems, catalogue)


def _check_group(node: dict, path: str, depth: int, problems: list, count: list, catalogue) -> None:
    """``all`` / ``any`` of a non-empty list of rules, or ``not`` one rule."""
    keys = set(node)
    if keys & {"all", "any"}:
        key = "all" if "all" in node else "any"
        if keys != {key}:
            problems.append((path, f"'{key}' cannot be combined with other keys"))
        children = node[key]
        if not isinstance(children, list) or not children:
            problems.append((f"{path}.{key}", "give a non-empty list of rules"))
            return
        for i, child in enumerate(children):
            _check(child, f"{path}.{key}[{i}]", depth + 1, problems, count, catalogue)
        return
    if keys != {"not"}:
        problems.append((path, "'not' cannot be combined with other keys"))
    _check(node["not"], f"{path}.not", depth + 1, problems, count, catalogue)


def _check_touches(node: dict, op: str, path: str, problems: list) -> None:
    """A count of touches (of a kind, within some days) compared with a number."""
    keys = set(node)
    if keys - {"touches", "op", "value"}:
        problems.append((path, f"unexpected keys {sorted(keys - {'touches', 'op', 'value'})}"))
    spec = node["touches"]
    if not isinstance(spec, dict) or set(spec) - {"kind", "within_days"}:
        problems.append((f"{path}.touches", 'give {"kind": …, "within_days": …}'))
        return
    days = spec.get("within_days")
    if days is not None and (
        not isinstance(days, int | float) or isinstance(days, bool) or not 0 < days <= 3650
    ):
        problems.append((f"{path}.touches.within_days", "a number of days between 1 and 3650"))
    if "kind" in spec and not isinstance(spec["kind"], str):
        problems.append((f"{path}.touches.kind", "the kind is text"))
    if op not in TOUCH_OPERATORS:
        problems.append((f"{path}.op", f"a count of touches takes one of {', '.join(TOUCH_OPERATORS)}"))
    elif not _is_number(node.get("value")):
        problems.append((f"{path}.value", "compare the number of touches with a number"))


def _check_field(node: dict, op: str, path: str, problems: list, catalogue: _Catalogue) -> None:
    """A field compared with a value of the kind its operator and its type take."""
    keys = set(node)
    field = node.get("field")
    if not isinstance(field, str) or field not in catalogue.fields:
        fields = ", ".join(sorted(catalogue.fields))
        problems.append((f"{path}.field", f"unknown field {field!r}; use one of {fields}"))
        return
    if keys - {"field", "op", "value"}:
        problems.append((path, f"unexpected keys {sorted(keys - {'field', 'op', 'value'})}"))
    kind = catalogue.fields[field]
    allowed = FIELD_OPERATORS[kind]
    if op not in allowed:
        problems.append(
            (
                f"{path}.op",
                f"{op} does not apply to the {kind} field {field}; use one of {', '.join(allowed)}",
            )
        )
        return
    value = node.get("value")
    if op in _NO_VALUE:
        return
    if "value" not in node:
        problems.append((f"{path}.value", "this operator needs a value"))
        return
    if op in _LIST_VALUE:
        if not isinstance(value, list) or not value:
            problems.append((f"{path}.value", "give a non-empty list"))
            return
        if not all(_is_a(v, kind) for v in value):
            problems.append(
                (f"{path}.value", "give a list of numbers" if kind == "number" else "give a list of texts")
            )
            return
        values = value
    elif not _is_a(value, kind):
        problems.append((f"{path}.value", "give a number" if kind == "number" else "give some text"))
        return
    else:
        values = [value]
    known = catalogue.choices.get(field)
    if known and op != "contains":
        unknown = [v for v in values if _fold(v) not in known]
        if unknown:
            problems.append((f"{path}.value", f"unknown value {unknown[0]!r} for {field}"))


def _is_a(value: Any, kind: str) -> bool:
    """A value of the field's type: a number, or text that says something."""
    if kind == "number":
        return _is_number(value)
    return isinstance(value, str) and value.strip() != ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _missing(value: Any) -> bool:
    return value is None or value == ""


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "present":
        return not _missing(actual)
    if op == "missing":
        return _missing(actual)
    if _missing(actual):
        return False  # a missing value never satisfies a comparison
    if isinstance(actual, str):
        actual_cmp = actual.casefold()
        if isinstance(expected, str):
            expected = expected.casefold()
        elif isinstance(expected, list):
            expected = [e.casefold() if isinstance(e, str) else e for e in expected]
    else:
        actual_cmp = actual
    try:
        match op:
            case "eq":
                return actual_cmp == expected
            case "ne":
                return actual_cmp != expected
            case "in":
                return actual_cmp in expected
            case "not_in":
                return actual_cmp not in expected
            case "contains":
                return isinstance(actual_cmp, str) and str(expected).casefold() in actual_cmp
            case "gt":
                return actual_cmp > expected
            case "gte":
                return actual_cmp >= expected
            case "lt":
                return actual_cmp < expected
            case "lte":
                return actual_cmp <= expected
    except TypeError:
        return False
    return False


def count_touches(
    touches: Iterable[Touch], *, kind: str | None, within_days: float | None, now: datetime.datetime
) -> int:
    since = now - datetime.timedelta(days=within_days) if within_days else None
    return sum(
        1
        for touch in touches
        if (kind is None or touch.kind == kind) and touch.at <= now and (since is None or touch.at >= since)
    )


def evaluate(
    rule: Mapping[str, Any],
    facts: Mapping[str, Any],
    touches: Iterable[Touch] = (),
    *,
    now: datetime.datetime | None = None,
) -> bool:
    """Whether ``facts`` (and the lead's touches) satisfy ``rule``. Validate rules first."""
    touches = list(touches)
    return _eval(rule, facts, touches, now)


def _eval(node: Mapping[str, Any], facts: Mapping[str, Any], touches: list[Touch], now) -> bool:
    if "all" in node:
        return all(_eval(child, facts, touches, now) for child in node["all"])
    if "any" in node:
        return any(_eval(child, facts, touches, now) for child in node["any"])
    if "not" in node:
        return not _eval(node["not"], facts, touches, now)
    if "touches" in node:
        if now is None:
            raise ValueError("a rule that counts touches needs now")
        spec = node["touches"]
        n = count_touches(touches, kind=spec.get("kind"), within_days=spec.get("within_days"), now=now)
        return _compare(node["op"], n, node["value"])
    return _compare(node["op"], facts.get(node["field"]), node.get("value"))


_SYMBOL = {
    "eq": "=",
    "ne": "≠",
    "in": "in",
    "not_in": "not in",
    "gt": ">",
    "gte": "≥",
    "lt": "<",
    "lte": "≤",
    "contains": "contains",
}


def describe(node: Mapping[str, Any]) -> str:
    """Plain words for a rule, shown next to the JSON so both heads read the same thing."""
    if "all" in node:
        return "(" + " and ".join(describe(child) for child in node["all"]) + ")"
    if "any" in node:
        return "(" + " or ".join(describe(child) for child in node["any"]) + ")"
    if "not" in node:
        return "not " + describe(node["not"])
    if "touches" in node:
        spec = node["touches"]
        kind = spec.get("kind") or "any"
        window = f" in the last {spec['within_days']:g} days" if spec.get("within_days") else ""
        return f"number of {kind} touches{window} {_SYMBOL[node['op']]} {node['value']}"
    op = node["op"]
    if op == "present":
        return f"{node['field']} is set"
    if op == "missing":
        return f"{node['field']} is not set"
    value = node["value"]
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return f"{node['field']} {_SYMBOL[op]} {shown}"
