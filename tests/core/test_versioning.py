"""No lost updates (issue 18): the version check and bump every service write goes through."""

from __future__ import annotations

import pytest

from hamsu.core.models import AuditEntry
from hamsu.core.versioning import StaleVersion
from hamsu.crm import services as crm

pytestmark = pytest.mark.django_db


def test_every_update_bumps_the_version(rep, make_account):
    account = make_account(rep)
    crm.account_update(account=account, actor=rep.user, industry="Steel")
    crm.account_update(account=account, actor=rep.user, industry="Glass")
    account.refresh_from_db()
    assert account.version == 3


def test_an_edit_on_the_current_version_is_written(rep, make_account):
    account = make_account(rep)
    crm.account_update(account=account, actor=rep.user, expected_version=1, industry="Steel")
    account.refresh_from_db()
    assert account.industry == "Steel"


def test_a_stale_edit_of_the_same_field_writes_nothing(rep, other_rep, make_account):
    account = make_account(rep, name="Acme")
    crm.account_update(account=account, actor=other_rep.user, expected_version=1, industry="Glass")
    with pytest.raises(StaleVersion):
        crm.account_update(account=account, actor=rep.user, expected_version=1, industry="Steel")
    account.refresh_from_db()
    assert account.industry == "Glass"


def test_the_refusal_says_yours_and_theirs_with_who(rep, other_rep, make_account):
    account = make_account(rep)
    crm.account_update(account=account, actor=other_rep.user, expected_version=1, industry="Glass")
    with pytest.raises(StaleVersion) as refused:
        crm.account_update(account=account, actor=rep.user, expected_version=1, industry="Steel")
    conflict = refused.value.conflicts[0]
    assert (conflict.name, conflict.yours, conflict.theirs) == ("industry", "Steel", "Glass")
    assert refused.value.by == other_rep.user


def test_fields_only_the_other_person_changed_are_merged(rep, other_rep, make_account):
    account = make_account(rep, name="Acme")
    crm.account_update(account=account, actor=other_rep.user, expected_version=1, industry="Glass")
    # The form still holds the industry it loaded (empty) and a new domain.
    crm.account_update(
        account=account, actor=rep.user, expected_version=1, industry="", domain="acme.example"
    )
    account.refresh_from_db()
    assert (account.industry, account.domain, account.version) == ("Glass", "acme.example", 3)


def test_strict_refuses_any_change_since(rep, other_rep, make_account):
    account = make_account(rep)
    crm.account_update(account=account, actor=other_rep.user, expected_version=1, industry="Glass")
    with pytest.raises(StaleVersion) as refused:
        crm.account_update(
            account=account, actor=rep.user, expected_version=1, strict=True, domain="a.example"
        )
    assert refused.value.changed == ["industry"]


def test_a_conflict_is_in_the_records_audit_trail(rep, other_rep, make_account):
    account = make_account(rep)
    crm.account_update(account=account, actor=other_rep.user, expected_version=1, industry="Glass")
    with pytest.raises(StaleVersion):
        crm.account_update(account=account, actor=rep.user, expected_version=1, industry="Steel")
    entry = AuditEntry.objects.get(action="conflict", object_id=str(account.pk))
    assert entry.changes["conflicts"] == {"industry": {"yours": "Steel", "theirs": "Glass"}}
