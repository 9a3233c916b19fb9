"""Lead capture: a form fill is checked and stored durably (202), then the worker turns it
into a deduplicated contact/account, a touch and a scored lead; keys, origins, rate
limits and Idempotency-Key are honoured; bulk is queued durably and processed in chunks."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from hamsu.campaigns.models import Touchpoint
from hamsu.core.models import AuditEntry
from hamsu.crm.models import Account, Contact, StageEvent
from hamsu.funnel import capture_http, capture_touches
from hamsu.funnel.models import CaptureBatch, CaptureItem, CaptureRequest, Handoff, Lead, LeadTouch
from hamsu.funnel.services.capture import capture_form_create
from hamsu.funnel.services.capture_process import capture_drain, lead_capture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_capture_state")]


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


def lead_of(response) -> Lead:
    """The lead a 202 turned into, once the worker ran."""
    return CaptureRequest.objects.get(pk=response.json()["id"]).lead


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
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "accepted"
    # Stored durably, not yet a lead: the worker's job.
    assert not Lead.objects.exists()
    assert capture_drain() == 1
    lead = lead_of(response)
    assert lead.email == "sara@pars-steel.example"
    assert lead.state == "inquiry"
    assert lead.contact.email == lead.email
    assert lead.account.domain == "pars-steel.example"
    assert LeadTouch.objects.filter(lead=lead, kind="form_fill").exists()
    assert Touchpoint.objects.filter(contact=lead.contact, kind="form_fill").exists()
    assert lead.score > 0
    assert lead.score_reasons
    assert StageEvent.objects.filter(object_type="lead", object_id=lead.pk, to_stage="inquiry").exists()
    assert AuditEntry.objects.filter(
        object_type="funnel.lead", object_id=str(lead.pk), action="create"
    ).exists()


def test_a_second_fill_reuses_contact_account_and_lead(client, form):
    post(client, form, {"email": "a@pars.example", "last_name": "A"})
    response = post(client, form, {"email": "b@pars.example", "last_name": "B"})
    post(client, form, {"email": "a@pars.example", "last_name": "A", "touch_kind": "webinar"})
    assert response.status_code == 202
    capture_drain()
    assert Account.objects.filter(domain="pars.example").count() == 1
    assert Contact.objects.count() == 2
    assert Lead.objects.count() == 2
    assert LeadTouch.objects.filter(lead__email="a@pars.example").count() == 2


def test_a_returning_lead_is_rescored_with_all_its_touches(client, form):
    first = post(client, form, {"email": "again@pars.example", "touch_kind": "webinar"})
    capture_drain()
    before = lead_of(first).score
    second = post(client, form, {"email": "again@pars.example", "touch_kind": "webinar"})
    capture_drain()
    lead = lead_of(second)
    assert lead == lead_of(first)
    assert lead.touches.count() == 2
    assert lead.score > before
    assert any(r["touches"] == 2 for r in lead.score_reasons)


def test_fills_processed_one_by_one_or_in_one_chunk_end_the_same(client, form):
    form.rate_limit_per_minute = 100
    form.save()
    fills = [
        {"email": "a@pars.example", "last_name": "A", "company": "Pars"},
        {"email": "b@pars.example", "last_name": "B"},
        {"email": "a@pars.example", "touch_kind": "webinar"},
        {"email": "x@gmail.com", "last_name": "X", "company": "Pars Free"},
        {"email": "y@gmail.com", "last_name": "Y", "company": "pars free"},
        {"phone": "+98 21 5555", "last_name": "Phone only"},
    ]

    def outcome():
        return (
            sorted(Account.objects.values_list("name", "domain")),
            sorted(Contact.objects.values_list("email", "account__name")),
            sorted(Lead.objects.values_list("email", "account__name", "state")),
            sorted(LeadTouch.objects.values_list("lead__email", "kind")),
        )

    for fill in fills:
        post(client, form, fill)
        capture_drain()
    one_by_one = outcome()
    for model in (LeadTouch, Lead, Contact, Account):
        model.objects.all().delete()
    cache.clear()
    for fill in fills:
        post(client, form, fill)
    capture_drain()
    assert outcome() == one_by_one
    assert len(one_by_one[2]) == 5  # a@ twice is one lead; the phone-only fill is a lead too


def test_free_mail_does_not_merge_companies(client, form):
    post(client, form, {"email": "x@gmail.com", "last_name": "X", "company": "One"})
    post(client, form, {"email": "y@gmail.com", "last_name": "Y", "company": "Two"})
    capture_drain()
    assert Account.objects.filter(domain="gmail.com").count() == 0
    assert Account.objects.count() == 2


def test_idempotency_key_replays_the_first_reply(client, form):
    first = post(client, form, {"email": "once@pars.example"}, **{"Idempotency-Key": "abc-1"})
    again = post(client, form, {"email": "once@pars.example"}, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == 202
    assert again.status_code == 202
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CaptureRequest.objects.count() == 1
    capture_drain()
    # A retry after the worker ran gets the same answer and still makes nothing new.
    late = post(client, form, {"email": "once@pars.example"}, **{"Idempotency-Key": "abc-1"})
    assert late.status_code == 202
    assert late.json() == first.json()
    capture_drain()
    assert LeadTouch.objects.count() == 1
    assert Lead.objects.count() == 1


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
    assert not CaptureRequest.objects.exists()
    capture_drain()
    assert not Lead.objects.exists()
    assert not Contact.objects.exists()
    # The failed attempt did not burn the key: a corrected retry is captured.
    assert post(client, form, {"email": "ok@pars.example"}, **{"Idempotency-Key": "k"}).status_code == 202


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "sa(ra@pars.example"}, "email"),  # passes the quick check, not the e-mail field's
        ({"email": "sara@pars.example", "landing_url": "ftp://pars.example/form"}, "landing_url"),
        ({"email": "sara@pars.example", "occurred_at": "2999-01-01T10:00:00+00:00"}, "occurred_at"),
        ({"email": "sara@pars.example", "country": "ZZ"}, "country"),  # two letters, not ISO 3166
    ],
)
def test_what_the_records_would_refuse_is_refused_before_the_202(client, form, data, field):
    response = post(client, form, data)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {field}
    assert not CaptureRequest.objects.exists()


def test_a_nul_character_is_a_field_error_not_a_server_error(client, form):
    response = post(client, form, {"email": "nul@pars.example", "first_name": "Sa\x00ra"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"first_name"}
    assert not CaptureRequest.objects.exists()


def test_unknown_key_and_foreign_origin_are_refused(client, form):
    assert (
        client.post("/api/v1/funnel/capture/nope", data={}, content_type="application/json").status_code
        == 404
    )
    response = post(client, form, {"email": "a@b.example"}, Origin="https://evil.example")
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    response = post(client, form, {"email": "a@b.example"}, Origin="https://www.arya.example")
    assert response.status_code == 202
    assert response["Access-Control-Allow-Origin"] == "https://www.arya.example"


def test_preflight_allows_only_listed_origins(client, form):
    ok = client.options(f"/api/v1/funnel/capture/{form.key}", headers={"Origin": "https://www.arya.example"})
    assert ok.status_code == 204
    assert "Idempotency-Key" in ok["Access-Control-Allow-Headers"]
    bad = client.options(f"/api/v1/funnel/capture/{form.key}", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in bad


def test_a_deactivated_form_stops_capturing(client, form):
    assert post(client, form, {"email": "a@pars.example"}).status_code == 202
    form.is_active = False
    form.save()
    assert post(client, form, {"email": "b@pars.example"}).status_code == 404


def test_rate_limit(client, form):
    codes = [post(client, form, {"email": f"r{i}@pars.example"}).status_code for i in range(7)]
    assert codes[:5] == [202] * 5
    assert codes[5:] == [429, 429]


def test_a_busy_form_counts_in_groups_but_keeps_its_limit(form):
    form.rate_limit_per_minute = 100_000
    over = [capture_http.over_rate_limit(form) for _ in range(100_001)]
    assert not any(over[:100_000])
    assert over[-1]


def test_html_forms_can_post_form_encoded(client, form):
    response = client.post(
        f"/api/v1/funnel/capture/{form.key}", data={"email": "html@pars.example", "employees": "30"}
    )
    assert response.status_code == 202
    capture_drain()
    assert Lead.objects.get().employees == 30


def test_the_endpoint_sets_no_cookie_and_speaks_the_senders_language(client, form):
    response = post(client, form, {"first_name": "Sara"}, **{"Accept-Language": "fa"})
    assert response.status_code == 422
    assert not response.cookies
    assert response["Content-Language"] == "fa"
    message = response.json()["errors"][0]["message"]
    assert message != "Give an e-mail or a phone number."
    assert message


def test_a_stored_capture_wakes_the_worker(client, form, django_capture_on_commit_callbacks):
    # Outside the test transaction the capture commits at once and queues the drain.
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form, {"email": "now@pars.example", "last_name": "Now"})
    assert lead_of(response).email == "now@pars.example"


def test_the_drain_job_works_through_everything_queued(client, form):
    from hamsu.funnel.services.capture_process import capture_intake_drain
    from hamsu.funnel.tasks import process_capture_intake

    for i in range(3):
        post(client, form, {"email": f"q{i}@pars.example"})
    # Out of time before it starts: nothing is half done, everything stays queued.
    assert capture_intake_drain(until=0) == 0
    assert CaptureRequest.objects.filter(status="pending").count() == 3
    process_capture_intake.enqueue()  # the immediate test backend runs it now
    assert Lead.objects.count() == 3
    assert not CaptureRequest.objects.filter(status="pending").exists()


def test_a_qualifying_capture_is_routed_and_handed_off(client, form, round_robin, policy, rep):
    response = post(
        client,
        form,
        {"email": "cto@big.example", "company": "Big", "employees": 800, "touch_kind": "demo_request"},
    )
    capture_drain()
    lead = lead_of(response)
    assert lead.state == "mql"
    assert lead.owner == rep
    assert Handoff.objects.filter(lead=lead, status="open").exists()


def test_a_lost_lead_who_comes_back_is_nurtured(client, form):
    from hamsu.funnel.services.capture_process import lead_capture

    lead, created = lead_capture(payload={"email": "back@pars.example"}, form=form)
    assert created
    Lead.objects.filter(pk=lead.pk).update(state="disqualified", queue="recycle")
    response = post(client, form, {"email": "back@pars.example"})
    capture_drain()
    again = lead_of(response)
    assert again.pk == lead.pk
    assert again.state == "nurture"


# ---------------------------------------------------------------- the worker's guarantees


def test_a_crash_mid_chunk_leaves_the_rows_pending_and_a_rerun_captures_each_once(client, form, monkeypatch):
    from django.db import OperationalError

    from hamsu.funnel.services import capture_process

    for i in range(3):
        post(client, form, {"email": f"c{i}@pars.example"}, **{"Idempotency-Key": f"c{i}"})

    def crash(_work):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(capture_process, "_touchpoints", crash)
    with pytest.raises(OperationalError):
        capture_drain()
    assert not Lead.objects.exists()
    assert CaptureRequest.objects.filter(status="pending").count() == 3
    monkeypatch.undo()
    assert capture_drain() == 3
    assert capture_drain() == 0  # processing again finds nothing to do
    assert Lead.objects.count() == 3
    assert LeadTouch.objects.count() == 3
    assert set(CaptureRequest.objects.values_list("status", flat=True)) == {"done"}


def test_one_broken_row_is_marked_failed_and_the_rest_are_captured(client, form, failing_capture):
    for i in range(3):
        post(client, form, {"email": f"p{i}@pars.example"})
    failing_capture(lambda email: email == "p1@pars.example")
    assert capture_drain() == 3
    assert sorted(Lead.objects.values_list("email", flat=True)) == ["p0@pars.example", "p2@pars.example"]
    failed = CaptureRequest.objects.get(status="failed")
    assert failed.payload["email"] == "p1@pars.example"
    assert "a bug" in failed.error["__all__"][0]


# ---------------------------------------------------------------- bulk


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
    assert batch.status == "done"
    assert batch.processed == 11
    assert batch.failed == 1
    assert Lead.objects.count() == 10
    assert Account.objects.count() == 3
    errors = client.get(f"/api/v1/funnel/capture-batches/{batch.pk}/errors").json()
    assert errors[0]["position"] == 10
    assert "email" in errors[0]["error"]
    again = client.post(
        "/api/v1/funnel/capture-batches",
        data={"leads": leads},
        content_type="application/json",
        headers={"Idempotency-Key": "batch-1"},
    )
    assert again.status_code == 200
    assert CaptureBatch.objects.count() == 1
    client.force_login(rep.user)
    assert (
        client.post(
            "/api/v1/funnel/capture-batches", data={"leads": leads}, content_type="application/json"
        ).status_code
        == 403
    )


def test_a_big_batch_is_stored_in_order_and_processed_in_chunks(client, marketer):
    from hamsu.funnel.services.capture_process import capture_batch_process

    client.force_login(marketer.user)
    leads = [{"email": f"n{i}@chunk{i % 7}.example", "last_name": f"N{i}"} for i in range(1200)]
    leads[600] = "not an object"
    response = client.post(
        "/api/v1/funnel/capture-batches", data={"leads": leads}, content_type="application/json"
    )
    assert response.status_code == 202
    batch = CaptureBatch.objects.get()
    assert list(batch.items.order_by("pk").values_list("position", flat=True)) == list(range(1200))
    batch = capture_batch_process(batch_id=batch.pk, limit=500)
    assert batch.status == "done"
    assert batch.processed == 1200
    assert batch.failed == 1
    assert Lead.objects.count() == 1199
    assert Account.objects.count() == 7
    # Running it again (a duplicate job, a drain after a crash) changes nothing.
    capture_batch_process(batch_id=batch.pk)
    assert Lead.objects.count() == 1199
    assert LeadTouch.objects.count() == 1199


def test_a_bulk_row_with_a_nul_character_fails_alone(client, marketer):
    from hamsu.funnel.services.capture_process import capture_batch_process

    client.force_login(marketer.user)
    leads = [{"email": "ok@nul.example"}, {"email": "bad@nul.example", "utm": {"source": "a\x00b"}}]
    response = client.post(
        "/api/v1/funnel/capture-batches", data={"leads": leads}, content_type="application/json"
    )
    assert response.status_code == 202
    batch = capture_batch_process(batch_id=CaptureBatch.objects.get().pk)
    assert batch.processed == 2
    assert batch.failed == 1
    assert list(Lead.objects.values_list("email", flat=True)) == ["ok@nul.example"]
    failed = CaptureItem.objects.get(status="failed")
    assert failed.position == 1
    assert set(failed.error) == {"utm"}


def test_the_drain_job_also_picks_up_a_batch_whose_job_died(client, form):
    from hamsu.funnel.tasks import process_capture_intake

    batch = CaptureBatch.objects.create(total=2)  # stored, but its job never finished
    CaptureItem.objects.create(batch=batch, position=0, payload={"email": "b0@orphan.example"})
    CaptureItem.objects.create(batch=batch, position=1, payload={"email": "b1@orphan.example"})
    post(client, form, {"email": "single@orphan.example"})
    process_capture_intake.enqueue()
    batch.refresh_from_db()
    assert batch.status == "done"
    assert batch.processed == 2
    assert Lead.objects.count() == 3


def test_a_queued_batch_survives_and_is_drained(marketer):
    batch = CaptureBatch.objects.create(total=1)
    CaptureItem.objects.create(batch=batch, position=0, payload={"email": "late@pars.example"})
    assert capture_drain() == 1
    assert Lead.objects.filter(email="late@pars.example").exists()


# ---------------------------------------------------------------- retention


def test_processed_submissions_are_deleted_after_their_keeping_time_and_failed_ones_kept(
    client, form, marketer, failing_capture, django_capture_on_commit_callbacks
):
    from hamsu.funnel.services.capture_retention import capture_prune

    for i in range(3):
        post(client, form, {"email": f"k{i}@keep.example"})
    failing_capture(lambda email: email == "k1@keep.example")
    capture_drain()
    client.force_login(marketer.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/funnel/capture-batches",
            data={"leads": [{"email": "bulk@keep.example"}, {"email": "broken"}]},
            content_type="application/json",
        )
    # Within the keeping time nothing goes; after it, the processed rows do, and only they.
    assert capture_prune(keep_days=30) == {"requests": 0, "items": 0}
    later = timezone.now() + datetime.timedelta(days=31)
    assert capture_prune(keep_days=30, now=later) == {"requests": 2, "items": 1}
    assert list(CaptureRequest.objects.values_list("status", flat=True)) == ["failed"]
    assert list(CaptureItem.objects.values_list("status", flat=True)) == ["failed"]
    # The leads themselves are untouched.
    assert sorted(Lead.objects.values_list("email", flat=True)) == [
        "bulk@keep.example",
        "k0@keep.example",
        "k2@keep.example",
    ]


def test_without_a_touch_recorder_a_capture_makes_its_lead_only(monkeypatch):
    """The funnel's capture does not depend on the campaigns app: with no recorder
    registered (campaigns not installed) the lead is made and no touchpoint is."""
    monkeypatch.setattr(capture_touches, "_RECORDERS", {})
    lead, created = lead_capture(payload={"email": "solo@example.com", "landing_url": "https://x.example/"})
    assert created
    assert Touchpoint.objects.count() == 0
