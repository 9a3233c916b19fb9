"""The lead definition's rule builder: rows of field, operator and value, in a top group
and sub-groups joined by "all" or "any", posted as plain form fields so the page works
without JavaScript (each "add"/"remove" button posts the form and the page comes back
with the rows changed).

The builder only turns what was typed into the rule language's JSON and back; whether the
rule is right is decided by ``definitions.lead_definition_check`` (the API's check too),
whose problems come back with JSON paths that the builder maps to the row and the input
they are about.

Posted fields: ``join-0`` (the top group), ``groups`` (how many sub-groups), ``join-G``
for each sub-group G ≥ 1; ``rows`` (how many rows), and for each row J ``r-J-group``,
``r-J-field``, ``r-J-op``, ``r-J-value`` (several for a list of choices), and for a count of
touches ``r-J-kind``, ``r-J-days``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from hamsu.core import dates
from hamsu.crm.models import SizeBand
from hamsu.funnel import rule_language
from hamsu.funnel.conditions import SUBJECT_FIELDS, lead_choices
from hamsu.funnel.models import LeadState
from hamsu.funnel.rule_text import FIELD_LABELS, operator_label

# A row that counts the lead's touches instead of testing a field.
TOUCHES = "touches"
JOINS = {"all": gettext_lazy("all of"), "any": gettext_lazy("any of")}
MAX_GROUPS = 10
MAX_ROWS = 60
_LIST_SPLIT = re.compile(r"\s*[,،;؛]\s*")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class FieldSpec:
    """What the builder offers for one field: its operators and, for a field that holds
    one of a known set of values, those values with their labels."""

    name: str
    label: str
    type: str  # "number", "text" or TOUCHES
    operators: list[tuple[str, str]]
    choices: list[tuple[str, str]] | None = None


def lead_catalogue() -> list[FieldSpec]:
    """The fields a lead definition may test (``conditions.SUBJECT_FIELDS['lead']``, as the
    check refuses any other) in the reader's language, then the count of touches."""
    known = lead_choices()
    labelled: dict[str, dict[str, str]] = {
        "state": {code: str(label) for code, label in LeadState.choices},
        "size_band": {code: str(label) for code, label in SizeBand.choices},
        "country": {code: str(name) for code, name in countries},
        "segment": {name: name for name in known["segment"]},
    }
    specs = []
    for name in SUBJECT_FIELDS["lead"]:
        kind = rule_language.FIELDS[name]
        choices = None
        if name in labelled:
            choices = [(code, labelled[name].get(code, code)) for code in known[name]]
            if name == "country":
                choices.sort(key=lambda pair: pair[1])
        specs.append(
            FieldSpec(
                name=name,
                label=str(FIELD_LABELS[name]),
                type=kind,
                operators=[(op, operator_label(op)) for op in rule_language.FIELD_OPERATORS[kind]],
                choices=choices,
            )
        )
    specs.append(
        FieldSpec(
            name=TOUCHES,
            label=_("number of touches"),
            type=TOUCHES,
            operators=[(op, operator_label(op)) for op in rule_language.TOUCH_OPERATORS],
        )
    )
    return specs


@dataclass
class Row:
    group: int  # 0: the top group; G ≥ 1: sub-group G
    field: str = ""
    op: str = ""
    values: list[str] = default(default_factory=list)  # as typed (several for a list of choices)
    kind: str = ""  # touches: of this kind only ("" any kind)
    days: str = ""  # touches: within the last N days ("" at any time)
    errors: dict[str, list[str]] = default(default_factory=dict)  # by input: field, op, value, kind, days

    def error(self, part: str, message: str) -> None:
        self.errors.setdefault(part, []).append(message)


@dataclass
class RuleBuilder:
    joins: list[str]  # joins[0] the top group's, joins[G] sub-group G's
    rows: list[Row]
    errors: list[str] = default(default_factory=list)  # about the rule as a whole
    edited: bool = False  # the button pressed added or removed a row or a group
    _paths: dict[str, int] = default(default_factory=dict)  # JSON path → row index

    # ------------------------------------------------------------ reading and changing

    @classmethod
    def blank(cls) -> RuleBuilder:
        return cls(joins=["all"], rows=[Row(group=0)])

    @classmethod
    def from_post(cls, data) -> RuleBuilder:
        """The builder as posted, then changed by the button pressed (if it was an add or
        remove button)."""
        groups = min(_count(data.get("groups")), MAX_GROUPS)
        joins = [_join(data.get(f"join-{g}")) for g in range(groups + 1)]
        rows = []
        for j in range(min(_count(data.get("rows")), MAX_ROWS)):
            group = _count(data.get(f"r-{j}-group"))
            rows.append(
                Row(
                    group=group if group <= groups else 0,
                    field=(data.get(f"r-{j}-field") or "").strip(),
                    op=(data.get(f"r-{j}-op") or "").strip(),
                    values=[v for v in data.getlist(f"r-{j}-value") if v is not None],
                    kind=(data.get(f"r-{j}-kind") or "").strip(),
                    days=(data.get(f"r-{j}-days") or "").strip(),
                )
            )
        builder = cls(joins=joins, rows=rows)
        builder._apply(data)
        return builder

    def _apply(self, data) -> None:
        self.edited = any(key in data for key in ("add-row", "add-group", "remove-row", "remove-group"))
        if "add-row" in data and len(self.rows) < MAX_ROWS:
            group = _count(data.get("add-row"))
            self.rows.append(Row(group=group if group < len(self.joins) else 0))
        elif "add-group" in data and len(self.joins) <= MAX_GROUPS:
            # A new group starts with a condition to fill and joins the other way round,
            # the usual reason to make one ("score ≥ 50 and (webinar or demo request)").
            self.joins.append("any" if self.joins[0] == "all" else "all")
            self.rows.append(Row(group=len(self.joins) - 1))
        elif "remove-row" in data:
            j = _count(data.get("remove-row"))
            if j < len(self.rows):
                del self.rows[j]
        elif "remove-group" in data:
            g = _count(data.get("remove-group"))
            if 1 <= g < len(self.joins):
                del self.joins[g]
                self.rows = [r for r in self.rows if r.group != g]
                for row in self.rows:
                    if row.group > g:
                        row.group -= 1

    @classmethod
    def from_rule(cls, rule: Any) -> RuleBuilder | None:
        """The builder showing ``rule``, or None when the builder cannot show it (a "not",
        or groups nested deeper than one level): edit those as JSON."""
        if not isinstance(rule, dict) or not rule:
            return cls.blank()
        if "all" not in rule and "any" not in rule:
            row = _row_of(rule, 0)
            return cls(joins=["all"], rows=[row]) if row else None
        top = "all" if "all" in rule else "any"
        joins, rows = [top], []
        for child in rule[top] or []:
            row = _row_of(child, 0)
            if row is not None:
                rows.append(row)
                continue
            inner = "all" if isinstance(child, dict) and "all" in child else "any"
            if not isinstance(child, dict) or inner not in child or len(child) != 1:
                return None
            joins.append(inner)
            for grandchild in child[inner] or []:
                row = _row_of(grandchild, len(joins) - 1)
                if row is None:
                    return None
                rows.append(row)
        return cls(joins=joins, rows=rows or [Row(group=0)])

    # ------------------------------------------------------------ the rule

    def rule(self) -> Any:
        """The rule the rows say, in the rule language's JSON. A group with one condition
        is that condition, and a rule of one condition is the condition itself, so the
        builder saves what a person would have typed. Rows left without a field become
        ``{}`` parts the check refuses (and the row shows why); nothing is dropped."""
        self._paths = {}
        top: list[tuple[Any, list[int], str]] = []  # (node, rows, suffix path inside the node)
        for j, row in enumerate(self.rows):
            if row.group == 0:
                top.append((self._node(row), [j], ""))
        for g in range(1, len(self.joins)):
            members = [j for j, row in enumerate(self.rows) if row.group == g]
            if not members:
                continue
            if len(members) == 1:
                top.append((self._node(self.rows[members[0]]), members, ""))
            else:
                key = self.joins[g]
                top.append(({key: [self._node(self.rows[j]) for j in members]}, members, f".{key}"))
        if not top:
            return {}
        if len(top) == 1:
            node, members, inner = top[0]
            self._map("$", members, inner)
            return node
        key = self.joins[0]
        for i, (_node, members, inner) in enumerate(top):
            self._map(f"$.{key}[{i}]", members, inner)
        return {key: [node for node, _members, _inner in top]}

    def _map(self, path: str, members: list[int], inner: str) -> None:
        if inner:
            for i, j in enumerate(members):
                self._paths[f"{path}{inner}[{i}]"] = j
        else:
            self._paths[path] = members[0]

    def _node(self, row: Row) -> dict:
        if not row.field:
            return {}
        if row.field == TOUCHES:
            spec: dict[str, Any] = {}
            if row.kind:
                spec["kind"] = row.kind
            if row.days:
                spec["within_days"] = _number(row.days)
            return {"touches": spec, "op": row.op, "value": _number(_first(row.values))}
        node: dict[str, Any] = {"field": row.field, "op": row.op}
        if row.op in ("present", "missing"):
            return node
        number = rule_language.FIELDS.get(row.field) == "number"
        if row.op in ("in", "not_in"):
            items = [p for v in row.values for p in _LIST_SPLIT.split(v.strip()) if p]
            node["value"] = [_number(p) if number else p for p in items]
        else:
            text = _first(row.values).strip()
            node["value"] = _number(text) if number else text
        return node

    # ------------------------------------------------------------ problems

    def show(self, problems: list[tuple[str, str]]) -> None:
        """Put each problem of the check beside the row input it is about (a problem with a
        part of the rule no row holds is shown above the rows)."""
        self.errors = []
        if not self.rows:
            self.errors.append(_("Add at least one condition."))
            return
        for row in self.rows:
            row.errors = {}
            if not row.field:
                row.error("field", _("Choose a field, or remove this condition."))
        for path, text in problems:
            where = self._where(path)
            if where is None:
                self.errors.append(text)
                continue
            j, part = where
            if not self.rows[j].field:
                continue  # an empty row: it was told to choose a field
            self.rows[j].error(part, _message_of(text))

    def _where(self, path: str) -> tuple[int, str] | None:
        for row_path, j in self._paths.items():
            if path == row_path:
                return j, "value"
            if path.startswith(row_path + "."):
                rest = path[len(row_path) + 1 :]
                part = {
                    "field": "field",
                    "op": "op",
                    "value": "value",
                    "touches.kind": "kind",
                    "touches.within_days": "days",
                    "touches": "kind",
                }.get(rest)
                if part:
                    return j, part
        return None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)

    # ------------------------------------------------------------ showing

    def groups(self, catalogue: list[FieldSpec]) -> list[dict]:
        """The groups as the page lays them out: each with its join and its rows, and each
        row with the inputs that suit its field (choices for an enumerated field, several
        at once for "is one of", a number, text)."""
        by_name = {spec.name: spec for spec in catalogue}
        every_op = [(op, operator_label(op)) for op in sorted(rule_language.OPERATORS)]
        shown = []
        for g, join in enumerate(self.joins):
            rows = []
            for j, row in enumerate(self.rows):
                if row.group != g:
                    continue
                spec = by_name.get(row.field)
                ops = spec.operators if spec else every_op
                chosen = {v.strip().casefold() for v in row.values}
                rows.append(
                    {
                        "index": j,
                        "row": row,
                        "operators": ops,
                        "input": _input_of(row, spec),
                        "options": [
                            (code, label, code.casefold() in chosen) for code, label in (spec.choices or [])
                        ]
                        if spec
                        else [],
                        "value_text": _shown_text(row, spec),
                        "days_text": _digits(row.days),
                    }
                )
            shown.append({"index": g, "join": join, "rows": rows})
        return shown


def _input_of(row: Row, spec: FieldSpec | None) -> str:
    if row.op in ("present", "missing"):
        return "none"
    if spec is None:
        return "text"
    if spec.choices is not None and row.op != "contains":
        return "multiple" if row.op in ("in", "not_in") else "choice"
    if spec.type in ("number", TOUCHES):
        return "numbers" if row.op in ("in", "not_in") else "number"
    return "texts" if row.op in ("in", "not_in") else "text"


def _shown_text(row: Row, spec: FieldSpec | None) -> str:
    text = ", ".join(v.strip() for v in row.values if v.strip())
    return _digits(text) if spec is not None and spec.type in ("number", TOUCHES) else text


def _digits(text: str) -> str:
    """Numbers in the page's digits (they are read back in any digits)."""
    return dates.to_persian_digits(text) if dates.uses_jalali() else text


def _row_of(node: Any, group: int) -> Row | None:
    """The row showing one condition, or None if ``node`` is not one."""
    if not isinstance(node, dict) or "op" not in node:
        return None
    values = node.get("value")
    shown = (
        [_text(v) for v in values]
        if isinstance(values, list)
        else ([] if values is None else [_text(values)])
    )
    if "touches" in node:
        spec = node["touches"] if isinstance(node["touches"], dict) else {}
        days = spec.get("within_days")
        return Row(
            group=group,
            field=TOUCHES,
            op=str(node["op"]),
            values=shown,
            kind=str(spec.get("kind") or ""),
            days="" if days is None else _text(days),
        )
    if "field" not in node:
        return None
    field_name = str(node["field"])
    if field_name in _ENUMERATED:
        return Row(group=group, field=field_name, op=str(node["op"]), values=shown)
    if isinstance(values, list):
        shown = [", ".join(shown)]
    return Row(group=group, field=field_name, op=str(node["op"]), values=shown)


_ENUMERATED = ("state", "size_band", "country", "segment")


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first(values: list[str]) -> str:
    return values[0] if values else ""


def _number(text: str) -> Any:
    """A number typed in any digits, with thousands separators ("۱٬۰۰۰", "2,000,000",
    "0٫5"); anything else is kept as typed so the check says "give a number"."""
    plain = dates.to_ascii_digits(text).replace("٬", "").replace("٫", ".").strip()
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", plain):
        plain = plain.replace(",", "")
    if not _NUMBER.fullmatch(plain):
        return text
    number = float(plain)
    return int(number) if number.is_integer() and "." not in plain else number


def _count(value: Any) -> int:
    text = dates.to_ascii_digits(str(value or "")).strip()
    return int(text) if text.isdigit() else 0


def _join(value: Any) -> str:
    return value if value in JOINS else "all"


def _message_of(text: str) -> str:
    """A check's message without the JSON path it starts with: beside its input the path
    says nothing a reader needs."""
    head, sep, rest = text.partition("\u2069: ")
    return rest if sep and head.startswith("\u2066") else text
