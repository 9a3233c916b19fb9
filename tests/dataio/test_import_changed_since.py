"""Imports that update existing records do not overwrite a newer change made in Hamsu
(issue 18): a file with its own ``updated_at`` column says when each row's record last
changed where the file came from; a record changed in Hamsu after that is reported on its
row and left alone, unless the user asks to overwrite (an option of the mapping)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.crm import services as crm
from hamsu.crm.models import Account, Contact
from hamsu.dataio import services
from hamsu.dataio.engine import OVERWRITE_NEWER

pytestmark = pytest.mark.django_db

ACCOUNTS = {"columns": {"name": "name", "industry": "industry", "updated_at": "updated_at"}}
CONTACTS = {"columns": {"last_name": "last", "email": "email", "title": "title", "updated_at": "updated_at"}}


def run(path, kind, mapping, *, dry_run=False):
    job = services.import_job_create(actor=None, kind=kind, path=path, mapping=mapping, via="cli")
    return services.import_job_execute(job_id=job.pk, dry_run=dry_run)


def _stamp(hours_ago: int) -> str:
    return (timezone.now() - datetime.timedelta(hours=hours_ago)).isoformat(timespec="seconds")


@pytest.fixture
def acme(rep, make_account):
    account = make_account(rep, name="Acme")
    return crm.account_update(account=account, actor=None, industry="Wholesale")  # changed in Hamsu now


def test_a_row_older_than_the_change_in_hamsu_does_not_overwrite_it(write, acme):
    run(write("a.csv", f"name,industry,updated_at\nAcme,Banking,{_stamp(24)}\n"), "accounts", ACCOUNTS)
    assert Account.objects.get(pk=acme.pk).industry == "Wholesale"


def test_the_row_is_reported_with_the_record_and_the_fields_it_would_have_changed(write, acme):
    job = run(write("a.csv", f"name,industry,updated_at\nAcme,Banking,{_stamp(24)}\n"), "accounts", ACCOUNTS)
    messages = list(job.issues.filter(kind="warning", row=2).values_list("message", flat=True))
    assert any(f"#{acme.pk}" in m and "industry" in m for m in messages)


def test_the_summary_counts_the_records_left_alone(write, acme):
    job = run(write("a.csv", f"name,industry,updated_at\nAcme,Banking,{_stamp(24)}\n"), "accounts", ACCOUNTS)
    assert job.summary["changed_in_hamsu"] == 1


def test_the_dry_run_reports_it_too(write, acme):
    job = run(
        write("a.csv", f"name,industry,updated_at\nAcme,Banking,{_stamp(24)}\n"),
        "accounts",
        ACCOUNTS,
        dry_run=True,
    )
    assert job.summary["changed_in_hamsu"] == 1


def test_asking_to_overwrite_writes_the_row(write, acme):
    mapping = {**ACCOUNTS, "options": {OVERWRITE_NEWER: True}}
    run(write("a.csv", f"name,industry,updated_at\nAcme,Banking,{_stamp(24)}\n"), "accounts", mapping)
    assert Account.objects.get(pk=acme.pk).industry == "Banking"


def test_a_row_newer_than_the_change_in_hamsu_is_written(write, acme):
    later = (timezone.now() + datetime.timedelta(minutes=5)).isoformat(timespec="seconds")
    run(write("a.csv", f"name,industry,updated_at\nAcme,Banking,{later}\n"), "accounts", ACCOUNTS)
    assert Account.objects.get(pk=acme.pk).industry == "Banking"


def test_a_file_without_updated_at_updates_as_before(write, acme):
    run(
        write("a.csv", "name,industry\nAcme,Banking\n"),
        "accounts",
        {"columns": {"name": "name", "industry": "industry"}},
    )
    assert Account.objects.get(pk=acme.pk).industry == "Banking"


def test_a_contact_changed_in_hamsu_after_its_row_is_left_alone(write, rep):
    contact = crm.contact_create(actor=None, last_name="Karimi", email="k@example.com", owner=rep)
    crm.contact_update(contact=contact, actor=None, title="CFO")
    run(
        write("c.csv", f"last,email,title,updated_at\nKarimi,k@example.com,CEO,{_stamp(24)}\n"),
        "contacts",
        CONTACTS,
    )
    assert Contact.objects.get(pk=contact.pk).title == "CFO"


def test_a_contact_row_is_written_when_asked_to_overwrite(write, rep):
    contact = crm.contact_create(actor=None, last_name="Karimi", email="k@example.com", owner=rep)
    crm.contact_update(contact=contact, actor=None, title="CFO")
    mapping = {**CONTACTS, "options": {OVERWRITE_NEWER: True}}
    run(
        write("c.csv", f"last,email,title,updated_at\nKarimi,k@example.com,CEO,{_stamp(24)}\n"),
        "contacts",
        mapping,
    )
    assert Contact.objects.get(pk=contact.pk).title == "CEO"
