"""A database that is only busy answers 503 with Retry-After, not 500 (issue 17).

SQLite's single writer gives "database is locked" after busy_timeout; PostgreSQL cancels a
statement on lock_timeout, a deadlock or a serialization conflict. The request was fine; the
client should come back, and says so in the reader's language."""

from __future__ import annotations

from contextlib import contextmanager

import psycopg.errors
import pytest
from django.db import OperationalError
from django.db.backends import utils as db_utils

from hamsu.api import services as tokens
from hamsu.core.db_busy import is_database_busy
from hamsu.funnel.services.capture import capture_form_create


@contextmanager
def database_locked():
    """Inside, every query fails as SQLite's does when another writer holds the lock too long."""
    with pytest.MonkeyPatch.context() as patch:
        for wrapper in (db_utils.CursorWrapper, db_utils.CursorDebugWrapper):
            patch.setattr(wrapper, "execute", _locked)
            patch.setattr(wrapper, "executemany", _locked)
        yield


@pytest.fixture
def unraised(client):
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_a_page_answers_503_when_the_database_is_locked(unraised, rep):
    unraised.force_login(rep.user)
    with database_locked():
        response = unraised.get("/crm/opportunities/")
    assert response.status_code == 503


@pytest.mark.django_db
def test_a_page_says_when_to_come_back(unraised, rep):
    unraised.force_login(rep.user)
    with database_locked():
        response = unraised.get("/crm/opportunities/")
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_the_busy_page_says_so_in_persian(unraised, rep):
    unraised.force_login(rep.user)
    unraised.cookies["django_language"] = "fa"
    with database_locked():
        html = unraised.get("/crm/opportunities/").content.decode()
    assert "همسو مشغول است" in html


@pytest.mark.django_db
def test_the_api_answers_problem_details_when_the_database_is_locked(unraised, rep):
    _token, raw = tokens.token_create(user=rep.user, name="test")
    with database_locked():
        response = unraised.get("/api/v1/opportunities", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503


@pytest.mark.django_db
def test_a_capture_when_the_database_is_locked_can_be_retried(unraised):
    form = capture_form_create(actor=None, name="Demo form", allowed_origins=[], rate_limit_per_minute=60)
    with database_locked():
        response = unraised.post(
            f"/api/v1/funnel/capture/{form.key}",
            data={"email": "ana@example.com"},
            content_type="application/json",
            headers={"Idempotency-Key": "k-1"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_any_other_error_is_still_a_500(unraised, rep, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("no such table: crm_opportunity")

    unraised.force_login(rep.user)
    monkeypatch.setattr(db_utils.CursorWrapper, "execute", broken)
    monkeypatch.setattr(db_utils.CursorDebugWrapper, "execute", broken)
    assert unraised.get("/crm/opportunities/").status_code == 500


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


def _wrapped(driver_error: Exception) -> OperationalError:
    """What Django raises: its own OperationalError caused by the driver's."""
    try:
        try:
            raise driver_error
        except Exception as error:
            raise OperationalError(str(error)) from error
    except OperationalError as wrapped:
        return wrapped


@pytest.mark.parametrize(
    "driver_error",
    [
        psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
    ],
    ids=["lock timeout", "deadlock", "serialization"],
)
def test_postgresql_contention_counts_as_busy(driver_error):
    assert is_database_busy(_wrapped(driver_error))


def test_a_missing_table_is_not_busy():
    assert not is_database_busy(_wrapped(psycopg.errors.UndefinedTable("relation does not exist")))
