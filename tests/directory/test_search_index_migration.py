"""The who-to-contact word index moves from collaboration to the directory without copying
a row (directory 0003, collaboration 0003): the tables are renamed, and the words with
their ids, the named indexes and the bookmark are the same afterwards, so the search
keeps answering from the index.

Runs the real migrations: back to just before the move, words written with the historical
collaboration models, then forward to the latest migrations again (and back once more)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hamsu.directory import search_index
from hamsu.directory.models import SearchIndexState, SearchToken
from hamsu.directory.selectors import who_to_contact

# Migrating renames tables, which a test's own transaction would hide or refuse.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("directory", "0002_coverage_to_crm"), ("collaboration", "0002_notifications_to_core")]
OLD_TABLES = {"collaboration_searchtoken", "collaboration_searchindexstate"}
NEW_TABLES = {"directory_searchtoken", "directory_searchindexstate"}
NAMED_INDEXES = {"search_token_idx", "search_token_object_idx"}


def _migrate(targets=None):
    """Migrate to ``targets`` (the latest of every app when None); the apps at that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def _words(model) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list("pk", "kind", "token", "object_id"))


def test_the_index_moves_to_the_directory_with_every_word(make_person):
    person = make_person("Parisa Parsa")
    built = timezone.now().replace(microsecond=0)
    ContentType.objects.get_for_model(SearchToken)  # as on a running install
    content_type = ContentType.objects.get(app_label="directory", model="searchtoken").pk
    try:
        old = _migrate(BEFORE)
        tables_before = _tables()
        OldToken = old.get_model("collaboration", "SearchToken")
        OldToken.objects.bulk_create(
            [
                OldToken(kind="person", token="parisa", object_id=person.pk),
                OldToken(kind="person", token="parsa", object_id=person.pk),
                OldToken(kind="account", token="kavir", object_id=7),
            ]
        )
        old.get_model("collaboration", "SearchIndexState").objects.create(
            built_at=built, accounts_until=built, people_until=built
        )
        before = _words(OldToken)
        content_type_before = ContentType.objects.get(app_label="collaboration", model="searchtoken").pk
    finally:
        _migrate()
    assert tables_before >= OLD_TABLES
    assert not NEW_TABLES & tables_before
    assert content_type_before == content_type

    tables = _tables()
    assert tables >= NEW_TABLES
    assert not OLD_TABLES & tables
    # Every word with its id, and the bookmark.
    assert _words(SearchToken) == before
    state = SearchIndexState.objects.get()
    assert state.built_at == built
    assert state.people_until == built
    # The named indexes went with the table.
    assert _indexes("directory_searchtoken") >= NAMED_INDEXES
    # The permissions' content type moved with the model.
    assert ContentType.objects.get_for_model(SearchToken).pk == content_type
    # The search answers from the moved index.
    assert search_index.is_built()
    assert search_index.match("person", "pars", limit=5) == [person.pk]
    assert [m.person for m in who_to_contact(q="Parsa")] == [person]
    # New words get ids after the moved ones.
    fresh = SearchToken.objects.create(kind="person", token="new", object_id=person.pk)
    assert fresh.pk > max(row[0] for row in before)


def test_going_back_puts_the_words_in_collaborations_tables(make_person):
    person = make_person("Parisa Parsa")
    assert search_index.rebuild() > 0
    after = _words(SearchToken)
    try:
        old = _migrate(BEFORE)
        back = _words(old.get_model("collaboration", "SearchToken"))
        tables = _tables()
        indexes = _indexes("collaboration_searchtoken")
    finally:
        _migrate()
    assert back == after
    assert not NEW_TABLES & tables
    assert indexes >= NAMED_INDEXES
    # Forward again: the same words, not doubled.
    assert _words(SearchToken) == after
    assert search_index.match("person", "parisa", limit=5) == [person.pk]
