"""The word index behind the "who to contact" search (names, e-mails, account names).

Words are normalised like feedback text (Persian/Arabic letter variants, digits, case),
so "علي" finds "علی". A query word matches every indexed word it begins, found with a
range ``token >= w AND token < w + U+FFFF`` that any database serves from the index.

The directory indexes its people. Records of the apps above it (the CRM's accounts) are
indexed too, but the directory does not import those apps: each registers a ``Source``
from its ``AppConfig.ready()``, as apps register navigation entries and clock jobs.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from hamsu.core.text import normalise
from hamsu.directory.models import Person, SearchIndexState, SearchToken

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKEN = 64
BATCH = 5000


@dataclass(frozen=True)
class Source:
    """One kind of record the index holds."""

    kind: str  # a SearchToken.Kind value
    # Every record as ``(pk, text, …)`` rows; each text's words are indexed.
    texts: Callable[[], QuerySet]
    # The pks of the records changed at or after a moment.
    changed_since: Callable[[datetime.datetime], QuerySet]
    # The SearchIndexState field saying up to when this kind's changes are folded in.
    bookmark: str


_SOURCES: dict[str, Source] = {}


def register(*sources: Source) -> None:
    """Add sources; registering a kind again replaces it (ready() may run twice in tests)."""
    for source in sources:
        _SOURCES[source.kind] = source


register(
    Source(
        kind=SearchToken.Kind.PERSON,
        texts=lambda: Person.objects.values_list("pk", "full_name", "email"),
        changed_since=lambda moment: Person.objects.filter(profile_updated_at__gte=moment).values_list(
            "pk", flat=True
        ),
        bookmark="people_until",
    )
)


def words(text: str) -> list[str]:
    """Distinct normalised words of ``text`` (the e-mail domain is left out: everyone shares it)."""
    text = text or ""
    if "@" in text:
        text = text.split("@", 1)[0]
    seen: list[str] = []
    for word in WORD.findall(normalise(text)):
        word = word[:MAX_TOKEN]
        if word not in seen:
            seen.append(word)
    return seen


def state() -> SearchIndexState | None:
    return SearchIndexState.objects.order_by("pk").first()


def is_built() -> bool:
    row = state()
    return row is not None and row.built_at is not None


def _rows(kind: str, records) -> list[SearchToken]:
    return [
        SearchToken(kind=kind, token=token, object_id=pk)
        for pk, *texts in records
        for token in dict.fromkeys(word for text in texts for word in words(text))
    ]


def refresh(kind: str, ids) -> int:
    """Index the records of ``kind`` with these ids afresh (a deleted one drops out)."""
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        SearchToken.objects.filter(kind=kind, object_id__in=ids[start : start + BATCH]).delete()
    records = _SOURCES[kind].texts().filter(pk__in=ids)
    return len(SearchToken.objects.bulk_create(_rows(kind, records), batch_size=BATCH))


def refresh_people(ids) -> int:
    return refresh(SearchToken.Kind.PERSON, ids)


@transaction.atomic
def rebuild() -> int:
    """Index every record of every source from scratch; the number of words indexed."""
    now = timezone.now()
    SearchToken.objects.all().delete()
    count = 0
    for kind, source in _SOURCES.items():
        batch = []
        for row in source.texts().order_by("pk").iterator(chunk_size=BATCH):
            batch.append(row)
            if len(batch) == BATCH:
                count += len(SearchToken.objects.bulk_create(_rows(kind, batch), batch_size=BATCH))
                batch = []
        count += len(SearchToken.objects.bulk_create(_rows(kind, batch), batch_size=BATCH))
    row = state() or SearchIndexState()
    row.built_at = now
    for source in _SOURCES.values():
        setattr(row, source.bookmark, now)
    row.save()
    return count


@transaction.atomic
def refresh_changed() -> dict[str, int] | None:
    """Fold in the records changed since each kind's bookmark, then move the bookmarks:
    the number refreshed by kind, or None when there was no index yet and it was built."""
    row = SearchIndexState.objects.select_for_update().order_by("pk").first()
    if row is None or row.built_at is None:
        rebuild()
        return None
    now = timezone.now()
    refreshed = {}
    for kind, source in _SOURCES.items():
        since = getattr(row, source.bookmark) or row.built_at
        changed = list(source.changed_since(since))
        refresh(kind, changed)
        refreshed[kind] = len(changed)
        setattr(row, source.bookmark, now)
    row.save(update_fields=[source.bookmark for source in _SOURCES.values()])
    return refreshed


def _prefix(kind: str, word: str):
    return SearchToken.objects.filter(kind=kind, token__gte=word, token__lt=word + "\uffff")


def match(kind: str, phrase: str, *, limit: int) -> list[int]:
    """Ids whose words begin with every word of ``phrase``.

    The words are intersected in the database (``IN`` subqueries), so a common first word
    cannot crowd out the rows the later words would have kept.
    """
    found = None
    for word in words(phrase):
        if found is None:
            found = _prefix(kind, word)
        else:
            found = found.filter(object_id__in=_prefix(kind, word).values("object_id"))
    if found is None:
        return []
    return list(found.order_by().values_list("object_id", flat=True).distinct()[:limit])
