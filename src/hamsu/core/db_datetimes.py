"""Datetimes stored exactly as the ORM stores them, whatever path writes them.

On SQLite a ``DateTimeField`` is text, and the ORM writes — and compares against — naive
UTC ``2018-05-31 00:00:00`` (``.ffffff`` when there are microseconds): that is
``connection.ops.adapt_datetimefield_value``. The sqlite3 driver's own adapter, which
Django registers for raw SQL parameters, writes an aware datetime with its offset:
``2018-05-31 00:00:00+00:00``. That text sorts *after* the ORM's text for the same moment,
so a row written by a raw INSERT/UPDATE (bulk imports, the demo generator, executemany
updates) silently escapes ``created_at <= x`` — keyset cursors skipped thousands of
imported leads — and a raw ``WHERE at >= %s`` with an aware bound missed the rows at the
bound itself.

The root fix is at the driver: ``install()`` (run from ``CoreConfig.ready``) makes
``stored_datetime`` — the ORM's own adaptation — the sqlite3 adapter for ``datetime``, so
every raw parameter is written and compared as the ORM does, on every path, present and
future. Code that prepares values itself (a value adapted once for a whole chunk) calls
``stored_datetime`` too. PostgreSQL stores ``timestamptz`` whatever the text looked like,
so there the function is the ORM's adaptation and nothing else changes.

Rows written the old way are rewritten by migration ``dataio 0003``
(``normalise_sqlite_datetimes``).
"""

from __future__ import annotations

import datetime
import sqlite3

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.dateparse import parse_datetime


def stored_datetime(value, *, using: str = DEFAULT_DB_ALIAS):
    """What the ORM writes for ``value`` in a DateTimeField on ``using`` (and compares
    a bound against): naive UTC text on SQLite, the aware datetime on PostgreSQL.

    ``value`` may be a datetime or ISO text (``T`` separator or an offset are read)."""
    if value is None:
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise ValueError(f"not a datetime: {value!r}")
        value = parsed
    return connections[using].ops.adapt_datetimefield_value(value)


def _sqlite_adapter(value: datetime.datetime) -> str:
    stored = stored_datetime(value)
    # Only ever called by the sqlite3 driver; should the default database be another
    # vendor, keep the driver's own text rather than hand sqlite3 a non-string.
    return stored if isinstance(stored, str) else value.isoformat(" ")


def install() -> None:
    """Make the ORM's adaptation the sqlite3 driver's adapter for datetimes."""
    sqlite3.register_adapter(datetime.datetime, _sqlite_adapter)


def canonical_sqlite_text(text: str, *, tz: datetime.tzinfo = datetime.UTC) -> str:
    """Stored text → the ORM's text for the same moment (``tz`` is the connection's)."""
    parsed = parse_datetime(text)
    if parsed is None:
        return text  # not a datetime at all: not ours to guess
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(tz).replace(tzinfo=None)
    return str(parsed)


def normalise_sqlite_datetimes(connection, tables: list[tuple[str, list[str]]]) -> int:
    """Rewrite every stored datetime text of ``tables`` (name, datetime columns) that is
    not the ORM's text — an offset, a ``T`` or a ``Z`` — into it. SQLite only; returns the
    number of values rewritten."""
    if connection.vendor != "sqlite":
        return 0
    tz = connection.timezone or datetime.UTC
    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    changed = 0
    with connection.cursor() as cursor:
        for table, columns in tables:
            if table not in existing:
                continue
            present = {c.name for c in connection.introspection.get_table_description(cursor, table)}
            for column in columns:
                if column not in present:
                    continue
                col = quote(column)
                # The ORM's text has none of "+", "T", "Z" and never ends in "-hh:mm". Cast:
                # the column's declared type would have the driver parse it for us.
                cursor.execute(
                    f"SELECT rowid, CAST({col} AS text) FROM {quote(table)} WHERE typeof({col}) = 'text' AND "
                    f"({col} GLOB '*[+TZ]*' OR {col} GLOB '*-[0-9][0-9]:[0-9][0-9]')"
                )
                fixes = []
                for rowid, text in cursor.fetchall():
                    canonical = canonical_sqlite_text(text, tz=tz)
                    if canonical != text:
                        fixes.append((canonical, rowid))
                if fixes:
                    cursor.executemany(f"UPDATE {quote(table)} SET {col} = %s WHERE rowid = %s", fixes)
                    changed += len(fixes)
    return changed
