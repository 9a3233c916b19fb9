"""A person's coverage of segments, products and accounts moves from the directory's three
many-to-many tables into the CRM's coverage table (crm 0007, directory 0002): every row
comes across, and going back puts every row back.

Runs the real migrations: back to just before the move, coverage written with the
historical directory model, then forward to the latest migrations again."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hamsu.crm.models import Coverage, Product, Segment

# Migrating creates and drops tables, which a test's own transaction would hide or refuse.
pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("crm", "0006_stage_event_log"), ("directory", "0001_initial")]
OLD_TABLES = ["directory_person_segments", "directory_person_products", "directory_person_accounts_covered"]


def _migrate(targets=None):
    """Migrate to ``targets`` (the latest of every app when None); the apps at that state."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _coverage_rows() -> set[tuple]:
    return set(Coverage.objects.values_list("person_id", "segment_id", "product_id", "account_id"))


def _old_rows(apps) -> set[tuple]:
    """The coverage held by the directory's many-to-many tables, as coverage rows."""
    person = apps.get_model("directory", "Person")
    rows = set()
    for field, column in (("segments", 0), ("products", 1), ("accounts_covered", 2)):
        through = person._meta.get_field(field).remote_field.through
        target = person._meta.get_field(field).m2m_reverse_name()
        for person_id, record_id in through.objects.values_list("person_id", target):
            record = [None, None, None]
            record[column] = record_id
            rows.add((person_id, *record))
    return rows


@pytest.fixture
def world(make_person, make_account, catalogue, rep):
    other = make_person("Mina Marketer")
    return {
        "rep": rep,
        "other": other,
        "segment": catalogue["segment"],
        "second_segment": Segment.objects.create(name="Retail"),
        "product": catalogue["product"],
        "second_product": Product.objects.create(name="Add-on", code="A", list_price=1, unit_cost=1),
        "account": make_account(rep, name="Pars Steel"),
        "second_account": make_account(rep, name="Tehran Tiles"),
    }


def test_every_row_of_coverage_moves_to_the_crm(world):
    rep, other = world["rep"], world["other"]
    try:
        old = _migrate(BEFORE)
        tables_before = _tables()
        OldPerson = old.get_model("directory", "Person")
        old_rep, old_other = OldPerson.objects.get(pk=rep.pk), OldPerson.objects.get(pk=other.pk)
        old_rep.segments.add(world["segment"].pk, world["second_segment"].pk)
        old_rep.products.add(world["product"].pk)
        old_rep.accounts_covered.add(world["account"].pk, world["second_account"].pk)
        old_other.segments.add(world["segment"].pk)
        old_other.products.add(world["product"].pk, world["second_product"].pk)
        before = _old_rows(old)
    finally:
        _migrate()
    assert set(OLD_TABLES) <= tables_before
    assert "crm_coverage" not in tables_before
    assert len(before) == 8

    # Every row came across, each naming the one record it covered.
    assert _coverage_rows() == before
    assert Coverage.objects.count() == 8
    # The directory's tables are gone: nothing in the directory links to the CRM.
    assert not set(OLD_TABLES) & _tables()

    # What the profile shows.
    covered = Coverage.objects.of(rep)
    assert [s.name for s in covered.segments] == ["Manufacturing", "Retail"]
    assert [p.name for p in covered.products] == ["Suite"]
    assert [a.name for a in covered.accounts] == ["Pars Steel", "Tehran Tiles"]


def test_going_back_puts_every_row_in_the_directorys_tables(world):
    rep, other = world["rep"], world["other"]
    Coverage.objects.bulk_create(
        [
            Coverage(person=rep, segment=world["segment"]),
            Coverage(person=rep, account=world["account"]),
            Coverage(person=other, product=world["second_product"]),
            Coverage(person=other, segment=world["second_segment"]),
        ]
    )
    after = _coverage_rows()
    try:
        old = _migrate(BEFORE)
        back = _old_rows(old)
        tables = _tables()
    finally:
        _migrate()
    assert back == after
    assert "crm_coverage" not in tables
    # Forward again: the same rows, not doubled.
    assert _coverage_rows() == after
    assert Coverage.objects.count() == 4
