"""Fast bulk inserts for generated data: COPY on PostgreSQL, executemany on SQLite.

The ORM's bulk_create builds a model instance per row; at ten million rows that cost
dominates, so the demo generator, each app's demo rows and a backup's restore write plain
tuples straight to the tables instead. Infrastructure every layer may use, so it lives in
core (rows stream through in batches; the import's own variant, tuned for chunks it also
looks up, is ``hamsu.dataio.bulk``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def _names(columns: Sequence[str]) -> str:
    # Quoted: a column may be a reserved word (e.g. "column", "row").
    return ", ".join(connection.ops.quote_name(name) for name in columns)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence], *, batch: int = 100_000) -> int:
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows, batch)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f'INSERT INTO "{table}" ({_names(columns)}) VALUES ({placeholders})'
    count = 0
    chunk: list[Sequence] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence], batch: int) -> int:
    # psycopg adapts and escapes each row in C (write_row); values may be text, numbers or None.
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f'COPY "{table}" ({_names(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def reset_sequences(*models) -> None:
    """After inserting explicit ids, move PostgreSQL's sequences past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
