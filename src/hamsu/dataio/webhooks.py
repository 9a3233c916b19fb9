"""Outbound webhooks: ``emit`` inside the writer's transaction, deliver after commit.

Each POST carries ``X-Hamsu-Signature: t=<unix seconds>,v1=<hex>`` where the hex is
HMAC-SHA256(secret, f"{t}." + body). A receiver recomputes it and refuses old ``t``
(replay protection). Failed deliveries are retried with exponential back-off; after
MAX_ATTEMPTS they stay FAILED in the log, where someone can replay them by hand.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from hamsu.dataio.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

MAX_ATTEMPTS = 8
BASE_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 10


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


def deliver(*, delivery_id: int) -> str:
    """One attempt. The HTTP call happens outside any transaction (no lock held while we
    wait on someone else's server); the outcome is written in a short one after."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return "skipped"
    body = body_of(delivery)
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Hamsu-Webhooks/1",
            "X-Hamsu-Event": delivery.event_type,
            "X-Hamsu-Delivery": str(delivery.event_id),
            "X-Hamsu-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    status_code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - admin-set URL
            status_code = response.status
    except urllib.error.HTTPError as failure:
        status_code, error = failure.code, f"HTTP {failure.code}"
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = str(getattr(failure, "reason", failure))[:500]
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        delivery.response_status = status_code
        if status_code is not None and 200 <= status_code < 300:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
            delivery.last_error = ""
        elif delivery.attempts >= MAX_ATTEMPTS:
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
        deliver(delivery_id=pk)
    return len(due)
