"""Word-prefix search over opportunity names, served by a full-text index.

A plain ``icontains`` is a full scan: fine at ten thousand deals, seconds at a million.
Both databases get a real index instead, with the same meaning — every word typed must
match the beginning of a word in the name, in any script (Persian included):

- SQLite: an FTS5 table kept in step with ``crm_opportunity`` by triggers;
- PostgreSQL: a GIN index on ``to_tsvector('simple', name)``.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from hamsu.core.dates import to_ascii_digits

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
FEW_MATCHES = 2000

SQLITE_SETUP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS crm_opportunity_search USING fts5("
    "name, content='crm_opportunity', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS crm_opportunity_search_ai AFTER INSERT ON crm_opportunity BEGIN "
    "INSERT INTO crm_opportunity_search(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER IF NOT EXISTS crm_opportunity_search_ad AFTER DELETE ON crm_opportunity BEGIN "
    "INSERT INTO crm_opportunity_search(crm_opportunity_search, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER IF NOT EXISTS crm_opportunity_search_au AFTER UPDATE OF name ON crm_opportunity BEGIN "
    "INSERT INTO crm_opportunity_search(crm_opportunity_search, rowid, name) VALUES ('delete', old.id, old.name); "
    "INSERT INTO crm_opportunity_search(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO crm_opportunity_search(crm_opportunity_search) VALUES ('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS crm_opportunity_search_ai",
    "DROP TRIGGER IF EXISTS crm_opportunity_search_ad",
    "DROP TRIGGER IF EXISTS crm_opportunity_search_au",
    "DROP TABLE IF EXISTS crm_opportunity_search",
]
POSTGRES_SETUP = [
    "CREATE INDEX IF NOT EXISTS crm_opportunity_name_fts ON crm_opportunity USING gin (to_tsvector('simple', name))"
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS crm_opportunity_name_fts"]


def terms(text: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(to_ascii_digits(text))][:MAX_TERMS]


def filter_by_name(queryset: QuerySet, text: str) -> QuerySet:
    words = terms(text)
    if not words:
        return queryset
    if connection.vendor == "sqlite":
        # FTS5 query syntax: each word quoted (so operators typed by users stay words) and
        # marked as a prefix; words are AND-ed.
        match = " ".join('"' + word.replace('"', '""') + '"*' for word in words)
        # Ask the index first, as on PostgreSQL below: a handful of matches becomes a plain
        # id list, which every later query of the page (the board runs eight) uses directly
        # instead of re-running the MATCH inside each one.
        few = _few_matches(
            "SELECT rowid FROM crm_opportunity_search WHERE crm_opportunity_search MATCH %s LIMIT %s", match
        )
        if few is not None:
            return queryset.filter(id__in=few)
        return queryset.filter(
            id__in=RawSQL(
                "SELECT rowid FROM crm_opportunity_search WHERE crm_opportunity_search MATCH %s", [match]
            )
        )
    if connection.vendor == "postgresql":
        query = " & ".join(re.sub(r"[^\w]", "", word) + ":*" for word in words if re.sub(r"[^\w]", "", word))
        # PostgreSQL cannot estimate how many names a prefix matches. A rare word is best
        # served by the GIN index alone, a common one by walking the sort index and stopping
        # at the first page: ask the index first, and choose. OFFSET 0 fences the probe from
        # its LIMIT so the planner uses the GIN index rather than a sequential scan it hopes
        # to stop early (which, for a rare word, reads the whole table).
        few = _few_matches(
            "SELECT id FROM (SELECT id FROM crm_opportunity WHERE to_tsvector('simple', name) @@ "
            "to_tsquery('simple', %s) OFFSET 0) AS matches LIMIT %s",
            query,
        )
        if few is not None:
            return queryset.filter(id__in=few)
        return queryset.extra(
            where=["to_tsvector('simple', crm_opportunity.name) @@ to_tsquery('simple', %s)"], params=[query]
        )
    return queryset.filter(name__icontains=text.strip())


def _few_matches(probe_sql: str, query: str) -> list[int] | None:
    """The matching ids when there are at most FEW_MATCHES of them, else None."""
    with connection.cursor() as cursor:
        cursor.execute(probe_sql, [query, FEW_MATCHES + 1])
        few = [row[0] for row in cursor.fetchall()]
    return few if len(few) <= FEW_MATCHES else None


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(vendor, []):
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(vendor, []):
        schema_editor.execute(statement)
