"""The word index behind the "who to contact" search (names, e-mails, account names).

Words are normalised like feedback text (Persian/Arabic letter variants, digits, case),
so "علي" finds "علی". A query word matches every indexed word it begins, found with a
range ``token >= w AND token < w + U+FFFF`` that any database serves from the index.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from hamsu.collaboration.clustering import normalise
from hamsu.collaboration.models import SearchIndexState, SearchToken

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TOKEN = 64
BATCH = 5000


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


def _person_rows(people) -> list[SearchToken]:
    return [
        SearchToken(kind=SearchToken.Kind.PERSON, token=token, object_id=pk)
        for pk, name, email in people
        for token in dict.fromkeys(words(name) + words(email))
    ]


def _account_rows(accounts) -> list[SearchToken]:
    return [
        SearchToken(kind=SearchToken.Kind.ACCOUNT, token=token, object_id=pk)
        for pk, name in accounts
        for token in words(name)
    ]


def _replace(kind: str, ids: list[int], rows: list[SearchToken]) -> None:
    for start in range(0, len(ids), BATCH):
        SearchToken.objects.filter(kind=kind, object_id__in=ids[start : start + BATCH]).delete()
    SearchToken.objects.bulk_create(rows, batch_size=BATCH)


def refresh_people(ids) -> None:
    from hamsu.directory.models import Person

    ids = list(ids)
    people = Person.objects.filter(pk__in=ids).values_list("pk", "full_name", "email")
    _replace(SearchToken.Kind.PERSON, ids, _person_rows(people))


def refresh_accounts(ids) -> None:
    from hamsu.crm.models import Account

    ids = list(ids)
    _replace(
        SearchToken.Kind.ACCOUNT,
        ids,
        _account_rows(Account.objects.filter(pk__in=ids).values_list("pk", "name")),
    )


@transaction.atomic
def rebuild() -> int:
    """Index every person and account from scratch."""
    from hamsu.crm.models import Account
    from hamsu.directory.models import Person

    now = timezone.now()
    SearchToken.objects.all().delete()
    count = 0
    people = Person.objects.order_by("pk").values_list("pk", "full_name", "email")
    batch = []
    for row in people.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            count += len(SearchToken.objects.bulk_create(_person_rows(batch), batch_size=BATCH))
            batch = []
    count += len(SearchToken.objects.bulk_create(_person_rows(batch), batch_size=BATCH))
    batch = []
    for row in Account.objects.order_by("pk").values_list("pk", "name").iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            count += len(SearchToken.objects.bulk_create(_account_rows(batch), batch_size=BATCH))
            batch = []
    count += len(SearchToken.objects.bulk_create(_account_rows(batch), batch_size=BATCH))
    row = state() or SearchIndexState()
    row.built_at = row.accounts_until = row.people_until = now
    row.save()
    return count


@transaction.atomic
def refresh_changed() -> tuple[int, int]:
    """Fold in accounts and people changed since the bookmark (accounts by ``updated_at``,
    people by ``profile_updated_at``), then move the bookmark."""
    from hamsu.crm.models import Account
    from hamsu.directory.models import Person

    row = SearchIndexState.objects.select_for_update().order_by("pk").first()
    if row is None or row.built_at is None:
        rebuild()
        return (-1, -1)
    now = timezone.now()
    accounts = list(Account.objects.filter(updated_at__gte=row.accounts_until).values_list("pk", flat=True))
    people = list(
        Person.objects.filter(profile_updated_at__gte=row.people_until).values_list("pk", flat=True)
    )
    refresh_accounts(accounts)
    refresh_people(people)
    row.accounts_until = row.people_until = now
    row.save(update_fields=["accounts_until", "people_until"])
    return len(accounts), len(people)


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
