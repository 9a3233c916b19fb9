"""Grouped totals of a table, kept current by the database's own triggers.

A dashboard figure such as "deals per stage" or "handoffs per day and team" is a sum over
a large transactional table. A totals table keyed by the figure's dimensions answers it
from a few thousand rows instead, and triggers on the source table keep it in step with
every write path at once: services, imports, the demo generator's bulk COPY, the admin,
raw SQL. Each source row contributes signed values to one totals row; an update takes the
old row's contribution away and adds the new one's.

- PostgreSQL: statement-level triggers with transition tables, so a COPY of a million
  rows is one grouped upsert, not a million; rows are upserted in key order so that two
  concurrent statements take their row locks in the same order and cannot deadlock.
- SQLite: row triggers (it has no statement triggers); its writes are serialised anyway.

``TriggerTotals`` describes one such table; ``install``/``uninstall`` run from a migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

VENDORS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class TriggerTotals:
    """What to total: ``keys`` and ``values`` map a totals column to an SQL expression over
    a source row, written with ``{r}`` for the row's alias (a dict per vendor where the
    dialects differ). ``watched``: the source columns whose update can move a row."""

    name: str  # prefix of the trigger and function names
    table: str  # the totals table (created by the caller's migration)
    source: str  # the table whose rows are totalled
    keys: dict[str, str | dict[str, str]]
    values: dict[str, str]
    watched: tuple[str, ...]

    def _expr(self, expr: str | dict[str, str], vendor: str, alias: str) -> str:
        if isinstance(expr, dict):
            expr = expr[vendor]
        return expr.format(r=alias)

    def _row(self, vendor: str, alias: str, sign: str) -> str:
        keys = [self._expr(e, vendor, alias) for e in self.keys.values()]
        values = [f"{sign}({self._expr(e, vendor, alias)})" for e in self.values.values()]
        return ", ".join(keys + values)

    @property
    def _key_list(self) -> str:
        return ", ".join(self.keys)

    def _upsert(self, select: str) -> str:
        columns = ", ".join([*self.keys, *self.values])
        adds = ", ".join(f"{v} = {self.table}.{v} + excluded.{v}" for v in self.values)
        # ``WHERE true`` (in SQLite's selects) keeps its parser from reading ON CONFLICT
        # as a join constraint.
        return f"INSERT INTO {self.table} ({columns}) {select} ON CONFLICT ({self._key_list}) DO UPDATE SET {adds}"

    # ---------------------------------------------------------------- SQLite

    def _sqlite_setup(self) -> list[str]:
        n = self.name
        plus = self._upsert(f"SELECT {self._row('sqlite', 'new', '')} WHERE true")
        minus = self._upsert(f"SELECT {self._row('sqlite', 'old', '-')} WHERE true")
        return [
            f"CREATE TRIGGER IF NOT EXISTS {n}_ai AFTER INSERT ON {self.source} BEGIN {plus}; END",
            f"CREATE TRIGGER IF NOT EXISTS {n}_ad AFTER DELETE ON {self.source} BEGIN {minus}; END",
            f"CREATE TRIGGER IF NOT EXISTS {n}_au AFTER UPDATE OF {', '.join(self.watched)} "
            f"ON {self.source} BEGIN {minus}; {plus}; END",
        ]

    def _sqlite_teardown(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {self.name}_{s}" for s in ("ai", "ad", "au")]

    # ---------------------------------------------------------------- PostgreSQL

    def _pg_apply(self, rows: str) -> str:
        """Fold signed rows into the totals, grouped, in key order (consistent lock order)."""
        columns = ", ".join([*self.keys, *self.values])
        sums = ", ".join(f"sum({v})" for v in self.values)
        nonzero = " OR ".join(f"sum({v}) <> 0" for v in self.values)
        return self._upsert(
            f"SELECT {self._key_list}, {sums} FROM ({rows}) AS d ({columns}) "
            f"GROUP BY {self._key_list} HAVING {nonzero} ORDER BY {self._key_list}"
        )

    def _pg_function(self, suffix: str, body: str) -> str:
        return (
            f"CREATE OR REPLACE FUNCTION {self.name}_{suffix}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$"
        )

    def _pg_setup(self) -> list[str]:
        n, src = self.name, self.source
        old = f"SELECT {self._row('postgresql', 'o', '-')} FROM old_rows o"
        new = f"SELECT {self._row('postgresql', 'r', '')} FROM new_rows r"
        return [
            self._pg_function("ins", self._pg_apply(new)),
            self._pg_function("del", self._pg_apply(old)),
            self._pg_function("upd", self._pg_apply(f"{old} UNION ALL {new}")),
            self._pg_function("trunc", f"DELETE FROM {self.table}"),
            *(f"DROP TRIGGER IF EXISTS {n}_{s} ON {src}" for s in ("ai", "ad", "au", "at")),
            f"CREATE TRIGGER {n}_ai AFTER INSERT ON {src} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {n}_ins()",
            f"CREATE TRIGGER {n}_ad AFTER DELETE ON {src} "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {n}_del()",
            f"CREATE TRIGGER {n}_au AFTER UPDATE ON {src} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION {n}_upd()",
            f"CREATE TRIGGER {n}_at AFTER TRUNCATE ON {src} FOR EACH STATEMENT EXECUTE FUNCTION {n}_trunc()",
        ]

    def _pg_teardown(self) -> list[str]:
        return [
            *(f"DROP TRIGGER IF EXISTS {self.name}_{s} ON {self.source}" for s in ("ai", "ad", "au", "at")),
            *(f"DROP FUNCTION IF EXISTS {self.name}_{s}()" for s in ("ins", "del", "upd", "trunc")),
        ]

    # ---------------------------------------------------------------- the interface

    def statements(self, vendor: str, which: str) -> list[str]:
        if vendor not in VENDORS:
            raise NotImplementedError(f"{self.name} is not implemented for {vendor}")
        if vendor == "sqlite":
            return self._sqlite_setup() if which == "setup" else self._sqlite_teardown()
        return self._pg_setup() if which == "setup" else self._pg_teardown()

    def install(self, schema_editor) -> None:
        """Create the triggers and compute the totals of the rows already there."""
        for statement in self.statements(schema_editor.connection.vendor, "setup"):
            schema_editor.execute(statement)
        self.rebuild(schema_editor.connection)

    def uninstall(self, schema_editor) -> None:
        for statement in self.statements(schema_editor.connection.vendor, "teardown"):
            schema_editor.execute(statement)

    def rebuild(self, conn=connection) -> None:
        """Recompute every total from the source rows (after install, or to repair by hand)."""
        vendor = conn.vendor
        keys = [self._expr(e, vendor, self.source) for e in self.keys.values()]
        sums = [f"COALESCE(sum({self._expr(e, vendor, self.source)}), 0)" for e in self.values.values()]
        columns = ", ".join([*self.keys, *self.values])
        with conn.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
            cursor.execute(
                f"INSERT INTO {self.table} ({columns}) SELECT {', '.join(keys + sums)} "
                f"FROM {self.source} GROUP BY {', '.join(keys)}"
            )
