"""Outbound webhooks: signed, delivered after commit, retried with back-off, replayable;
the scanner turns stage events into webhook events. A real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from django.utils import timezone

from hamsu.crm import services as crm
from hamsu.crm.models import StageEvent
from hamsu.dataio import scanner, services, webhooks
from hamsu.dataio.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from hamsu.funnel.models import Handoff, Lead
from tests.dataio.http_receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _receivers_on_this_machine(settings):
    # The test receiver listens on plain http on the loopback address: the operator's
    # allow-list admits it, as it would an intranet receiver (see test_webhook_targets).
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def endpoint(receiver, admin):
    return services.webhook_endpoint_create(
        actor=admin.user,
        url=receiver.url,
        events=["deal.won", "opportunity.stage_changed", "lead.mql", "handoff.sla_breached"],
    )


def test_emit_delivers_a_signed_event_after_commit(receiver, endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        webhooks.emit("deal.won", {"opportunity_id": 7, "amount": "100.00"})
        assert receiver.requests == []  # nothing leaves before the commit
    [request] = receiver.requests
    headers = request["headers"]
    assert headers["X-Hamsu-Event"] == "deal.won"
    assert webhooks.verify(endpoint.secret, headers["X-Hamsu-Signature"], request["body"])
    assert not webhooks.verify("wrong secret", headers["X-Hamsu-Signature"], request["body"])
    envelope = json.loads(request["body"])
    assert envelope["type"] == "deal.won"
    assert envelope["data"] == {"opportunity_id": 7, "amount": "100.00"}
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert envelope["id"] == str(delivery.event_id)


def test_signature_format_and_replay_window():
    header = webhooks.sign("s3cret", 1_700_000_000, b"{}")
    assert header.startswith("t=1700000000,v1=")
    assert len(header.split("v1=")[1]) == 64
    assert webhooks.verify("s3cret", header, b"{}", now=1_700_000_100)
    assert not webhooks.verify("s3cret", header, b"{}", now=1_700_010_000)  # too old


def test_a_rolled_back_change_sends_nothing(receiver, endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                webhooks.emit("deal.won", {"opportunity_id": 1})
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_emit_outside_a_transaction_is_refused(endpoint):
    with pytest.raises(AssertionError):
        # pytest-django wraps the test in a transaction; leave it to emit "outside".
        transaction.get_connection().in_atomic_block = False
        try:
            webhooks.emit("deal.won", {})
        finally:
            transaction.get_connection().in_atomic_block = True


def test_failures_are_retried_with_backoff_then_fail(receiver, endpoint, django_capture_on_commit_callbacks):
    receiver.statuses = [500] * 20
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        webhooks.emit("deal.won", {"n": 1})
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.RETRYING
    assert delivery.attempts == 1
    assert delivery.response_status == 500
    wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=25) < wait <= datetime.timedelta(seconds=30)
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    later = timezone.now() + datetime.timedelta(days=1)
    for _attempt in range(webhooks.MAX_ATTEMPTS):
        webhooks.deliver_due(now=later)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == webhooks.MAX_ATTEMPTS
    assert len(receiver.requests) == webhooks.MAX_ATTEMPTS


def test_replay_from_the_delivery_log_page(
    client, admin, receiver, endpoint, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        webhooks.emit("lead.mql", {"lead_id": 3})
    delivery = WebhookDelivery.objects.get()
    client.force_login(admin.user)
    page = client.get(f"/data/webhooks/{endpoint.pk}/").content.decode()
    assert "lead.mql" in page
    assert "503" in page
    assert "Replay" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/data/webhooks/deliveries/{delivery.pk}/replay/")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 2
    first, second = (json.loads(r["body"])["id"] for r in receiver.requests)
    assert first == second  # same event id: receivers can de-duplicate


def test_scanner_turns_stage_events_into_webhooks_once(
    receiver, endpoint, rep, make_opportunity, django_capture_on_commit_callbacks
):
    scanner.scan()  # a fresh install starts at the end of the log
    deal = make_opportunity(rep)
    crm.opportunity_move_stage(opportunity=deal, to_stage="qualifying", actor=rep.user)
    crm.opportunity_move_stage(opportunity=deal, to_stage="won", actor=rep.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert scanner.scan() == 3  # two stage changes + one deal won (creation is not a change)
    kinds = sorted(json.loads(r["body"])["type"] for r in receiver.requests)
    assert kinds == ["deal.won", "opportunity.stage_changed", "opportunity.stage_changed"]
    won = next(
        json.loads(r["body"]) for r in receiver.requests if json.loads(r["body"])["type"] == "deal.won"
    )
    assert won["data"]["opportunity"]["id"] == deal.pk
    assert won["data"]["to_stage"] == "won"
    assert scanner.scan() == 0  # the bookmark moved


def test_scanner_skips_imported_history_and_reports_sla_breaches(endpoint, rep, make_opportunity):
    scanner.scan()
    deal = make_opportunity(rep)
    with transaction.atomic():
        StageEvent.objects.create(
            object_type="opportunity",
            object_id=deal.pk,
            opportunity=deal,
            from_stage="prospecting",
            to_stage="won",
            via="import",
        )
    assert scanner.scan() == 0
    lead = Lead.objects.create(email="l@example.com", queue="handoff", state="mql")
    now = timezone.now()
    Handoff.objects.create(
        lead=lead, due_at=now - datetime.timedelta(hours=1), escalated_at=now + datetime.timedelta(seconds=1)
    )
    assert scanner.scan() == 1
    delivery = WebhookDelivery.objects.get(event_type="handoff.sla_breached")
    assert delivery.payload["lead_id"] == lead.pk
    assert scanner.scan() == 0


def test_webhook_pages_and_api(client, admin, rep, receiver):
    client.force_login(rep.user)
    assert client.get("/data/webhooks/").status_code == 403
    client.force_login(admin.user)
    client.post("/data/webhooks/", {"url": receiver.url, "events": ["deal.won", "deal.lost"]})
    assert WebhookEndpoint.objects.get().events == ["deal.lost", "deal.won"]
    bad = client.post("/data/webhooks/", {"url": "not a url", "events": ["deal.won"]}, follow=True)
    assert "Enter a valid URL" in bad.content.decode()
    assert WebhookEndpoint.objects.count() == 1

    from hamsu.api import services as tokens

    _token, raw = tokens.token_create(user=admin.user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    created = client.post(
        "/api/v1/data/webhooks",
        json.dumps({"url": receiver.url, "events": ["lead.mql"]}),
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201
    assert len(created.json()["secret"]) == 64
    wrong = client.post(
        "/api/v1/data/webhooks",
        json.dumps({"url": receiver.url, "events": ["lead.sneezed"]}),
        content_type="application/json",
        **auth,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "events"
    patched = client.patch(
        f"/api/v1/data/webhooks/{created.json()['id']}",
        json.dumps({"is_active": False}),
        content_type="application/json",
        **auth,
    )
    assert patched.json()["is_active"] is False
    assert client.get(f"/api/v1/data/webhooks/{created.json()['id']}/deliveries", **auth).json() == []
