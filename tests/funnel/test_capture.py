"""Lead capture: a form fill becomes a deduplicated contact/account, a touch and a scored
lead; keys, origins, rate limits and Idempotency-Key are honoured; bulk is queued durably."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from hamsu.crm.models import Account, Contact
from hamsu.funnel.models import CaptureBatch, CaptureItem, Lead, LeadTouch
from hamsu.funnel.services.capture import capture_form_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def form(db):
    return capture_form_create(
        actor=None,
        name="Website demo form",
        allowed_origins=["https://www.arya.example"],
        rate_limit_per_minute=5,
    )


def post(client, form, data, **headers):
    return client.post(
        f"/api/v1/funnel/capture/{form.key}", data=data, content_type="application/json", headers=headers
    )


def test_it_captures_a_lead_with_contact_account_and_touch(client, form):
    response = post(
        client,
        form,
        {
            "email": "Sara@Pars-Steel.example",
            "first_name": "Sara",
            "last_name": "Ahmadi",
            "company": "Pars Steel",
            "employees": 800,
        },
    )
    assert response.status_code == 201, response.content
    lead = Lead.objects.get(pk=response.json()["lead_id"])
    assert lead.email == "sara@pars-steel.example" and lead.state == "inquiry"
    assert lead.contact.email == lead.email and lead.account.domain == "pars-steel.example"
    assert LeadTouch.objects.filter(lead=lead, kind="form_fill").exists()
    assert lead.score > 0 and lead.score_reasons


def test_a_second_fill_reuses_contact_account_and_lead(client, form):
    post(client, form, {"email": "a@pars.example", "last_name": "A"})
    response = post(client, form, {"email": "b@pars.example", "last_name": "B"})
    post(client, form, {"email": "a@pars.example", "last_name": "A", "touch_kind": "webinar"})
    assert Account.objects.filter(domain="pars.example").count() == 1
    assert Contact.objects.count() == 2 and Lead.objects.count() == 2
    assert response.status_code == 201
    assert LeadTouch.objects.filter(lead__email="a@pars.example").count() == 2


def test_free_mail_does_not_merge_companies(client, form):
    post(client, form, {"email": "x@gmail.com", "last_name": "X", "company": "One"})
    post(client, form, {"email": "y@gmail.com", "last_name": "Y", "company": "Two"})
    assert Account.objects.filter(domain="gmail.com").count() == 0
    assert Account.objects.count() == 2


def test_idempotency_key_replays_the_first_reply(client, form):
    first = post(client, form, {"email": "once@pars.example"}, **{"Idempotency-Key": "abc-1"})
    again = post(client, form, {"email": "once@pars.example"}, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == 201 and again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert LeadTouch.objects.count() == 1


def test_bad_input_writes_nothing_and_says_which_field(client, form):
    response = post(
        client,
        form,
        {"email": "not-an-email", "employees": "many", "shoe_size": 42},
        **{"Idempotency-Key": "k"},
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"email", "employees", "shoe_size"}
    assert not Lead.objects.exists() and not Contact.objects.exists()
    # The failed attempt did not burn the key: a corrected retry is captured.
    assert post(client, form, {"email": "ok@pars.example"}, **{"Idempotency-Key": "k"}).status_code == 201


def test_unknown_key_and_foreign_origin_are_refused(client, form):
    assert (
        client.post("/api/v1/funnel/capture/nope", data={}, content_type="application/json").status_code
        == 404
    )
    response = post(client, form, {"email": "a@b.example"}, Origin="https://evil.example")
    assert response.status_code == 403 and "Access-Control-Allow-Origin" not in response
    response = post(client, form, {"email": "a@b.example"}, Origin="https://www.arya.example")
    assert (
        response.status_code == 201 and response["Access-Control-Allow-Origin"] == "https://www.arya.example"
    )


def test_preflight_allows_only_listed_origins(client, form):
    ok = client.options(f"/api/v1/funnel/capture/{form.key}", headers={"Origin": "https://www.arya.example"})
    assert ok.status_code == 204 and "Idempotency-Key" in ok["Access-Control-Allow-Headers"]
    bad = client.options(f"/api/v1/funnel/capture/{form.key}", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in bad


def test_rate_limit(client, form):
    codes = [post(client, form, {"email": f"r{i}@pars.example"}).status_code for i in range(7)]
    assert codes[:5] == [201] * 5 and codes[5:] == [429, 429]


def test_html_forms_can_post_form_encoded(client, form):
    response = client.post(
        f"/api/v1/funnel/capture/{form.key}", data={"email": "html@pars.example", "employees": "30"}
    )
    assert response.status_code == 201
    assert Lead.objects.get().employees == 30


def test_bulk_is_stored_then_processed_with_row_errors(
    client, marketer, rep, django_capture_on_commit_callbacks
):
    client.force_login(marketer.user)
    leads = [{"email": f"b{i}@bulk{i % 3}.example", "last_name": f"B{i}"} for i in range(10)] + [
        {"email": "broken"}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/funnel/capture-batches",
            data={"leads": leads},
            content_type="application/json",
            headers={"Idempotency-Key": "batch-1"},
        )
    assert response.status_code == 202, response.content
    batch = CaptureBatch.objects.get()
    # The immediate test backend ran the job on commit.
    assert batch.status == "done" and batch.processed == 11 and batch.failed == 1
    assert Lead.objects.count() == 10
    errors = client.get(f"/api/v1/funnel/capture-batches/{batch.pk}/errors").json()
    assert errors[0]["position"] == 10 and "email" in errors[0]["error"]
    again = client.post(
        "/api/v1/funnel/capture-batches",
        data={"leads": leads},
        content_type="application/json",
        headers={"Idempotency-Key": "batch-1"},
    )
    assert again.status_code == 200 and CaptureBatch.objects.count() == 1
    client.force_login(rep.user)
    assert (
        client.post(
            "/api/v1/funnel/capture-batches", data={"leads": leads}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_queued_batch_survives_and_is_drained(marketer):
    from hamsu.funnel.services.capture import capture_drain

    batch = CaptureBatch.objects.create(total=1)
    CaptureItem.objects.create(batch=batch, position=0, payload={"email": "late@pars.example"})
    assert capture_drain() == 1
    assert Lead.objects.filter(email="late@pars.example").exists()
