"""Fixtures for data in and out: files written on the fly, uploads in a temporary media root."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.db import connection

from hamsu.core import roles
from hamsu.crm.models import Activity, Contact, Opportunity

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# Texts an export must neutralise, quote or keep as they are (the export tests' world).
TRICKY = [
    "plain",
    "",
    '=HYPERLINK("http://evil")',
    "+98 21 555",
    "-5",
    "@SUM(A1)",
    "\tindented",
    "\rreturn",
    "a, with comma",
    'a "quoted" word',
    "two\nlines",
    "mid=dle",
    "'already quoted",
    "علی",
]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def write(tmp_path):
    """write("name.csv", text, encoding="utf-8") → path; bytes are written as they are."""

    def make(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return make


@pytest.fixture
def admin(make_person, teams):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])


@pytest.fixture
def world(rep, other_rep, make_account, make_opportunity):
    account = make_account(rep, name="Acme, Inc.")
    for i, text in enumerate(TRICKY):
        Contact.objects.create(
            first_name=text,
            last_name=f"L{i}",
            title=text,
            email=f"c{i}@example.com",
            phone=text[:40],
            account=account if i % 2 else None,
            owner=rep if i % 3 else other_rep,
            team=(rep if i % 3 else other_rep).team,
            external_id=f"E{i}",
        )
    deal = make_opportunity(rep, account=account, amount="1234.50", name="=deal")
    Opportunity.objects.filter(pk=deal.pk).update(
        stage="won", closed_at=datetime.datetime(2024, 3, 1, 12, 0, 0, 123456, tzinfo=datetime.UTC)
    )
    make_opportunity(other_rep, name="Open, still")
    Activity.objects.create(kind="call", subject="-call", body='said "no", twice', account=account, owner=rep)
    # A datetime stored with an offset (as raw SQL writers may leave it on SQLite): the
    # fast path falls back to the ORM's reading for it.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                'UPDATE "crm_contact" SET "created_at" = %s WHERE "external_id" = %s',
                ["2024-01-02 03:04:05+00:00", "E1"],
            )
    Contact.objects.filter(external_id="E2").update(
        created_at=datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.UTC)
    )
