"""Column mappings: which file column feeds which field, value aliases, defaults, options.

A mapping is plain JSON so it can be saved as a preset, kept in a file next to a data set
(see mappings/) and passed to ``hamsu import KIND FILE --mapping M.json``::

    {
      "kind": "contacts",
      "columns": {"first_name": "First Name", "email": ["Email", "E-mail"]},
      "values": {"stage": {"Engaging": "qualifying"}},   # aliases, matched ignoring case
      "defaults": {"currency": "USD"},                    # used when the cell is empty
      "stage_history": {"qualifying": "engage_date"},     # opportunities: stage → date column
      "options": {"create_missing_accounts": true}
    }

A column may be given as a list of header names; the first one present in the file is used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from hamsu.core.errors import ValidationFailed

MAPPINGS_DIR = Path(__file__).parent / "mappings"


@dataclass
class Mapping:
    kind: str
    columns: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    stage_history: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict, *, kind: str | None = None) -> Mapping:
        if not isinstance(data, dict):
            raise ValidationFailed(
                _("The mapping must be a JSON object."), errors={"mapping": [_("Not an object.")]}
            )
        columns = {}
        for target, source in (data.get("columns") or {}).items():
            sources = [source] if isinstance(source, str) else list(source or [])
            sources = [s for s in sources if isinstance(s, str) and s.strip()]
            if sources:
                columns[target] = sources
        values = {
            target: {str(k).casefold(): v for k, v in (aliases or {}).items()}
            for target, aliases in (data.get("values") or {}).items()
        }
        return cls(
            kind=kind or data.get("kind", ""),
            columns=columns,
            values=values,
            defaults=dict(data.get("defaults") or {}),
            stage_history=dict(data.get("stage_history") or {}),
            options=dict(data.get("options") or {}),
        )

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "columns": {k: v[0] if len(v) == 1 else v for k, v in self.columns.items()},
            "values": self.values,
            "defaults": self.defaults,
            "stage_history": self.stage_history,
            "options": self.options,
        }

    def resolve(self, headers: list[str], known: set[str]) -> dict[str, int]:
        """target → column index, refusing targets the kind does not have."""
        unknown = sorted(set(self.columns) - known)
        if unknown:
            raise ValidationFailed(
                _("The mapping names fields this kind of record does not have."),
                errors={name: [_("Unknown field for %(kind)s.") % {"kind": self.kind}] for name in unknown},
            )
        by_name = {header.casefold(): index for index, header in enumerate(headers)}
        index: dict[str, int] = {}
        missing: dict[str, list[str]] = {}
        for target, sources in self.columns.items():
            found = next((by_name[s.casefold()] for s in sources if s.casefold() in by_name), None)
            if found is None:
                missing[target] = [
                    _("No column named %(names)s in the file.")
                    % {"names": " / ".join(f"“{s}”" for s in sources)}
                ]
            else:
                index[target] = found
        for stage, column in self.stage_history.items():
            if column.casefold() not in by_name:
                missing[f"stage_history.{stage}"] = [
                    _("No column named “%(name)s” in the file.") % {"name": column}
                ]
        if missing:
            raise ValidationFailed(_("Some mapped columns are not in the file."), errors=missing)
        return index

    def alias(self, target: str, value: str) -> str:
        aliases = self.values.get(target)
        if aliases and value:
            return aliases.get(value.casefold(), value)
        return value


def load_mapping_file(path: str | Path) -> dict:
    path = Path(path)
    if not path.exists() and (MAPPINGS_DIR / path).exists():
        path = MAPPINGS_DIR / path
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ValidationFailed(
            _("The mapping file cannot be read: %(reason)s") % {"reason": error},
            errors={"mapping": [str(error)]},
        ) from None


# Header names of the common CRM exports, so an upload maps itself when it can.
BUILT_IN_PRESETS: dict[str, dict] = {
    "hubspot-contacts": {
        "kind": "contacts",
        "columns": {
            "first_name": "First Name",
            "last_name": "Last Name",
            "email": "Email",
            "phone": "Phone Number",
            "title": "Job Title",
            "account": "Company Name",
            "external_id": "Record ID",
            "owner": "Contact owner",
        },
    },
    "salesforce-contacts": {
        "kind": "contacts",
        "columns": {
            "first_name": "FirstName",
            "last_name": "LastName",
            "email": "Email",
            "phone": "Phone",
            "title": "Title",
            "account": "Account Name",
            "external_id": "Id",
        },
    },
    "hubspot-companies": {
        "kind": "accounts",
        "columns": {
            "name": "Company name",
            "domain": "Company Domain Name",
            "industry": "Industry",
            "employees": "Number of Employees",
            "annual_revenue": "Annual Revenue",
            "external_id": "Record ID",
        },
    },
    "salesforce-accounts": {
        "kind": "accounts",
        "columns": {
            "name": "Name",
            "domain": "Website",
            "industry": "Industry",
            "employees": "NumberOfEmployees",
            "annual_revenue": "AnnualRevenue",
            "external_id": "Id",
        },
    },
    "hubspot-deals": {
        "kind": "opportunities",
        "columns": {
            "name": "Deal Name",
            "stage": "Deal Stage",
            "amount": "Amount",
            "expected_close": "Close Date",
            "account": "Associated Company",
            "owner": "Deal owner",
            "external_id": "Record ID",
        },
    },
    "salesforce-opportunities": {
        "kind": "opportunities",
        "columns": {
            "name": "Name",
            "stage": "StageName",
            "amount": "Amount",
            "expected_close": "CloseDate",
            "account": "Account Name",
            "owner": "Owner Name",
            "external_id": "Id",
        },
    },
}


def guess_preset(kind: str, headers: list[str]) -> tuple[str, dict] | None:
    """The built-in preset most of whose column names are present, spelled exactly as the
    exporting CRM spells them (so Hamsu's own lower-case export headers are not mistaken
    for a Salesforce file)."""
    present = set(headers)
    best: tuple[int, str] | None = None
    for name, preset in BUILT_IN_PRESETS.items():
        if preset["kind"] != kind:
            continue
        wanted = list(preset["columns"].values())
        hits = sum(1 for c in wanted if c in present)
        if hits >= max(2, len(wanted) // 2) and (best is None or hits > best[0]):
            best = (hits, name)
    if best is None:
        return None
    preset = BUILT_IN_PRESETS[best[1]]
    columns = {t: c for t, c in preset["columns"].items() if c in present}
    return best[1], {**preset, "columns": columns}


@dataclass(frozen=True)
class Preset:
    """A mapping offered on upload: saved by a user, or ready-made (a public data set's
    mapping file under mappings/, or a common CRM export's header names)."""

    key: str  # a saved preset's id, or the ready-made preset's name
    name: str
    kind: str
    mapping: dict
    source: str  # "saved" | "data set" | "crm export"

    @property
    def kind_label(self) -> str:
        from hamsu.dataio.models import ImportKind

        return ImportKind(self.kind).label


@cache
def dataset_presets() -> tuple[Preset, ...]:
    """Each step of each bundle under mappings/ (``maven_crm/opportunities``…), named after
    its data set and file, so the same files map themselves when uploaded one by one."""
    presets = []
    for bundle_path in sorted(MAPPINGS_DIR.glob("*/bundle.json")):
        bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
        for step in bundle.get("steps", []):
            mapping = json.loads((bundle_path.parent / step["mapping"]).read_text(encoding="utf-8"))
            key = f"{bundle_path.parent.name}/{Path(step['mapping']).stem}"
            name = f"{bundle.get('name', bundle_path.parent.name)}: {step['file']}"
            presets.append(Preset(key, name, step["kind"], {**mapping, "kind": step["kind"]}, "data set"))
    return tuple(presets)


def crm_presets() -> tuple[Preset, ...]:
    return tuple(
        Preset(name, name, preset["kind"], preset, "crm export") for name, preset in BUILT_IN_PRESETS.items()
    )


def mapped_columns(mapping: dict) -> list[list[str]]:
    """Every column a mapping reads: one list of alternative names per field, then the
    stage-history columns."""
    wanted = []
    for source in (mapping.get("columns") or {}).values():
        names = [source] if isinstance(source, str) else list(source or [])
        if names:
            wanted.append(names)
    wanted.extend([column] for column in (mapping.get("stage_history") or {}).values())
    return wanted


def fits(mapping: dict, headers: list[str]) -> bool:
    """The file has every column the mapping reads (names compared as ``resolve`` does)."""
    present = {header.casefold() for header in headers}
    wanted = mapped_columns(mapping)
    return bool(wanted) and all(any(n.casefold() in present for n in names) for names in wanted)


def recognise(kind: str, headers: list[str], saved: tuple[Preset, ...] = ()) -> Preset | None:
    """The preset this file was made for: a saved or data-set preset every column of
    which the file has (the one reading the most columns; a saved one on a tie), else a
    CRM export most of whose header names are there (``guess_preset``)."""
    best: tuple[int, int, Preset] | None = None
    for rank, presets in ((2, saved), (1, dataset_presets())):
        for preset in presets:
            if preset.kind != kind or not fits(preset.mapping, headers):
                continue
            score = (len(mapped_columns(preset.mapping)), rank)
            if best is None or score > best[:2]:
                best = (*score, preset)
    if best is not None:
        return best[2]
    guessed = guess_preset(kind, headers)
    if guessed is None:
        return None
    name, mapping = guessed
    return Preset(name, name, kind, mapping, "crm export")
