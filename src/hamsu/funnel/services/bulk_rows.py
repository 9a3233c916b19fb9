"""Multi-row writes for the capture worker: COPY on PostgreSQL, bulk_create elsewhere.

The ORM's bulk_create on PostgreSQL sends each column as an array that psycopg's client-
side binding quotes value by value in Python; at hundreds of rows per chunk that quoting
cost more than everything else the worker does. COPY formats rows in C. The ids are
taken from the table's sequence first (one query), so the rows' ids are known without
RETURNING and the objects can be used as saved instances right after.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Field, Model


def insert(model: type[Model], objs: Sequence[Model]) -> None:
    """Insert unsaved ``objs`` of ``model`` in one statement; each gets its primary key."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    opts = model._meta
    fields = opts.concrete_fields
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objs)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        rows = []
        values = _value_getters(model)
        for obj, pk in zip(objs, ids, strict=True):
            # Copies the ids of related objects saved since they were assigned (lead_id …).
            # (Django's own bulk_create calls this private method; django-stubs leaves it out.)
            obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
            obj.pk = pk
            rows.append(tuple(value(obj) for value in values))
            obj._state.adding = False
            obj._state.db = connection.alias
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


# Values that go to COPY as they are, by kind of field: for these the field's own
# conversion (``get_db_prep_save``) returns the value unchanged on PostgreSQL, and at
# ~100 values per lead that conversion was the worker's largest single cost. Anything
# else (a lazy translation, a float in an integer column, a naive datetime, JSON) takes
# the field's conversion as before.
NONE = type(None)
AS_IS: list[tuple[type, frozenset]] = [
    (models.CharField, frozenset({str, NONE})),
    (models.TextField, frozenset({str, NONE})),
    (models.BooleanField, frozenset({bool, NONE})),
    (models.IntegerField, frozenset({int, NONE})),
    (models.FloatField, frozenset({float, int, NONE})),
    (models.ForeignKey, frozenset({int, NONE})),
    (models.DateTimeField, frozenset({datetime.datetime, NONE})),
]


def _field_value(field) -> Callable[[Model], Any]:
    def converted(obj):
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return converted
    kinds = next((kinds for cls, kinds in AS_IS if isinstance(field, cls)), None)
    if kinds is None:
        return converted
    attname = field.attname

    def value(obj):
        raw = getattr(obj, attname)
        if type(raw) not in kinds or (type(raw) is datetime.datetime and raw.tzinfo is None):
            return converted(obj)
        return raw

    return value


@functools.cache
def _value_getters(model: type[Model]) -> list[Callable[[Model], Any]]:
    """One function per column that gives a row's value as COPY takes it."""
    return [_field_value(field) for field in model._meta.concrete_fields]


def update(model: type[Model], objs: Sequence[Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of saved ``objs`` back: COPY into a scratch table, one UPDATE … FROM.

    (The ORM's bulk_update builds a CASE per field and row; at a thousand rows that costs
    about a second of CPU.)
    """
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, fields)
        return
    opts = model._meta
    targets = [_column(model, name) for name in fields]
    quote = connection.ops.quote_name
    table, scratch = quote(opts.db_table), quote(f"bulk_{opts.db_table}")
    columns = ", ".join(quote(f.column) for f in [opts.pk, *targets])
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {scratch} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {scratch} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    (obj.pk, *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in targets))
                )
        assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in targets)
        pk = quote(opts.pk.column)
        cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {scratch} AS s WHERE t.{pk} = s.{pk}")
        cursor.execute(f"DROP TABLE {scratch}")


def _column(model: type[Model], name: str) -> Field:
    """The concrete field ``name`` of ``model`` (a relation's reverse side has no column)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.concrete:
        raise ValueError(f"{model.__name__}.{name} is not a column")
    return field


def int_array(values: Sequence[int | None]) -> str:
    """A PostgreSQL array literal of integers (cheaper than binding a list value by value)."""
    return "{" + ",".join("NULL" if v is None else str(int(v)) for v in values) + "}"
