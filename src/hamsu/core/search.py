"""Searching a list by what people type: every word, in any of the record's text columns,
however it was typed.

"Sara Ahmadi" finds the contact whose first name is Sara and last name Ahmadi: each word
typed must begin or appear in one of the columns (AND over the words, OR over the
columns), so a full name, a name and a company, or one word alone all work.

Persian keyboards and copied text mix letter forms: Arabic ي/ك beside Persian ی/ک, a
zero-width non-joiner or a space between a word and its suffix, Persian, Arabic-Indic or
Latin digits. The query is normalised in Python (``hamsu.core.text.normalise``) and each
column in SQL with the same letter table, so "علي" finds "علی" and "۱۲" finds "12" in either
direction. PostgreSQL does it with one ``translate()``; SQLite with ``hamsu_fold()``, the
same table in Python, given to each connection (``install``, from core's ready()).
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import CharField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Lower

from hamsu.core.text import normalise

MAX_WORDS = 8
# Single characters mapped to one spelling, as in hamsu.core.text (its multi-step rules, NFKC
# and diacritics, are for the query side only). "" removes the character.
_FOLD = {
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ة": "ه",
    "ۀ": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
    "\u200c": " ",  # a word and its suffix: "گروه‌های" is found by "گروه های"
    **{digit: str(value) for value, digit in enumerate("۰۱۲۳۴۵۶۷۸۹")},
    **{digit: str(value) for value, digit in enumerate("٠١٢٣٤٥٦٧٨٩")},
    "\u0640": "",
    "\u200d": "",
}


class _Translate(Func):
    """PostgreSQL's ``translate(text, from, to)``: one pass for the whole letter table."""

    function = "TRANSLATE"
    output_field = CharField()


_TABLE = str.maketrans(_FOLD)
SQLITE_FUNCTION = "hamsu_fold"


def fold(value: str | None) -> str | None:
    """A column's text as SQL sees it for search: the letter table, then lower case."""
    return None if value is None else value.translate(_TABLE).lower()


def install() -> None:
    """Give every SQLite connection ``hamsu_fold()`` (``fold`` above); PostgreSQL needs none."""
    from django.db.backends.signals import connection_created

    connection_created.connect(_add_sqlite_function, dispatch_uid="hamsu-search-fold")


def _add_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


class _Folded(Func):
    """``fold(column)`` on either database."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        kept = "".join(key for key, value in _FOLD.items() if value)
        into = "".join(value for value in _FOLD.values() if value)
        removed = "".join(key for key, value in _FOLD.items() if not value)
        # translate() drops the characters of "from" beyond the length of "to".
        expression = Lower(_Translate(self.source_expressions[0], Value(kept + removed), Value(into)))
        return compiler.compile(expression)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)


def query_words(text: str) -> list[str]:
    """The words of a query, normalised (at most MAX_WORDS; a longer query adds nothing)."""
    return normalise(text or "").split()[:MAX_WORDS]


def filter_words(queryset: QuerySet, text: str, columns: tuple[str, ...]) -> QuerySet:
    """Rows in which every word of ``text`` appears in one of ``columns`` (normalised)."""
    words = query_words(text)
    if not words:
        return queryset
    annotations = {f"_folded_{index}": _Folded(F(column)) for index, column in enumerate(columns)}
    queryset = queryset.alias(**annotations)
    for word in words:
        queryset = queryset.filter(
            reduce(operator.or_, (Q(**{f"{name}__contains": word}) for name in annotations))
        )
    return queryset
