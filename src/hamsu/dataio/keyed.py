"""What every importer that matches records shares: which record a key names, and which
row of this file first created or merged into each record (repeats are reported).

Kept apart from importers.py so each kind's module can import it in any order.
"""

from __future__ import annotations

from array import array

from django.utils.translation import gettext as _

from hamsu.dataio.engine import Context, Importer
from hamsu.dataio.mapping import Mapping


class RowMemo:
    """id → the first row of this file that created or merged into it.

    Kept in a 4-byte array indexed by the id itself (0 = not seen): a million rows cost
    4 MB, not the ~100 MB of a dict. Ids beyond LIMIT fall back to a dict.
    """

    LIMIT = 50_000_000

    def __init__(self):
        self.rows = array("I")
        self.other: dict[int, int] = {}

    def __setitem__(self, pk: int, row: int) -> None:
        if pk >= self.LIMIT:
            self.other[pk] = row
            return
        if pk >= len(self.rows):
            grow = min(max(pk + 1, 2 * len(self.rows), 1024), self.LIMIT) - len(self.rows)
            self.rows.frombytes(bytes(self.rows.itemsize * grow))
        self.rows[pk] = row

    def get(self, pk: int) -> int | None:
        if pk < self.LIMIT:
            return (self.rows[pk] or None) if pk < len(self.rows) else None
        return self.other.get(pk)

    def update(self, rows: dict[int, int]) -> None:
        """Many at once (a chunk's): grow once, then plain array stores."""
        if not rows:
            return
        top = max(rows)
        if top < self.LIMIT:
            if top >= len(self.rows):
                self[top] = rows[top]
            memo = self.rows
            for pk, row in rows.items():
                memo[pk] = row
        else:
            for pk, row in rows.items():
                self[pk] = row

    def setdefault(self, pk: int, row: int) -> int:
        found = self.get(pk)
        if found is None:
            self[pk] = row
            return row
        return found


class _Keyed(Importer):
    """Shared de-duplication: keys (``x:external``, ``e:email``…) → id, and which ids this
    run created (so a repeat inside the file is told apart from an existing record)."""

    def __init__(self, ctx: Context, mapping: Mapping, index: dict[str, int]):
        super().__init__(ctx, mapping, index)
        self.keys: dict[str, int] = {}
        self.l_external_id, self.l_email, self.l_name, self.l_domain, self.l_code = (
            _("external id"),
            _("e-mail"),
            _("name"),
            _("domain"),
            _("code"),
        )
        # Records this run created or merged into → the first row that did it.
        self.seen_at_row = RowMemo()

    def match(self, candidates: list[tuple[str, str, str]]) -> tuple[int | None, str, str]:
        """(id, what matched, column) for the first key found."""
        for key, label, target in candidates:
            if key and key in self.keys:
                return self.keys[key], label, target
        return None, "", ""

    def update(self, pk: int, values: dict, number: int, reason: str) -> None:
        # A later row matching the same record is a repeat within the file, not a second merge.
        self.seen_at_row.setdefault(pk, number)
        super().update(pk, values, number, reason)

    def duplicate_in_file(self, number: int, pk: int, label: str, target: str) -> bool:
        first = self.seen_at_row.get(pk)
        if first is None:
            return False
        self.repeated(number, first, label, target)
        return True

    def repeated(self, number: int, first: int, label: str, target: str) -> None:
        """Row ``number`` names the record row ``first`` created or merged into."""
        self.report.duplicates += 1
        if self.report.wants("duplicate"):
            self.report.add(
                number,
                self.column_name(target),
                "duplicate",
                _("Same %(what)s as row %(row)s: imported once, from row %(row)s.")
                % {"what": label, "row": first},
            )

    def owner_of(self, cells, errors) -> tuple | None:
        text = self.cell(cells, "owner")
        if not text:
            default = self.options.get("default_owner", "")
            return self.ctx.person(default) if default else None
        owner = self.ctx.person(text)
        if owner is None:
            errors.append(("owner", _("No person “%(name)s” in the directory.") % {"name": text}))
        return owner
