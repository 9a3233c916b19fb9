"""The capture endpoint is answered before most of the middleware (issue 17: web CPU per
capture). What it skips must not change what a sender or a browser gets: the security
headers, a Content-Security-Policy, the payload limit in the sender's language, the
sender's language whatever the serving thread spoke last, a 503 when the database is
busy; and on PostgreSQL the intake INSERT is a prepared statement (unless turned off)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends import utils as db_utils
from django.db.utils import OperationalError
from django.utils import translation

from hamsu.funnel.models import CaptureRequest
from hamsu.funnel.services import capture as capture_services
from hamsu.funnel.services.capture import capture_form_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_capture_state")]

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)


@pytest.fixture
def form(db):
    return capture_form_create(
        actor=None, name="Fast path form", allowed_origins=[], rate_limit_per_minute=60
    )


def post(client, form, data, **headers):
    return client.post(
        f"/api/v1/funnel/capture/{form.key}", data=data, content_type="application/json", headers=headers
    )


def test_a_capture_reply_forbids_content_sniffing(client, form):
    response = post(client, form, {"email": "ana@pars.example"})
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_capture_reply_carries_a_referrer_policy(client, form):
    response = post(client, form, {"email": "ana@pars.example"})
    assert response["Referrer-Policy"] == "same-origin"


def test_a_capture_reply_carries_a_policy_that_loads_nothing(client, form):
    response = post(client, form, {"email": "ana@pars.example"})
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_capture_reply_may_not_be_framed(client, form):
    response = post(client, form, {"email": "ana@pars.example"})
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_refused_capture_carries_the_policy_too(client, form):
    response = post(client, form, {"first_name": "Sara"})
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_pages_keep_the_sites_own_policy(client):
    assert "default-src 'self'" in client.get("/login/")["Content-Security-Policy"]


def test_an_oversized_capture_is_refused_with_413(client, form, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(client, form, {"email": "ana@pars.example", "company": "x" * 200})
    assert response.status_code == 413


def test_an_oversized_capture_is_refused_as_problem_details_naming_the_body(client, form, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(client, form, {"email": "ana@pars.example", "company": "x" * 200})
    assert [e["field"] for e in response.json()["errors"]] == ["body"]


def test_an_oversized_capture_is_refused_in_the_senders_language(client, form, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post(
        client, form, {"email": "ana@pars.example", "company": "x" * 200}, **{"Accept-Language": "fa"}
    )
    assert response.json()["title"] != "Payload too large"


def test_an_oversized_capture_stores_nothing(client, form, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    post(client, form, {"email": "ana@pars.example", "company": "x" * 200})
    assert not CaptureRequest.objects.exists()


def test_the_reply_is_in_the_senders_language_whatever_the_thread_spoke_last(client, form):
    # A thread that served a Persian page keeps Persian active; a capture sent without
    # Accept-Language is answered in the default language all the same.
    with translation.override("fa"):
        response = post(client, form, {"first_name": "Sara"})
    assert response.json()["errors"][0]["message"] == "Give an e-mail or a phone number."


def test_the_reply_names_its_language(client, form):
    response = post(client, form, {"email": "ana@pars.example"})
    assert response["Content-Language"] == "en"


def test_the_accepted_reply_is_json(client, form):
    response = post(client, form, {"email": "ana@pars.example"})
    assert response["Content-Type"] == "application/json"


def test_the_accepted_reply_names_the_stored_row(client, form):
    response = post(client, form, {"email": "ana@pars.example"})
    assert response.json() == {"id": CaptureRequest.objects.get().pk, "status": "accepted"}


def _locked(*args, **kwargs):
    raise OperationalError("database is locked")


def test_a_busy_database_is_a_503_that_still_names_its_language(client, form, monkeypatch):
    client.raise_request_exception = False
    post(client, form, {"email": "warm@pars.example"})  # the form is cached: only the INSERT fails
    monkeypatch.setattr(db_utils.CursorWrapper, "execute", _locked)
    monkeypatch.setattr(db_utils.CursorDebugWrapper, "execute", _locked)
    response = post(client, form, {"email": "ana@pars.example"})
    assert response.status_code == 503
    assert response["Content-Language"] == "en"


def _prepared_intake_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [s for (s,) in cursor.fetchall() if "funnel_capturerequest" in s]


@postgres_only
def test_on_postgresql_the_intake_insert_is_prepared_once(client, form):
    for i in range(3):
        post(client, form, {"email": f"p{i}@pars.example"}, **{"Idempotency-Key": f"p{i}"})
    assert len([s for s in _prepared_intake_statements() if s.startswith("INSERT")]) == 1


@postgres_only
def test_a_replayed_key_on_a_prepared_connection_gets_the_first_row(client, form):
    first = post(client, form, {"email": "r@pars.example"}, **{"Idempotency-Key": "same"})
    again = post(client, form, {"email": "r@pars.example"}, **{"Idempotency-Key": "same"})
    assert again.json()["id"] == first.json()["id"]


@postgres_only
def test_prepared_statements_can_be_turned_off(form, settings):
    settings.HAMSU_CAPTURE_PREPARED_STATEMENTS = False
    with capture_services._intake_cursor() as cursor:
        assert not isinstance(cursor.cursor, capture_services._prepared_cursor_class())


@postgres_only
def test_a_lock_timeout_on_the_prepared_insert_is_a_503(client, form, monkeypatch):
    import psycopg

    def lock_not_available(*args, **kwargs):
        raise psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")

    client.raise_request_exception = False
    post(client, form, {"email": "warm@pars.example"})
    monkeypatch.setattr(capture_services._prepared_cursor_class(), "execute", lock_not_available)
    response = post(client, form, {"email": "ana@pars.example"})
    assert response.status_code == 503
