"""Every write path stores datetimes exactly as the ORM does (``hamsu.core.db_datetimes``).

On SQLite the ORM writes and compares naive UTC text; a value stored with an offset
(``…+00:00``) sorts after it and escapes ``<=`` filters and keyset cursors. These tests
write through the bulk paths (imports, the demo generator, raw parameters, restore) and
read the stored text back; on PostgreSQL (timestamptz) there is no text to differ, and the
boundary checks still run.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection, models

from hamsu.core.db_datetimes import canonical_sqlite_text, normalise_sqlite_datetimes, stored_datetime
from hamsu.dataio import services
from hamsu.funnel.models import Lead, LeadState

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MIGRATION = importlib.import_module("hamsu.dataio.migrations.0003_normalise_sqlite_datetimes")


def stored_texts_not_as_the_orm_writes() -> list[tuple[str, str, str]]:
    """(table, column, text) of every stored datetime of Hamsu's tables the ORM would not
    have written that way (SQLite; PostgreSQL stores no text)."""
    if connection.vendor != "sqlite":
        return []
    found = []
    with connection.cursor() as cursor:
        for table, columns in MIGRATION._datetime_columns(apps):
            for column in columns:
                cursor.execute(f'SELECT CAST("{column}" AS text) FROM "{table}" WHERE "{column}" IS NOT NULL')
                found.extend(
                    (table, column, text)
                    for (text,) in cursor.fetchall()
                    if canonical_sqlite_text(text) != text
                )
    return found


def run_import(tmp_path, name: str, text: str, kind: str, mapping: dict):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    job = services.import_job_create(actor=None, kind=kind, path=path, mapping=mapping, via="cli")
    job = services.import_job_execute(job_id=job.pk, dry_run=False)
    assert job.error_count == 0, job.message
    return job


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_imports_store_datetimes_as_the_orm_does(tmp_path, make_person):
    make_person("Sam Seller")
    run_import(
        tmp_path,
        "leads.csv",
        "id,created\nL1,2018-05-31\nL2,2018-06-01T10:00:00+03:30\n",
        "leads",
        {
            "kind": "leads",
            "columns": {"external_id": "id", "created_at": "created"},
            "defaults": {"state": "mql"},
        },
    )
    run_import(
        tmp_path,
        "deals.csv",
        "id,lead,owner,stage,amount,engaged,closed\nD1,L1,Sam Seller,won,10,2018-06-02,2018-07-01 12:00:00\n",
        "opportunities",
        {
            "kind": "opportunities",
            "columns": {
                "external_id": "id",
                "lead": "lead",
                "owner": "owner",
                "stage": "stage",
                "amount": "amount",
            },
            "stage_history": {"qualifying": "engaged", "won": "closed"},
            "options": {"placeholder_account": "Unknown"},
        },
    )
    run_import(
        tmp_path,
        "contacts.csv",
        "email,last,created\na@b.example,Ahmadi,2019-01-02 03:04:05\n",
        "contacts",
        {"kind": "contacts", "columns": {"email": "email", "last_name": "last", "created_at": "created"}},
    )
    run_import(
        tmp_path,
        "activities.csv",
        "subject,deal,owner,at\nCall,D1,Sam Seller,2018-06-03 09:00\n",
        "activities",
        {
            "kind": "activities",
            "columns": {"subject": "subject", "opportunity": "deal", "owner": "owner", "occurred_at": "at"},
        },
    )
    assert stored_texts_not_as_the_orm_writes() == []


def test_the_demo_generator_and_a_restore_store_datetimes_as_the_orm_does():
    import io

    from hamsu.dataio.backup import backup_write, restore_read
    from hamsu.demo import generator

    generator.generate(
        scale="tiny", seed=3, now=datetime.datetime(2025, 3, 1, tzinfo=UTC), progress=lambda m: None
    )
    assert stored_texts_not_as_the_orm_writes() == []
    archive = io.BytesIO()
    backup_write(archive)
    archive.seek(0)
    restore_read(archive, replace=True)
    assert stored_texts_not_as_the_orm_writes() == []


def test_a_raw_parameter_is_stored_and_compared_as_the_orm_does():
    moment = datetime.datetime(2018, 5, 31, 0, 0, tzinfo=UTC)
    lead = Lead.objects.create(
        external_id="orm", state=LeadState.MQL, queue="handoff", created_at=moment, state_changed_at=moment
    )
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "funnel_lead" SET "state_changed_at" = %s WHERE "id" = %s', [moment, lead.pk])
        cursor.execute('SELECT COUNT(*) FROM "funnel_lead" WHERE "created_at" >= %s', [moment])
        at_or_after = cursor.fetchone()[0]
    assert at_or_after == 1
    assert Lead.objects.filter(state_changed_at__lte=moment).count() == 1


def test_the_shared_adapter_is_what_the_orm_stores():
    moment = datetime.datetime(
        2018, 5, 31, 4, 30, 0, 120000, tzinfo=datetime.timezone(datetime.timedelta(hours=4, minutes=30))
    )
    expected = connection.ops.adapt_datetimefield_value(moment)
    assert stored_datetime(moment) == expected
    assert stored_datetime(moment.isoformat()) == expected


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL stores timestamptz, not text")
def test_the_migration_rewrites_offsets_into_the_orms_text():
    lead = Lead.objects.create(external_id="old", state=LeadState.MQL, queue="handoff")
    with connection.cursor() as cursor:
        # Text as bulk writes stored it before the fix (plain strings, so no adapter runs).
        cursor.execute(
            'UPDATE "funnel_lead" SET "created_at" = %s, "state_changed_at" = %s, "updated_at" = %s WHERE "id" = %s',
            [
                "2018-05-31 00:00:00+00:00",
                "2018-06-01T02:00:00.500000+03:30",
                "2018-06-01 00:00:00Z",
                lead.pk,
            ],
        )
    assert len(stored_texts_not_as_the_orm_writes()) == 3
    rewritten = normalise_sqlite_datetimes(connection, MIGRATION._datetime_columns(apps))
    assert rewritten == 3
    assert stored_texts_not_as_the_orm_writes() == []
    lead.refresh_from_db()
    assert lead.state_changed_at == datetime.datetime(2018, 5, 31, 22, 30, 0, 500000, tzinfo=UTC)
    assert Lead.objects.filter(created_at__lte=datetime.datetime(2018, 5, 31, tzinfo=UTC)).count() == 1


def test_the_migration_covers_every_datetime_column_of_hamsus_tables():
    covered = {(table, column) for table, columns in MIGRATION._datetime_columns(apps) for column in columns}
    for model in apps.get_models():
        if not model._meta.app_config.name.startswith("hamsu.") or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, models.DateTimeField):
                assert (model._meta.db_table, field.column) in covered
