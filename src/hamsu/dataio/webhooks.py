"""Outbound webhooks: ``emit`` inside the writer's transaction, deliver after commit.

Each POST carries ``X-Hamsu-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
HMAC-SHA256(secret, f"{t}." + body). A receiver recomputes it and refuses old ``t``
(replay protection). Failed deliveries are retried with exponential back-off; after
MAX_ATTEMPTS they stay FAILED in the log, where someone can replay them by hand.

Where a delivery may go (https to public addresses, checked again after DNS resolution
at each attempt, no redirects followed) is ``hamsu.dataio.webhook_targets``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import time

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from hamsu.dataio import webhook_targets
from hamsu.dataio.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 10
# How long a claimed delivery is hidden from other runners: far longer than an attempt
# (connect and answer, each bounded by TIMEOUT_SECONDS), so only a runner that died
# mid-attempt leaves it, and then it is picked up again once the lease runs out.
CLAIM_LEASE = datetime.timedelta(minutes=5)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now: float | None = None) -> bool:
    """What a receiver does (kept here so tests and integrators share one reference)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def backoff(attempts: int) -> datetime.timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at 6 h."""
    return datetime.timedelta(seconds=min(MAX_DELAY_SECONDS, BASE_DELAY_SECONDS * 2 ** max(0, attempts - 1)))


def emit(event_type: str, payload: dict) -> list[int]:
    """Record one delivery per subscribed endpoint; sending starts when the writer commits.

    Call it inside the transaction that makes the change, so an event is never sent for
    a change that rolled back, and never lost for one that committed.
    """
    from hamsu.dataio.tasks import deliver_webhook

    if event_type not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event_type!r}")
    assert transaction.get_connection().in_atomic_block, "emit() runs inside the writer's transaction"
    endpoints = [e for e in WebhookEndpoint.objects.filter(is_active=True) if event_type in (e.events or [])]
    if not endpoints:
        return []
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=e, event_type=event_type, payload=data, created_at=now, next_attempt_at=now
            )
            for e in endpoints
        ]
    )
    ids = [d.pk for d in deliveries]
    transaction.on_commit(lambda: [deliver_webhook.enqueue(pk) for pk in ids])
    return ids


def body_of(delivery: WebhookDelivery) -> bytes:
    envelope = {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()


def deliver(*, delivery_id: int, now: datetime.datetime | None = None) -> str:
    """One attempt, made only by whoever claims the delivery while it is due.

    Two runners reach a delivery — the task enqueued on commit and ``hamsu webhooks``
    (``deliver_due``) — and a retry task may run before its time; without a claim both
    sent, the second one a second after the first instead of after the back-off. The
    claim is one conditional UPDATE: it moves ``next_attempt_at`` a lease ahead, so the
    other runner finds nothing due. The HTTP call happens outside any transaction (no
    lock held while we wait on someone else's server); the outcome is written after."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING],
        next_attempt_at__lte=now,
    ).update(next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    body = body_of(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Hamsu-Webhooks/1",
        "X-Hamsu-Event": delivery.event_type,
        "X-Hamsu-Delivery": str(delivery.event_id),
        "X-Hamsu-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    status_code, error, refused = None, "", False
    try:
        # Checked now, not only when saved: the settings or the name's DNS may have changed.
        target = webhook_targets.check_url(delivery.endpoint.url)
    except webhook_targets.TargetRefused as refusal:
        # Nothing is sent and nothing about the host is recorded (which address, which
        # port answers): the log must not tell anyone what lies inside the network.
        error, refused = refusal.message, True
    else:
        try:
            status_code = webhook_targets.post(target, body, headers, timeout=TIMEOUT_SECONDS)
        except (OSError, http.client.HTTPException, ValueError) as failure:
            error = (str(failure) or type(failure).__name__)[:500]
        if status_code is not None and 300 <= status_code < 400:
            error = webhook_targets.REDIRECT
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        delivery.response_status = status_code
        if status_code is not None and 200 <= status_code < 300:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
            delivery.last_error = ""
        elif refused or delivery.attempts >= MAX_ATTEMPTS:
            # A refused address would be refused again: fail now, replay after fixing it.
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = error or f"HTTP {status_code}"
        else:
            delivery.status = DeliveryStatus.RETRYING
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
            delivery.last_error = error or f"HTTP {status_code}"
        delivery.save()
        if delivery.status == DeliveryStatus.RETRYING:
            _schedule_retry(delivery)
    return delivery.status


def _schedule_retry(delivery: WebhookDelivery) -> None:
    """With a backend that can defer (the database worker), the retry is a task due at
    next_attempt_at; otherwise ``hamsu webhooks`` (deliver_due) picks it up."""
    from django_tasks import default_task_backend

    from hamsu.dataio.tasks import deliver_webhook

    if default_task_backend.supports_defer:
        run_after = delivery.next_attempt_at
        pk = delivery.pk
        transaction.on_commit(lambda: deliver_webhook.using(run_after=run_after).enqueue(pk))


def deliver_due(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        deliver(delivery_id=pk, now=now)
    return len(due)
